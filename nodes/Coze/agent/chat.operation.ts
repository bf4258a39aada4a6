import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { AgentChatRequest, CozeChatResult } from '../protocol/chat/types';
import { CozeInputError } from '../protocol/errors';
import { conversationMessageProperties } from '../descriptions/chat';
import { chatResultToJson, chatStreamOptions, inConversation, readChatOptions, readConversationChoice, readMessage, userIdFor } from '../n8n/chat';
import type { CozeConnection } from '../n8n/connection';
import { withLiveAnswer } from '../n8n/liveChunks';
import { reportNotices } from '../n8n/notices';
import { textOption } from '../n8n/params';
import { readAgentId } from './agentId';
import { readPairs } from './options';

const show = { operation: ['chat'] };

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	...conversationMessageProperties(show, 'The message to the agent', ''),
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		default: '',
		description:
			"Your own ID for the end user (Coze calls it user_id). Empty: the item's chat session (sessionId), or else one ID for this n8n workflow.",
		displayOptions: { show },
	},
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		options: [
			{ name: 'Stream', value: 'stream', description: 'Read the answer as the agent writes it; it can go into a streaming response' },
			{
				name: 'Poll',
				value: 'poll',
				description: 'Start the chat and check on it until it ends, then read its messages. Needs the agent to keep its chat history.',
			},
		],
		default: 'stream',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, { chat }: CozeConnection): Promise<IDataObject> {
	const botId = readAgentId(this, itemIndex);
	const message = readMessage(this, itemIndex);
	const choice = readConversationChoice(this, itemIndex);
	const mode = this.getNodeParameter('mode', itemIndex, 'stream') as string;
	if (mode !== 'stream' && mode !== 'poll') throw new CozeInputError('Mode', `Mode must be Stream or Poll (stream or poll), not "${mode}"`);
	const optionValues = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const options = readChatOptions(optionValues);
	const request: AgentChatRequest = {
		botId,
		userId: userIdFor(this, itemIndex, textOption({ userId: this.getNodeParameter('userId', itemIndex, '') }, 'userId', 'User ID')),
		message,
		customVariables: readPairs(optionValues, 'customVariables', 'Custom Variables', 'name'),
		connectorId: options.connectorId,
	};
	const result: CozeChatResult = await inConversation(chat, choice, botId, options.connectorId, async (conversationId) => {
		const inIt = { ...request, conversationId };
		if (mode === 'poll') return await chat.agentChatPolled(inIt, { totalTimeoutMs: options.totalTimeoutMs, keepEvents: options.includeEvents });
		return await withLiveAnswer(
			this,
			itemIndex,
			options.streamToResponse,
			async (onDelta) => await chat.agentChat(inIt, chatStreamOptions(options, onDelta)),
		);
	});
	reportNotices(this, result, 'chat');
	return chatResultToJson(result, options);
}
