import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { show, stateJson, blockedTaskId, blockedSummary } from '../descriptions/flowFields';
import { mutateFlow } from '../n8n/mutation';
import { collectionFields } from '../n8n/params';
import type { OperationContext } from './types';

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		displayName: 'Additional Fields',
		name: 'failFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('failFlow'),
		options: [stateJson, blockedTaskId, blockedSummary],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const fields = this.getNodeParameter('failFields', itemIndex, {}) as IDataObject;
	return await mutateFlow(
		this,
		itemIndex,
		client,
		'fail_flow',
		collectionFields(fields, { json: ['stateJson'], text: ['blockedTaskId', 'blockedSummary'] }),
	);
}
