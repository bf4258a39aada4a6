import type { INodeProperties } from 'n8n-workflow';

export const uploadFileProperties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the file to upload',
		description: 'Coze keeps uploaded files for 3 months; at most 512 MB per file',
		displayOptions: { show: { operation: ['uploadFile'] } },
	},
];
