import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ChatflowRequest } from '../protocol/chat/types';
import { checkChatflowHome } from '../protocol/chat/client';
import { conversationMessageProperties } from '../descriptions/chat';
import {
	CHATFLOW_MESSAGE_INPUT,
	chatResultToJson,
	chatStreamOptions,
	inConversation,
	readChatOptions,
	readConversationChoice,
	readMessage,
} from '../n8n/chat';
import type { CozeConnection } from '../n8n/connection';
import type { InputSchemas } from '../n8n/inputSchemas';
import { readRunParameters } from '../n8n/inputValues';
import { withLiveAnswer } from '../n8n/liveChunks';
import { reportNotices } from '../n8n/notices';
import { digitsId, readWorkflowId, textOption } from '../n8n/params';

const show = { operation: ['chat'] };

const FILLED_BY_NODE: ReadonlySet<string> = new Set([CHATFLOW_MESSAGE_INPUT]);

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	...conversationMessageProperties(show, "The user's message: the chatflow's USER_INPUT", ' (needs Bot ID)'),
	{
		displayName: 'Bot ID',
		name: 'botId',
		type: 'string',
		default: '',
		placeholder: '7400000000000000100',
		description:
			'For a chatflow of the resource library: the agent it runs in (its memory, database and variables). Needed for One per Chat Session. Set either Bot ID or App ID (Coze calls it bot_id).',
		displayOptions: { show },
	},
	{
		displayName: 'App ID',
		name: 'appId',
		type: 'string',
		default: '',
		placeholder: '7400000000000000200',
		description:
			"For a chatflow of a Coze app (project): the app's ID. Set either Bot ID or App ID (Coze calls it app_id). Without a conversation ID, an app chatflow continues the app's conversation named by its CONVERSATION_NAME input (Default unless set).",
		displayOptions: { show },
	},
];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: CozeConnection,
	schemas: InputSchemas,
): Promise<IDataObject> {
	const { chat } = connection;
	const workflowId = readWorkflowId(this, itemIndex);
	const message = readMessage(this, itemIndex);
	const botId = digitsId(this.getNodeParameter('botId', itemIndex, '') as unknown, 'Bot ID') || undefined;
	const appId = digitsId(this.getNodeParameter('appId', itemIndex, '') as unknown, 'App ID') || undefined;
	checkChatflowHome({ botId, appId });
	const choice = readConversationChoice(this, itemIndex);
	const optionValues = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const options = readChatOptions(optionValues);
	const parameters = await readRunParameters(this, itemIndex, connection, workflowId, schemas, FILLED_BY_NODE);
	const request: ChatflowRequest = {
		workflowId,
		message,
		parameters,
		botId,
		appId,
		version: textOption(optionValues, 'workflowVersion', 'Workflow Version'),
		connectorId: options.connectorId,
		userId: textOption(optionValues, 'userId', 'User ID'),
	};
	const result = await inConversation(
		chat,
		choice,
		botId,
		options.connectorId,
		async (conversationId) =>
			await withLiveAnswer(
				this,
				itemIndex,
				options.streamToResponse,
				async (onDelta) => await chat.chatflow({ ...request, conversationId }, chatStreamOptions(options, onDelta)),
			),
	);
	reportNotices(this, result, 'chat');
	return chatResultToJson(result, options);
}
