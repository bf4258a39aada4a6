import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { show, RESUME_STATUS_OPTIONS, currentStep, stateJson } from '../descriptions/flowFields';
import { mutateFlow } from '../n8n/mutation';
import { collectionFields } from '../n8n/params';
import type { OperationContext } from './types';

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		displayName: 'Status',
		name: 'resumeStatus',
		type: 'options',
		options: RESUME_STATUS_OPTIONS,
		default: 'queued',
		description: 'The status the flow continues with',
		displayOptions: show('resumeFlow'),
	},
	{
		displayName: 'Additional Fields',
		name: 'resumeFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('resumeFlow'),
		options: [currentStep, stateJson],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const fields = this.getNodeParameter('resumeFields', itemIndex, {}) as IDataObject;
	return await mutateFlow(this, itemIndex, client, 'resume_flow', {
		status: this.getNodeParameter('resumeStatus', itemIndex, 'queued') as string,
		...collectionFields(fields, { json: ['stateJson'], text: ['currentStep'] }),
	});
}
