import type { ChatRunEnv } from './chat-run';
import type { ChatRecord, ChatStore, Conversation } from './chat-state';
import { isRecord, type RequestContext } from './context';
import { MSG } from './messages';

// Reading chat requests: the additional/initial messages, meta_data, and the request's owner;
// plus the run environment every chat endpoint builds the same way.

export interface EnterMessage {
  role: 'user' | 'assistant';
  type: string;
  content: string;
  contentType: string;
  metaData: Record<string, string>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: number; reason: string };

function bad<T>(code: number, reason: string): Parsed<T> {
  return { ok: false, code, reason };
}

/** `null` fields (coze-py sends every field) count as absent. */
function optionalString(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

export function parseMetaData(value: unknown, field: string): Parsed<Record<string, string>> {
  if (value === undefined || value === null) return { ok: true, value: {} };
  if (!isRecord(value)) return bad(4000, `${field} must be an object of strings`);
  const entries = Object.entries(value);
  if (entries.length > 16) return bad(4003, `${field} has more than 16 pairs`);
  const out: Record<string, string> = {};
  for (const [key, v] of entries) {
    if (typeof v !== 'string') return bad(4000, `${field}.${key} must be a string`);
    if (key.length < 1 || key.length > 64 || v.length < 1 || v.length > 512) return bad(4003, `${field}: keys must be 1-64 and values 1-512 characters`);
    out[key] = v;
  }
  return { ok: true, value: out };
}

export function parseMessages(value: unknown, field: string, max: number, tooManyCode: number): Parsed<EnterMessage[]> {
  if (value === undefined || value === null) return { ok: true, value: [] };
  if (!Array.isArray(value)) return bad(4000, `${field} must be an array`);
  if (value.length > max) return bad(tooManyCode, `${field} has more than ${max} messages`);
  const messages: EnterMessage[] = [];
  for (const [i, item] of value.entries()) {
    if (!isRecord(item)) return bad(4000, `${field}[${i}] must be an object`);
    const role = item['role'];
    if (role !== 'user' && role !== 'assistant') return bad(4000, `${field}[${i}].role must be user or assistant`);
    const rawContent = item['content'];
    // coze-js sends object content stringified; accept an array too.
    const content = typeof rawContent === 'string' ? rawContent : rawContent === undefined || rawContent === null ? '' : JSON.stringify(rawContent);
    const meta = parseMetaData(item['meta_data'], `${field}[${i}].meta_data`);
    if (!meta.ok) return meta;
    messages.push({
      role,
      type: optionalString(item, 'type') || (role === 'user' ? 'question' : 'answer'),
      content,
      contentType: optionalString(item, 'content_type') || 'text',
      metaData: meta.value,
    });
  }
  return { ok: true, value: messages };
}

export function ownerOf(ctx: RequestContext): string {
  return ctx.state.tokens.ownerOf(ctx.req.headers.authorization);
}

/** Texts of the chat error codes (the cloud's English wording is not known; these say the documented meaning). */
export const CHAT_MSG: Readonly<Record<number, string>> = {
  4001: 'Invalid chat. Please verify the chat_id.',
  4002: 'Invalid conversation. The conversation does not exist or you do not have permission to access it.',
  4003: 'The meta_data exceeds the limit.',
  4004: 'The number of additional_messages exceeds the limit.',
  4006: 'Invalid bot. The bot does not exist or you do not have permission to access it.',
  4007: 'stream=false is only allowed when auto_save_history is true.',
  4015: 'The bot has not been published to the API channel. Please publish it as an API service first.',
  4016: 'A chat is already in progress in this conversation. Please wait for it to finish or use another conversation.',
  4104: 'The chat cannot be canceled in its current status.',
  4200: 'Workflow not found. Please verify the workflow exists and has been published.',
  5000: MSG.internalError,
};

export function chatError(ctx: RequestContext, code: number, reason?: string): void {
  ctx.reply.error(code, CHAT_MSG[code] ?? MSG.paramError, reason === undefined ? {} : { reason });
}

export function runEnv(ctx: RequestContext, conversation: Conversation, chat: ChatRecord, chatflow: boolean, immediate = false): ChatRunEnv {
  const { knobs, state } = ctx;
  return {
    store: state.chat,
    conversation,
    chat,
    chatflow,
    deltaChars: knobs.chatDeltaChars ?? 4,
    interruptVariant: knobs.chatflowInterrupt ?? (state.flavor === 'studio' ? 'C' : 'B'),
    timeScale: state.timeScale,
    closing: state.closing,
    immediate,
  };
}

/** Store entered messages in the conversation's latest section. */
export function storeEntered(store: ChatStore, conversation: Conversation, messages: readonly EnterMessage[], ids: { chatId?: string; botId?: string }): void {
  for (const m of messages) {
    store.addMessage(conversation, {
      chatId: m.role === 'user' ? ids.chatId : undefined,
      botId: ids.botId,
      role: m.role,
      type: m.type,
      content: m.content,
      contentType: m.contentType,
      metaData: m.metaData,
      reasoningContent: undefined,
    });
  }
}
