import type { INodeProperties } from 'n8n-workflow';

const show = { operation: ['run'] };

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
		displayName: 'Inputs (JSON)',
		name: 'parametersJson',
		type: 'json',
		displayOptions: { show },
		default: '{}',
		description: "The workflow's inputs as a JSON object: the Start node's parameters by name (Coze calls them parameters)",
	},
];
