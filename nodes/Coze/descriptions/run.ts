import type { INodeProperties } from 'n8n-workflow';

const show = { operation: ['run'] };

const INPUT_MODE_OPTIONS = [
	{ name: 'Fields', value: 'fields', description: "One field per input of the workflow's Start node, with its type" },
	{ name: 'JSON', value: 'json', description: 'A JSON object of the inputs by name' },
];

export const runProperties: INodeProperties[] = [
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		displayOptions: { show },
		options: [
			{
				name: 'Stream',
				value: 'stream',
				description: 'Run with stream_run and read the events as they come. Works for long runs and for workflows that ask questions.',
			},
			{
				name: 'Async',
				value: 'async',
				description: 'Start the run in the background (is_async) and poll its history until it ends. Needs a paid Coze plan.',
			},
			{
				name: 'Sync',
				value: 'sync',
				description: 'One request that waits for the result. Coze cuts it after 90 s; no streaming output nodes.',
			},
		],
		default: 'stream',
	},
	{
		displayName: 'Inputs',
		name: 'inputMode',
		type: 'options',
		displayOptions: { show: { ...show, '@version': [1] } },
		options: INPUT_MODE_OPTIONS,
		default: 'json',
	},
	{
		displayName: 'Inputs',
		name: 'inputMode',
		type: 'options',
		displayOptions: { show: { ...show, '@version': [{ _cnd: { gte: 1.1 } }] } },
		options: INPUT_MODE_OPTIONS,
		default: 'fields',
	},
	{
		displayName: 'Inputs',
		name: 'inputs',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			loadOptionsDependsOn: ['workflowId.value'],
			resourceMapper: {
				resourceMapperMethod: 'getWorkflowInputs',
				mode: 'add',
				fieldWords: { singular: 'input', plural: 'inputs' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: true,
			},
		},
		displayOptions: { show: { ...show, inputMode: ['fields'] } },
	},
	{
		displayName: 'Inputs (JSON)',
		name: 'parametersJson',
		type: 'json',
		displayOptions: { show: { ...show, inputMode: ['json'] } },
		default: '{}',
		description: "The workflow's inputs as a JSON object: the Start node's parameters by name (Coze calls them parameters)",
	},
];
