import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { CozeInputError } from '../protocol/errors';
import { conversationIdProperty } from '../descriptions/chat';
import { readConversationId } from '../n8n/chat';
import type { CozeConnection } from '../n8n/connection';

const show = { operation: ['listMessages'] };

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	conversationIdProperty(show, '={{ $json.conversationId }}'),
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50, numberPrecision: 0 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show },
	},
	{
		displayName: 'Order',
		name: 'order',
		type: 'options',
		options: [
			{ name: 'Newest First', value: 'desc' },
			{ name: 'Oldest First', value: 'asc' },
		],
		default: 'desc',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, { chat }: CozeConnection): Promise<IDataObject> {
	const conversationId = readConversationId(this, itemIndex);
	const limit = Number(this.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new CozeInputError('Limit', `Limit must be a whole number from 1 to 50, not ${String(limit)}`);
	const order = this.getNodeParameter('order', itemIndex, 'desc') as string;
	if (order !== 'asc' && order !== 'desc') throw new CozeInputError('Order', `Order must be asc or desc, not "${order}"`);
	const page = await chat.listConversationMessages(conversationId, { limit, order });
	return {
		conversationId,
		messages: page.messages.map((message) => ({ ...message })),
		hasMore: page.hasMore,
		firstId: page.firstId ?? null,
		lastId: page.lastId ?? null,
	};
}
