import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { show, currentStep, stateJson, waitJson, blockedTaskId, blockedSummary } from '../descriptions/flowFields';
import { mutateFlow } from '../n8n/mutation';
import { collectionFields } from '../n8n/params';
import type { OperationContext } from './types';

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		displayName: 'Additional Fields',
		name: 'waitingFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'With a Blocked Task ID or Blocked Summary the flow becomes blocked, else waiting',
		displayOptions: show('setWaiting'),
		options: [currentStep, stateJson, waitJson, blockedTaskId, blockedSummary],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const fields = this.getNodeParameter('waitingFields', itemIndex, {}) as IDataObject;
	return await mutateFlow(
		this,
		itemIndex,
		client,
		'set_waiting',
		collectionFields(fields, { json: ['stateJson', 'waitJson'], text: ['currentStep', 'blockedTaskId', 'blockedSummary'] }),
	);
}
