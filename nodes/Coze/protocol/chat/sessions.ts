import { CozeInputError } from '../errors';
import type { Conversation } from './types';

/** The meta_data key that marks the conversation of an n8n chat session. */
export const SESSION_META_KEY = 'n8n_session';
/** How many pages of a bot's conversations a session look-up reads, newest first. */
const SESSION_SCAN_PAGES = 20;
const SESSION_CACHE_LIMIT = 10_000;

/** What a session look-up needs of the chat client: Coze's conversation endpoints. */
export interface ConversationStore {
	createConversation(request: { botId?: string; name?: string; metaData?: Record<string, string>; connectorId?: string }): Promise<Conversation>;
	listConversations(botId: string, page: number, pageSize?: number, connectorId?: string): Promise<{ conversations: Conversation[]; hasMore: boolean }>;
}

export interface SessionRequest {
	botId: string;
	sessionId: string;
	connectorId?: string;
}

/**
 * Which Coze conversation holds which n8n chat session, by host, account, bot, connector and session. Only saves the
 * listing: the mapping itself lives in Coze (the conversation's meta_data), so it survives restarts
 * and is shared by queue-mode workers.
 */
const sessionCache = new Map<string, string>();

function remember(key: string, conversationId: string): void {
	if (sessionCache.size >= SESSION_CACHE_LIMIT) {
		const oldest = sessionCache.keys().next().value;
		if (oldest !== undefined) sessionCache.delete(oldest);
	}
	sessionCache.set(key, conversationId);
}

/** Older first: by creation time, then by ID (Coze's IDs grow with time; as text, a longer one is larger). */
function older(a: Conversation, b: Conversation): boolean {
	const at = a.createdAt ?? 0;
	const bt = b.createdAt ?? 0;
	if (at !== bt) return at < bt;
	return a.id.length !== b.id.length ? a.id.length < b.id.length : a.id < b.id;
}

/**
 * The Coze conversation of an n8n chat session. The mapping lives in Coze: a conversation of the bot
 * whose meta_data `n8n_session` is the session ID. The oldest such one is used, and one is created when
 * there is none; as each caller lists after creating, callers that raced to create one for the same
 * session all settle on the oldest. The newest `SESSION_SCAN_PAGES` pages are read; the process's
 * cache only saves that listing. `scope` tells Cozes and accounts apart in that cache.
 */
export async function conversationForSession(
	store: ConversationStore,
	scope: string,
	request: SessionRequest,
): Promise<{ conversationId: string; created: boolean }> {
	const sessionId = request.sessionId;
	if (!sessionId)
		throw new CozeInputError('Session ID', "Session ID is empty: use the chat trigger's sessionId, or choose another conversation mode.");
	if (sessionId.length > 512)
		throw new CozeInputError(
			'Session ID',
			"Session ID is longer than 512 characters, more than Coze keeps in a conversation's metadata: use a shorter session ID.",
		);
	const key = `${scope}\u0000${request.botId}\u0000${request.connectorId ?? ''}\u0000${sessionId}`;
	const cached = sessionCache.get(key);
	if (cached) return { conversationId: cached, created: false };
	const found = await oldestSessionConversation(store, request);
	if (found) {
		remember(key, found.id);
		return { conversationId: found.id, created: false };
	}
	const created = await store.createConversation({
		botId: request.botId,
		name: `n8n chat ${sessionId.slice(0, 40)}`,
		metaData: { [SESSION_META_KEY]: sessionId },
		connectorId: request.connectorId,
	});
	const settled = (await oldestSessionConversation(store, request)) ?? created;
	remember(key, settled.id);
	return { conversationId: settled.id, created: settled.id === created.id };
}

/** Forgets the sessions kept in `conversationId`, which Coze no longer knows (deleted there): their next look-up lists again. */
export function forgetSessionConversation(conversationId: string): void {
	for (const [key, cached] of sessionCache) if (cached === conversationId) sessionCache.delete(key);
}

async function oldestSessionConversation(store: ConversationStore, request: SessionRequest): Promise<Conversation | undefined> {
	let oldest: Conversation | undefined;
	for (let page = 1; page <= SESSION_SCAN_PAGES; page++) {
		const { conversations, hasMore } = await store.listConversations(request.botId, page, undefined, request.connectorId);
		for (const conversation of conversations) {
			if (conversation.metaData[SESSION_META_KEY] === request.sessionId && (!oldest || older(conversation, oldest))) oldest = conversation;
		}
		if (!hasMore) break;
	}
	return oldest;
}
