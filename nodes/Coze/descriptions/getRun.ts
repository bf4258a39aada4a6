import type { INodeProperties } from 'n8n-workflow';

const show = { operation: ['getRun'] };

export const getRunProperties: INodeProperties[] = [
	{
		displayName: 'Execute ID',
		name: 'executeId',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '={{ $json.executeId }}',
		placeholder: '7404830425073352713',
		description: "The run's execute ID (Coze calls it execute_id)",
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		displayOptions: { show },
		default: false,
		description: 'Whether to poll until the run has finished instead of returning its current status',
	},
];
