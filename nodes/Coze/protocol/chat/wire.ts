import { idString, isPlainObject, tryParseJson } from '../json';
import type { CozeUsage } from '../types';
import type { AgentSummary, ChatMessage, ChatToolCall, Conversation } from './types';

/** Reading Coze's chat objects (Chat, Message, Conversation, agent) into typed values; ids stay strings. */

export interface ChatDetail {
	id?: string;
	conversationId?: string;
	sectionId?: string;
	status?: string;
	usage?: CozeUsage;
	/** A failure: `last_error` with a non-zero code, or the `{code, msg}` a chatflow's `chat.failed` carries. */
	failure?: { code?: number; message: string };
	toolCalls: ChatToolCall[];
	/** Coze Studio's chatflows name the run in the Chat object. */
	executeId?: string;
}

export function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

/** A code sent as a number or as a string of digits; 0 and anything else is no code. */
export function codeNumber(value: unknown): number | undefined {
	const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : undefined;
	return number === undefined || number === 0 || !Number.isFinite(number) ? undefined : number;
}

function timestamp(value: unknown): number | undefined {
	const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
	return number !== undefined && Number.isFinite(number) ? number : undefined;
}

export function readUsage(raw: unknown): CozeUsage | undefined {
	if (!isPlainObject(raw)) return undefined;
	const usage: CozeUsage = {};
	for (const key of ['input_count', 'output_count', 'token_count'] as const) {
		const value = raw[key];
		if (typeof value === 'number' && Number.isFinite(value)) usage[key] = value;
	}
	return Object.keys(usage).length ? usage : undefined;
}

function readToolCalls(raw: unknown): ChatToolCall[] {
	if (!isPlainObject(raw) || !isPlainObject(raw.submit_tool_outputs)) return [];
	const calls = raw.submit_tool_outputs.tool_calls;
	if (!Array.isArray(calls)) return [];
	const out: ChatToolCall[] = [];
	for (const call of calls) {
		if (!isPlainObject(call)) continue;
		const fn = isPlainObject(call.function) ? call.function : {};
		const args = fn.arguments;
		out.push({
			id: text(call.id) ?? '',
			type: text(call.type) ?? '',
			name: text(fn.name) ?? '',
			arguments: typeof args === 'string' ? args : args === undefined || args === null ? '' : JSON.stringify(args),
		});
	}
	return out;
}

/** A Chat object, or the bare `{code, msg}` of a chatflow's `conversation.chat.failed`. */
export function readChat(raw: unknown): ChatDetail {
	if (!isPlainObject(raw)) return { toolCalls: [] };
	let failure: ChatDetail['failure'];
	const lastError = isPlainObject(raw.last_error) ? raw.last_error : undefined;
	const lastCode = lastError ? codeNumber(lastError.code) : undefined;
	if (lastError && lastCode !== undefined) failure = { code: lastCode, message: text(lastError.msg) ?? '' };
	else if ('code' in raw || 'msg' in raw) failure = { code: codeNumber(raw.code), message: text(raw.msg) ?? '' };
	return {
		id: idString(raw.id),
		conversationId: idString(raw.conversation_id),
		sectionId: idString(raw.section_id),
		status: text(raw.status),
		usage: readUsage(raw.usage),
		failure,
		toolCalls: readToolCalls(raw.required_action),
		executeId: idString(raw.execute_id),
	};
}

export function readMessage(raw: unknown): ChatMessage | undefined {
	if (!isPlainObject(raw)) return undefined;
	const content = raw.content;
	const message: ChatMessage = {
		id: idString(raw.id) ?? '',
		role: text(raw.role) ?? '',
		type: text(raw.type) ?? '',
		content: typeof content === 'string' ? content : content === undefined || content === null ? '' : JSON.stringify(content),
		contentType: text(raw.content_type) ?? 'text',
	};
	const reasoning = text(raw.reasoning_content);
	if (reasoning) message.reasoningContent = reasoning;
	const chatId = idString(raw.chat_id);
	if (chatId) message.chatId = chatId;
	const conversationId = idString(raw.conversation_id);
	if (conversationId) message.conversationId = conversationId;
	const sectionId = idString(raw.section_id);
	if (sectionId) message.sectionId = sectionId;
	const createdAt = timestamp(raw.created_at);
	if (createdAt !== undefined) message.createdAt = createdAt;
	return message;
}

/** What a verbose message says: its `msg_type`, and `finish_reason` for `generate_answer_finish`. */
export function readVerbose(content: string): { msgType?: string; finishReason?: number } {
	const parsed = tryParseJson(content);
	if (!isPlainObject(parsed)) return {};
	const msgType = text(parsed.msg_type);
	const data = typeof parsed.data === 'string' ? tryParseJson(parsed.data) : parsed.data;
	const finishReason = isPlainObject(data) && typeof data.finish_reason === 'number' ? data.finish_reason : undefined;
	return { msgType, finishReason };
}

function stringMap(raw: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (!isPlainObject(raw)) return out;
	for (const [key, value] of Object.entries(raw)) {
		const shown = text(value);
		if (shown !== undefined && key !== '__proto__') out[key] = shown;
	}
	return out;
}

export function readConversation(raw: unknown): Conversation | undefined {
	if (!isPlainObject(raw)) return undefined;
	const id = idString(raw.id);
	if (!id) return undefined;
	const conversation: Conversation = { id, metaData: stringMap(raw.meta_data) };
	const name = text(raw.name);
	if (name) conversation.name = name;
	const createdAt = timestamp(raw.created_at);
	if (createdAt !== undefined) conversation.createdAt = createdAt;
	const updatedAt = timestamp(raw.updated_at);
	if (updatedAt !== undefined) conversation.updatedAt = updatedAt;
	const section = idString(raw.last_section_id);
	if (section) conversation.lastSectionId = section;
	const connector = idString(raw.connector_id);
	if (connector) conversation.connectorId = connector;
	return conversation;
}

export function readAgent(raw: unknown, workspace: { id: string; name?: string }): AgentSummary | undefined {
	if (!isPlainObject(raw)) return undefined;
	const id = idString(raw.id) ?? idString(raw.bot_id);
	if (!id) return undefined;
	const agent: AgentSummary = { id, name: text(raw.name) ?? text(raw.bot_name) ?? id, workspaceId: workspace.id };
	if (workspace.name) agent.workspaceName = workspace.name;
	const description = text(raw.description);
	if (description) agent.description = description;
	const icon = text(raw.icon_url);
	if (icon) agent.iconUrl = icon;
	if (typeof raw.is_published === 'boolean') agent.isPublished = raw.is_published;
	const updatedAt = timestamp(raw.updated_at);
	if (updatedAt !== undefined) agent.updatedAt = updatedAt;
	return agent;
}
