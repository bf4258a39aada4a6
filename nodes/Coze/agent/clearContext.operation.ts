import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { conversationIdProperty } from '../descriptions/chat';
import { readConversationId } from '../n8n/chat';
import type { CozeConnection } from '../n8n/connection';

const show = { operation: ['clearContext'] };

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [conversationIdProperty(show, '={{ $json.conversationId }}')];

export async function execute(this: IExecuteFunctions, itemIndex: number, { chat }: CozeConnection): Promise<IDataObject> {
	const { conversationId, sectionId } = await chat.clearConversation(readConversationId(this, itemIndex));
	return { conversationId, sectionId };
}
