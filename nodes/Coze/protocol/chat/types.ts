/**
 * Results, events and requests of Coze's chat surface: `/v1/workflows/chat` (chatflows) and
 * `/v3/chat` (agents), with the conversation endpoints. IDs are strings: Coze's exceed 2^53.
 */
import type { CozeUsage } from '../types';

/** How a chat round ended, as the nodes report it. */
export type ChatStatus = 'succeeded' | 'interrupted' | 'requiresAction' | 'canceled';

/** One decoded event of a chat stream: the SSE event name and its data, JSON-parsed when it is JSON. */
export interface ChatStreamEvent {
	event: string;
	/** Parsed JSON, or the raw text when the data is not JSON (e.g. `"[DONE]"` stays the string `[DONE]`). */
	data: unknown;
	/** The SSE id, when the server sends one (Coze Studio's chatflows do). */
	id?: string;
}

/** A tool call an agent waits for (`requires_action`): `arguments` is the JSON text Coze sent. */
export interface ChatToolCall {
	id: string;
	type: string;
	name: string;
	arguments: string;
}

/** A completed message of the round (`conversation.message.completed`, or the message list when polled). */
export interface ChatMessage {
	id: string;
	role: string;
	/** `answer`, `function_call`, `tool_response`, `follow_up`, `verbose`, `question`… */
	type: string;
	content: string;
	contentType: string;
	reasoningContent?: string;
	chatId?: string;
	conversationId?: string;
	sectionId?: string;
	createdAt?: number;
}

/** A piece of the answer as it arrives: only `answer` text, never verbose, follow-up or tool content. */
export interface ChatAnswerDelta {
	messageId: string;
	text: string;
}

export interface CozeChatResult {
	status: ChatStatus;
	/** The `content` of the completed `answer` messages, joined with a blank line, in arrival order. */
	answer: string;
	conversationId: string;
	chatId?: string;
	sectionId?: string;
	usage?: CozeUsage;
	/** Chatflows: from the `done` event. */
	debugUrl?: string;
	/** Chatflows: the run's execute ID (inside the debug URL). */
	executeId?: string;
	followUps: string[];
	/** The model's reasoning, joined, when it gave any. */
	reasoning?: string;
	logId?: string;
	/** `interrupted`: the question a chatflow's Question or Input node asks; answer it with the next message in the same conversation. */
	question?: string;
	/** `requiresAction`: what the agent waits for; answer with Submit Tool Outputs. */
	toolCalls?: ChatToolCall[];
	/** Every completed message of the round, in arrival order. */
	messages: ChatMessage[];
	/** Every event, when asked for (`keepEvents`). */
	events?: ChatStreamEvent[];
	/** Things the user should know that are not failures (e.g. how the result was read). */
	notices: string[];
}

export interface ChatStreamOptions {
	/** No byte for this long fails the stream. Chat streams have no heartbeats: cover the longest silent step. */
	idleTimeoutMs: number;
	/** The whole round may take at most this long. */
	totalTimeoutMs: number;
	/** The most one event may hold (default 64 MiB). */
	maxEventBytes?: number;
	keepEvents: boolean;
	/** Called for each `answer` delta as it arrives. */
	onDelta?: (delta: ChatAnswerDelta) => void;
}

export interface ChatPollOptions {
	/** How long to wait for the round to end before cancelling it. */
	totalTimeoutMs: number;
	/** At least 1 s: Coze asks clients not to poll faster. */
	intervalMs?: number;
	keepEvents: boolean;
}

/** An additional message, as `/v3/chat` and `/v1/workflows/chat` take them. */
export interface ChatInputMessage {
	role: 'user' | 'assistant';
	content: string;
	contentType?: 'text' | 'object_string';
	type?: 'question' | 'answer';
}

/** `POST /v1/workflows/chat`. Exactly one of `botId`, `appId`. */
export interface ChatflowRequest {
	workflowId: string;
	/** The user's message; it becomes the Start node's USER_INPUT. */
	message: string;
	/** Other Start-node inputs. */
	parameters?: Record<string, unknown>;
	botId?: string;
	appId?: string;
	conversationId?: string;
	version?: string;
	connectorId?: string;
	userId?: string;
	ext?: Record<string, string>;
}

/** `POST /v3/chat`. */
export interface AgentChatRequest {
	botId: string;
	userId: string;
	message: string;
	conversationId?: string;
	customVariables?: Record<string, string>;
	connectorId?: string;
	metaData?: Record<string, string>;
}

export interface ToolOutput {
	toolCallId: string;
	output: string;
}

export interface Conversation {
	id: string;
	name?: string;
	createdAt?: number;
	updatedAt?: number;
	lastSectionId?: string;
	metaData: Record<string, string>;
	connectorId?: string;
}

export interface AgentSummary {
	id: string;
	name: string;
	description?: string;
	iconUrl?: string;
	workspaceId: string;
	workspaceName?: string;
	isPublished?: boolean;
	updatedAt?: number;
}

export interface MessagePage {
	messages: ChatMessage[];
	firstId?: string;
	lastId?: string;
	hasMore: boolean;
}
