import type { INodeProperties } from 'n8n-workflow';

/** The inputs of a workflow's Start node, for Run and for Chat (whose message is the chatflow's USER_INPUT). */
const show = { operation: ['run', 'chat'] };

const INPUT_MODE_OPTIONS = [
	{ name: 'Fields', value: 'fields', description: "One field per input of the workflow's Start node, with its type" },
	{ name: 'JSON', value: 'json', description: 'A JSON object of the inputs by name' },
];

export const inputsProperties: INodeProperties[] = [
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
		displayName:
			'Each input shows its Coze type. A file input takes the name of a binary field of the incoming item (uploaded for you), a URL, or a Coze file ID; a list of files takes several, comma-separated.',
		name: 'inputsNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...show, inputMode: ['fields'] } },
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
				// The automatic mode would need its own wording ("Mapping Column Mode … in Coze Workflow" is
				// n8n's), and Inputs = JSON with an expression such as {{ $json }} already maps items as a whole.
				supportAutoMap: false,
				// Before a workflow is chosen, or when Coze cannot find it, the notice says why; no red error.
				hideNoDataError: true,
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
