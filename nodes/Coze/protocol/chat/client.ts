import { CozeClientBase } from '../client';
export type { CozeClientOptions } from '../client';
import { listWorkspaces } from '../discovery';
import { CozeAbortedError, CozeApiError, CozeInputError, CozeProtocolError, CozeTimeoutError, markingOpenRun } from '../errors';
import { idString } from '../json';
import { formatDuration } from '../runHistory';
import { ChatAssembler } from './assembler';
import { conversationForSession, forgetSessionConversation, type SessionRequest } from './sessions';
import { readChatStream, type ChatStreamOutcome } from './stream';
import type {
	AgentChatRequest,
	AgentSummary,
	ChatflowRequest,
	ChatPollOptions,
	ChatStreamOptions,
	Conversation,
	CozeChatResult,
	MessagePage,
	ToolOutput,
} from './types';
import { readAgent, readChat, readConversation, readMessage } from './wire';

const CHATFLOW_PATH = '/v1/workflows/chat';
const CHAT_PATH = '/v3/chat';
const READ_TIMEOUT_MS = 30_000;
/** Coze asks clients not to poll a chat faster than once a second. */
const MIN_POLL_INTERVAL_MS = 1000;
const TERMINAL_STATUSES = new Set(['completed', 'failed', 'requires_action', 'canceled', 'cancelled']);
const CANNOT_CANCEL_CODE = 4104;
const CONVERSATIONS_PAGE_SIZE = 50;


function userMessage(content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return { role: 'user', content, content_type: 'text', ...extra };
}

/** A chatflow runs in an agent (Bot ID, library chatflows) or in its app (App ID): exactly one of them. */
export function checkChatflowHome(request: { botId?: string; appId?: string }): void {
	if (request.botId && request.appId) {
		throw new CozeInputError('Bot ID', 'Set either Bot ID or App ID, not both: Coze refuses a chatflow run that names both');
	}
	if (!request.botId && !request.appId) {
		throw new CozeInputError(
			'Bot ID',
			'Set Bot ID or App ID: a chatflow of the resource library runs in an agent (Bot ID), a chatflow of a Coze app in its app (App ID)',
		);
	}
}


/**
 * Coze's chat API: chatflows (`/v1/workflows/chat`), agents (`/v3/chat`, streamed or polled), tool
 * outputs, conversations and agent lists. Knows nothing of n8n; all I/O goes through the injected
 * transport and runtime.
 */
export class CozeChatClient extends CozeClientBase {
	// ---- chat rounds ----

	async chatflow(request: ChatflowRequest, options: ChatStreamOptions): Promise<CozeChatResult> {
		checkChatflowHome(request);
		const body: Record<string, unknown> = {
			workflow_id: request.workflowId,
			additional_messages: [userMessage(request.message)],
		};
		if (request.parameters && Object.keys(request.parameters).length) body.parameters = request.parameters;
		if (request.botId) body.bot_id = request.botId;
		if (request.appId) body.app_id = request.appId;
		if (request.conversationId) body.conversation_id = request.conversationId;
		// Coze Studio names the version field differently.
		if (request.version) body[this.flavor === 'studio' ? 'version' : 'workflow_version'] = request.version;
		if (request.connectorId) body.connector_id = request.connectorId;
		const ext = { ...(request.ext ?? {}) };
		if (request.userId) ext.user_id = request.userId;
		if (Object.keys(ext).length) body.ext = ext;
		const outcome = await readChatStream(this.requester, { method: 'POST', path: CHATFLOW_PATH, json: body }, 'chatflow', options);
		return this.settle(outcome, false);
	}

	async agentChat(request: AgentChatRequest, options: ChatStreamOptions): Promise<CozeChatResult> {
		const outcome = await readChatStream(
			this.requester,
			{ method: 'POST', path: CHAT_PATH, query: { conversation_id: request.conversationId }, json: this.agentBody(request, true) },
			'agent',
			options,
		);
		return this.settle(outcome, true);
	}

	async agentChatPolled(request: AgentChatRequest, options: ChatPollOptions): Promise<CozeChatResult> {
		const started = this.runtime.now();
		const { data, logId } = await markingOpenRun(
			'sending',
			async () =>
				await this.requester.requestJson(
					{
						method: 'POST',
						path: CHAT_PATH,
						query: { conversation_id: request.conversationId },
						json: this.agentBody(request, false),
						idleTimeoutMs: READ_TIMEOUT_MS,
					},
					'starts-run',
				),
		);
		let chat = readChat(data);
		const conversationId = chat.conversationId;
		const chatId = chat.id;
		if (!conversationId || !chatId) throw new CozeProtocolError('Coze accepted the chat but sent no chat ID or conversation ID');
		const ref = { conversationId, chatId };
		let raw: unknown = data;
		let endedMeanwhile = false;
		const interval = Math.max(MIN_POLL_INTERVAL_MS, options.intervalMs ?? MIN_POLL_INTERVAL_MS);
		return await markingOpenRun('started', async () => {
			while (!TERMINAL_STATUSES.has(chat.status ?? '')) {
				if (this.runtime.now() - started >= options.totalTimeoutMs) {
					// After a 4104 the chat has ended: it is read once more, and only once.
					const canceled = endedMeanwhile || (await this.cancelAfterLimit(ref));
					endedMeanwhile = true;
					if (canceled)
						throw new CozeTimeoutError(
							`The chat did not finish within the total timeout of ${formatDuration(options.totalTimeoutMs)}, so it was cancelled. Chat ID ${chatId}, conversation ID ${conversationId}.`,
							'total',
						);
				} else await this.requester.pause(interval);
				const answer = await this.requester.requestJson(
					{
						method: 'GET',
						path: `${CHAT_PATH}/retrieve`,
						query: { conversation_id: conversationId, chat_id: chatId },
						idleTimeoutMs: READ_TIMEOUT_MS,
					},
					'read',
				);
				raw = answer.envelope.data;
				chat = readChat(raw);
			}
			const list = await this.requester.requestJson(
				{
					method: 'GET',
					path: `${CHAT_PATH}/message/list`,
					query: { conversation_id: conversationId, chat_id: chatId },
					idleTimeoutMs: READ_TIMEOUT_MS,
				},
				'read',
			);
			const assembler = new ChatAssembler({ kind: 'agent', keepEvents: options.keepEvents });
			for (const message of Array.isArray(list.envelope.data) ? list.envelope.data : []) {
				assembler.add({ event: 'conversation.message.completed', data: message });
			}
			assembler.add({ event: `conversation.chat.${chat.status ?? 'completed'}`, data: raw });
			const result = assembler.result({ endpoint: `GET ${CHAT_PATH}/retrieve`, logId });
			return { ...result, conversationId: result.conversationId || conversationId, chatId: result.chatId ?? chatId };
		}).catch(async (error: unknown) => {
			// A stopped execution leaves no chat running in Coze.
			if (error instanceof CozeAbortedError) await this.cancelQuietly(ref);
			throw error;
		});
	}

	/** On the time limit: cancels the chat. False when Coze answered 4104 (it had ended meanwhile), so it is read once more. */
	private async cancelAfterLimit(ref: { conversationId: string; chatId: string }): Promise<boolean> {
		return await this.cancelChat(ref).then(
			() => true,
			(error: unknown) => {
				if (error instanceof CozeApiError && error.code === CANNOT_CANCEL_CODE) return false;
				throw error;
			},
		);
	}

	async submitToolOutputs(
		ref: { conversationId: string; chatId: string },
		outputs: ToolOutput[],
		options: ChatStreamOptions,
	): Promise<CozeChatResult> {
		if (outputs.length === 0) throw new CozeInputError('Tool Outputs', 'Add at least one tool output: the tool call ID and what the tool returned.');
		const outcome = await readChatStream(
			this.requester,
			{
				method: 'POST',
				path: `${CHAT_PATH}/submit_tool_outputs`,
				query: { conversation_id: ref.conversationId, chat_id: ref.chatId },
				json: {
					tool_outputs: outputs.map((output) => ({ tool_call_id: output.toolCallId, output: output.output })),
					stream: true,
					auto_save_history: true,
				},
			},
			'agent',
			options,
		);
		// The continued stream starts at in_progress; the IDs are those of the round it continues.
		const result = await this.settle(
			{ conversationId: ref.conversationId, chatId: ref.chatId, ...definedIds(outcome), result: outcome.result, failure: outcome.failure },
			true,
		);
		return { ...result, conversationId: result.conversationId || ref.conversationId, chatId: result.chatId ?? ref.chatId };
	}

	async cancelChat(ref: { conversationId: string; chatId: string }): Promise<{ status: string }> {
		const { data } = await this.requester.requestJson(
			{
				method: 'POST',
				path: `${CHAT_PATH}/cancel`,
				json: { conversation_id: ref.conversationId, chat_id: ref.chatId },
				idleTimeoutMs: READ_TIMEOUT_MS,
				detached: true,
			},
			'read',
		);
		return { status: readChat(data).status ?? 'canceled' };
	}

	private agentBody(request: AgentChatRequest, stream: boolean): Record<string, unknown> {
		const body: Record<string, unknown> = {
			bot_id: request.botId,
			user_id: request.userId,
			// Explicit: Coze Studio streams when `stream` is absent, the cloud does not.
			stream,
			// Polling and tool outputs need the round saved.
			auto_save_history: true,
			additional_messages: [userMessage(request.message, { type: 'question' })],
		};
		if (request.customVariables && Object.keys(request.customVariables).length) body.custom_variables = request.customVariables;
		if (request.metaData && Object.keys(request.metaData).length) body.meta_data = request.metaData;
		if (request.connectorId) body.connector_id = request.connectorId;
		return body;
	}

	/** The outcome's result, or its failure thrown; an agent's chat left by a stop or a timeout is cancelled. */
	private async settle(outcome: ChatStreamOutcome, cancelsLeftChat: boolean): Promise<CozeChatResult> {
		if (outcome.result) return outcome.result;
		// A stop or a timeout leaves the chat running in Coze, where it would refuse the conversation's next message (4016).
		const abandoned = outcome.failure instanceof CozeAbortedError || outcome.failure instanceof CozeTimeoutError;
		if (cancelsLeftChat && abandoned && outcome.conversationId && outcome.chatId) {
			await this.cancelQuietly({ conversationId: outcome.conversationId, chatId: outcome.chatId });
		}
		throw outcome.failure;
	}

	/** Best effort: the stop is what the user sees, whatever the cancel gives. */
	private async cancelQuietly(ref: { conversationId: string; chatId: string }): Promise<void> {
		await this.cancelChat(ref).catch(() => undefined);
	}

	// ---- conversations ----

	async createConversation(request: {
		botId?: string;
		name?: string;
		metaData?: Record<string, string>;
		connectorId?: string;
	}): Promise<Conversation> {
		const body: Record<string, unknown> = {};
		if (request.botId) body.bot_id = request.botId;
		if (request.name) body.name = request.name;
		if (request.metaData && Object.keys(request.metaData).length) body.meta_data = request.metaData;
		if (request.connectorId) body.connector_id = request.connectorId;
		// Not repeated unless nothing was created: a repeat could leave a second conversation.
		const { data } = await this.requester.requestJson(
			{ method: 'POST', path: '/v1/conversation/create', json: body, idleTimeoutMs: READ_TIMEOUT_MS },
			'starts-run',
		);
		const conversation = readConversation(data);
		if (!conversation) throw new CozeProtocolError('Coze created the conversation but sent no conversation ID');
		return conversation;
	}

	async listConversations(
		botId: string,
		page: number,
		pageSize = CONVERSATIONS_PAGE_SIZE,
		/** Coze lists the API channel's conversations (1024) unless told another. */
		connectorId?: string,
	): Promise<{ conversations: Conversation[]; hasMore: boolean }> {
		const { data } = await this.requester.requestJson(
			{
				method: 'GET',
				path: '/v1/conversations',
				query: {
					bot_id: botId,
					page_num: page,
					page_size: Math.min(pageSize, CONVERSATIONS_PAGE_SIZE),
					sort_order: 'DESC',
					connector_id: connectorId,
				},
				idleTimeoutMs: READ_TIMEOUT_MS,
			},
			'read',
		);
		const conversations = (Array.isArray(data.conversations) ? data.conversations : []).flatMap((raw) => readConversation(raw) ?? []);
		return { conversations, hasMore: data.has_more === true };
	}

	async listConversationMessages(
		conversationId: string,
		options: { limit?: number; order?: 'asc' | 'desc'; beforeId?: string; afterId?: string },
	): Promise<MessagePage> {
		const body: Record<string, unknown> = { order: options.order ?? 'desc', limit: Math.max(1, Math.min(50, options.limit ?? 50)) };
		if (options.beforeId) body.before_id = options.beforeId;
		if (options.afterId) body.after_id = options.afterId;
		// A read, though sent as POST: it may be repeated.
		const { envelope } = await this.requester.requestJson(
			{
				method: 'POST',
				path: '/v1/conversation/message/list',
				query: { conversation_id: conversationId },
				json: body,
				idleTimeoutMs: READ_TIMEOUT_MS,
			},
			'read',
		);
		// This answer keeps its paging next to `data`, not inside it.
		const messages = (Array.isArray(envelope.data) ? envelope.data : []).flatMap((raw) => readMessage(raw) ?? []);
		const page: MessagePage = { messages, hasMore: envelope.has_more === true };
		const firstId = idString(envelope.first_id);
		if (firstId) page.firstId = firstId;
		const lastId = idString(envelope.last_id);
		if (lastId) page.lastId = lastId;
		return page;
	}

	async clearConversation(conversationId: string): Promise<{ conversationId: string; sectionId: string }> {
		const { data } = await this.requester.requestJson(
			{ method: 'POST', path: `/v1/conversations/${encodeURIComponent(conversationId)}/clear`, idleTimeoutMs: READ_TIMEOUT_MS },
			'read',
		);
		const sectionId = idString(data.id);
		if (!sectionId) throw new CozeProtocolError('Coze cleared the context but sent no section ID');
		return { conversationId: idString(data.conversation_id) ?? conversationId, sectionId };
	}

	// ---- agents ----

	async listAgents(workspaceId: string, page: number, pageSize = 20, workspaceName?: string): Promise<{ items: AgentSummary[]; total: number }> {
		const { data } = await this.requester.requestJson(
			{
				method: 'GET',
				path: '/v1/bots',
				query: { workspace_id: workspaceId, page_num: page, page_size: pageSize, publish_status: 'published_online' },
				idleTimeoutMs: READ_TIMEOUT_MS,
			},
			'read',
		);
		const items = (Array.isArray(data.items) ? data.items : []).flatMap((raw) => readAgent(raw, { id: workspaceId, name: workspaceName }) ?? []);
		return { items, total: typeof data.total === 'number' ? data.total : items.length };
	}

	/** The published agents of every workspace the token sees; `filter` matches name or ID, ignoring case. */
	async listAgentsAcrossWorkspaces(filter?: string): Promise<AgentSummary[]> {
		const needle = filter?.trim().toLowerCase() ?? '';
		const all: AgentSummary[] = [];
		for (const workspace of await listWorkspaces(this.requester)) {
			const pageSize = 50;
			for (let page = 1; page <= 20; page++) {
				const { items, total } = await this.listAgents(workspace.id, page, pageSize, workspace.name);
				all.push(...items);
				if (items.length < pageSize || page * pageSize >= total) break;
			}
		}
		return needle ? all.filter((agent) => agent.name.toLowerCase().includes(needle) || agent.id.includes(needle)) : all;
	}

	// ---- one conversation per n8n chat session (sessions.ts) ----

	/** The Coze conversation of an n8n chat session: kept in Coze, found again by listing the bot's conversations. */
	async conversationForSession(request: SessionRequest): Promise<{ conversationId: string; created: boolean }> {
		return await conversationForSession(this, `${this.host}\u0000${this.account}`, request);
	}

	/** Forgets the sessions kept in `conversationId`, which Coze no longer knows (deleted there): their next look-up lists again. */
	forgetSessionConversation(conversationId: string): void {
		forgetSessionConversation(conversationId);
	}
}

function definedIds(outcome: ChatStreamOutcome): { conversationId?: string; chatId?: string } {
	const ids: { conversationId?: string; chatId?: string } = {};
	if (outcome.conversationId) ids.conversationId = outcome.conversationId;
	if (outcome.chatId) ids.chatId = outcome.chatId;
	return ids;
}
