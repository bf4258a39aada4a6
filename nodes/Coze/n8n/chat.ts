import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CozeChatClient } from '../protocol/chat/client';
import type { ChatAnswerDelta, ChatStreamOptions, CozeChatResult } from '../protocol/chat/types';
import { CozeApiError, CozeInputError } from '../protocol/errors';
import { isToolMode } from '../../shared/toolMode';
import { digitsId, maxEventBytesOption, secondsOption, textOption } from './params';

/** What the chat operations of both Coze nodes share: message, conversation, options and output. */

/** A chatflow's Start node takes the message as this input; the other inputs come from Inputs. */
export const CHATFLOW_MESSAGE_INPUT = 'USER_INPUT';

/** Where a chat round's messages go: a new conversation, a given one, or the one of the n8n chat session. */
export type ConversationChoice = { kind: 'new' } | { kind: 'id'; conversationId: string } | { kind: 'session'; sessionId: string };

export interface ChatOptions {
	connectorId?: string;
	includeEvents: boolean;
	includeMessages: boolean;
	streamToResponse: boolean;
	idleTimeoutMs: number;
	totalTimeoutMs: number;
	maxEventBytes: number;
}

/** The user's message: the text the agent answers, or the chatflow's USER_INPUT. */
export function readMessage(context: IExecuteFunctions, itemIndex: number): string {
	const raw = context.getNodeParameter('message', itemIndex, '') as unknown;
	const message = typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : JSON.stringify(raw);
	if (message.trim() === '') {
		// As an AI Agent's tool, the node's input is what the model passed, which fills only $fromAI() parameters.
		const asTool = isToolMode(context);
		throw new CozeInputError(
			'Message',
			asTool
				? "Message is empty: as an AI Agent's tool, let the model fill it: set Message to {{ $fromAI('message', 'The message to send') }}"
				: 'Message is empty: enter the text to send, or map it from the input (a Chat Trigger gives it as chatInput)',
		);
	}
	return message;
}

/** A required conversation ID parameter (Conversation ID of List Messages, Clear Context, Submit Tool Outputs). */
export function readConversationId(context: IExecuteFunctions, itemIndex: number): string {
	const conversationId = digitsId(context.getNodeParameter('conversationId', itemIndex, '') as unknown, 'Conversation ID');
	if (conversationId === '') {
		throw new CozeInputError(
			'Conversation ID',
			"Conversation ID is empty: use the conversationId of an earlier chat's item, or of Create Conversation",
		);
	}
	return conversationId;
}

export function readConversationChoice(context: IExecuteFunctions, itemIndex: number): ConversationChoice {
	const kind = context.getNodeParameter('conversation', itemIndex, 'new') as string;
	if (kind === 'new') return { kind };
	if (kind === 'id') return { kind, conversationId: readConversationId(context, itemIndex) };
	if (kind === 'session') {
		const raw = context.getNodeParameter('sessionId', itemIndex, '') as unknown;
		const sessionId = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
		if (sessionId === '') {
			throw new CozeInputError(
				'Session ID',
				'Session ID is empty: the item has no sessionId (a Chat Trigger gives one). Map Session ID from the input, or choose another Conversation',
			);
		}
		return { kind, sessionId };
	}
	throw new CozeInputError(
		'Conversation',
		`Conversation must be New Conversation, By ID or One per Chat Session (new, id or session), not "${kind}"`,
	);
}

/**
 * The conversation ID to send, if any. A session's conversation is found (or created) in Coze
 * itself, tagged with the session ID, so that it survives restarts and is the same for every n8n
 * process (queue mode); it needs the agent the conversation belongs to.
 */
async function conversationIdFor(
	chat: CozeChatClient,
	choice: ConversationChoice,
	botId: string | undefined,
	connectorId: string | undefined,
): Promise<string | undefined> {
	if (choice.kind === 'new') return undefined;
	if (choice.kind === 'id') return choice.conversationId;
	if (!botId) {
		throw new CozeInputError(
			'Bot ID',
			'One per Chat Session needs Bot ID: Coze keeps the conversations of a session under an agent. Set Bot ID (the agent the chatflow runs in), or choose another Conversation',
		);
	}
	const { conversationId } = await chat.conversationForSession({ botId, sessionId: choice.sessionId, connectorId });
	return conversationId;
}

/** Coze refused the conversation (4002) before anything started: it does not exist, or no longer. */
function isUnknownConversation(error: unknown): boolean {
	return error instanceof CozeApiError && error.details.code === 4002 && !error.details.runFailed && !error.runMayExist;
}

/**
 * Runs a chat round in the chosen conversation. A session's conversation that Coze refuses as unknown
 * (deleted in Coze) is forgotten and the round sent once more, in the session's new conversation:
 * the refusal came before anything started.
 */
export async function inConversation<T>(
	chat: CozeChatClient,
	choice: ConversationChoice,
	botId: string | undefined,
	connectorId: string | undefined,
	round: (conversationId: string | undefined) => Promise<T>,
): Promise<T> {
	const conversationId = await conversationIdFor(chat, choice, botId, connectorId);
	const again = async (error: unknown): Promise<T> => {
		if (choice.kind !== 'session' || conversationId === undefined || !isUnknownConversation(error)) throw error;
		chat.forgetSessionConversation(conversationId);
		return await round(await conversationIdFor(chat, choice, botId, connectorId));
	};
	return await round(conversationId).catch(again);
}

/** The item's n8n chat session ID (a Chat Trigger's sessionId), if it has one. */
function itemSessionId(context: IExecuteFunctions, itemIndex: number): string | undefined {
	const sessionId = context.getInputData()[itemIndex]?.json.sessionId;
	return typeof sessionId === 'string' && sessionId.trim() !== '' ? sessionId.trim() : undefined;
}

/** The end user Coze is told about: as entered, else the item's chat session, else this n8n workflow. */
export function userIdFor(context: IExecuteFunctions, itemIndex: number, entered: string | undefined): string {
	return entered || itemSessionId(context, itemIndex) || `n8n-${context.getWorkflow().id ?? 'workflow'}`;
}

/** Idle Timeout and friends of a chat round; `options` is the node's Options collection. */
export function readChatOptions(options: IDataObject): ChatOptions {
	return {
		connectorId: textOption(options, 'connectorId', 'Connector ID'),
		includeEvents: options.includeEvents === true,
		includeMessages: options.includeMessages === true,
		streamToResponse: options.streamToResponse !== false,
		idleTimeoutMs: secondsOption(options, 'idleTimeout', 'Idle Timeout', 600),
		totalTimeoutMs: secondsOption(options, 'totalTimeout', 'Total Timeout', 1200),
		maxEventBytes: maxEventBytesOption(options),
	};
}

export function chatStreamOptions(options: ChatOptions, onDelta: ((delta: ChatAnswerDelta) => void) | undefined): ChatStreamOptions {
	return { idleTimeoutMs: options.idleTimeoutMs, totalTimeoutMs: options.totalTimeoutMs, maxEventBytes: options.maxEventBytes, keepEvents: options.includeEvents, onDelta };
}

/** The output item of a chat round: IDs as strings, messages and events only when asked for. */
export function chatResultToJson(result: CozeChatResult, options: Pick<ChatOptions, 'includeEvents' | 'includeMessages'>): IDataObject {
	const json: IDataObject = {
		status: result.status,
		answer: result.answer,
		conversationId: result.conversationId,
		chatId: result.chatId ?? null,
		sectionId: result.sectionId ?? null,
		usage: result.usage ? { ...result.usage } : null,
		debugUrl: result.debugUrl ?? null,
		executeId: result.executeId ?? null,
		followUps: [...result.followUps],
		reasoning: result.reasoning ?? null,
		logId: result.logId ?? null,
	};
	if (result.status === 'interrupted') json.question = result.question ?? null;
	if (result.status === 'requiresAction') json.toolCalls = (result.toolCalls ?? []).map((call) => ({ ...call }));
	if (options.includeMessages) json.messages = result.messages.map((message) => ({ ...message }));
	if (options.includeEvents) json.events = (result.events ?? []).map((event) => ({ ...event }) as IDataObject);
	return json;
}
