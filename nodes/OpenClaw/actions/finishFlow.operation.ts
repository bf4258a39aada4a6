import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { show, stateJson } from '../descriptions/flowFields';
import { mutateFlow } from '../n8n/mutation';
import { collectionFields } from '../n8n/params';
import type { OperationContext } from './types';

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		displayName: 'Additional Fields',
		name: 'finishFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('finishFlow'),
		options: [stateJson],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const fields = this.getNodeParameter('finishFields', itemIndex, {}) as IDataObject;
	return await mutateFlow(this, itemIndex, client, 'finish_flow', collectionFields(fields, { json: ['stateJson'] }));
}
