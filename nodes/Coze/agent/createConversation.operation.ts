import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Conversation } from '../protocol/chat/types';
import type { CozeConnection } from '../n8n/connection';
import { textOption } from '../n8n/params';
import { readAgentId } from './agentId';
import { readPairs } from './options';

/** The operation's fields (Agent, and its options), shown when it is chosen. */
export const description: INodeProperties[] = [];

/** A conversation as an output item: IDs as strings. */
export function conversationToJson(conversation: Conversation): IDataObject {
	return {
		conversationId: conversation.id,
		name: conversation.name ?? null,
		createdAt: conversation.createdAt ?? null,
		lastSectionId: conversation.lastSectionId ?? null,
		metaData: { ...conversation.metaData },
		connectorId: conversation.connectorId ?? null,
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number, { chat }: CozeConnection): Promise<IDataObject> {
	const botId = readAgentId(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const conversation = await chat.createConversation({
		botId,
		name: textOption(options, 'name', 'Name'),
		metaData: readPairs(options, 'metadata', 'Metadata', 'key'),
		connectorId: textOption(options, 'connectorId', 'Connector ID'),
	});
	return conversationToJson(conversation);
}
