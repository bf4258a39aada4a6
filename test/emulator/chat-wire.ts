import type { ChatRecord, Conversation, StoredMessage, ToolCall } from './chat-state';

// The JSON shapes of the chat surface, with the key order of the recorded streams: Chat objects,
// Message objects (delta, completed, listed), Conversations and verbose contents.

/** Where a Chat object is shown; each place has its own set of fields. */
export type ChatView = 'stream' | 'chatflow' | 'accepted' | 'retrieve';

function requiredAction(calls: ToolCall[], requireInfo: null | Record<string, never>): Record<string, unknown> {
  return {
    type: 'submit_tool_outputs',
    submit_tool_outputs: { tool_calls: calls.map((c) => ({ id: c.id, type: c.type, function: c.function, require_info: requireInfo })) },
  };
}

export function chatJson(chat: ChatRecord, view: ChatView): Record<string, unknown> {
  const running = chat.status === 'created' || chat.status === 'in_progress';
  if (view === 'accepted') {
    return { id: chat.id, conversation_id: chat.conversationId, bot_id: chat.botId, created_at: chat.createdAt, last_error: chat.lastError, status: chat.status };
  }
  // A running chat is retrieved without last_error and usage, like the observed capture.
  if (view === 'retrieve' && running) {
    return { bot_id: chat.botId, conversation_id: chat.conversationId, created_at: chat.createdAt, id: chat.id, status: chat.status };
  }
  const json: Record<string, unknown> = { id: chat.id, conversation_id: chat.conversationId };
  if (view !== 'chatflow') json['bot_id'] = chat.botId;
  json['created_at'] = chat.createdAt;
  if (chat.completedAt !== undefined) json['completed_at'] = chat.completedAt;
  if (chat.failedAt !== undefined) json['failed_at'] = chat.failedAt;
  json['last_error'] = chat.lastError;
  json['status'] = chat.status;
  json['usage'] = chat.usage;
  if (chat.status === 'requires_action' && chat.toolCalls) json['required_action'] = requiredAction(chat.toolCalls, view === 'retrieve' ? {} : null);
  if (view === 'retrieve') json['meta_data'] = chat.metaData;
  json['section_id'] = chat.sectionId;
  return json;
}

/** A message on a stream: a delta (fragment, no timestamps) or the completed message. */
export function streamMessageJson(
  message: StoredMessage,
  opts: { chatflow: boolean; delta?: { content: string; reasoning?: string } },
): Record<string, unknown> {
  const json: Record<string, unknown> = { id: message.id, conversation_id: message.conversationId };
  if (!opts.chatflow) json['bot_id'] = message.botId;
  json['role'] = message.role;
  json['type'] = message.type;
  json['content'] = opts.delta ? opts.delta.content : message.content;
  json['content_type'] = message.contentType;
  const reasoning = opts.delta ? opts.delta.reasoning : message.reasoningContent;
  if (reasoning !== undefined) json['reasoning_content'] = reasoning;
  json['chat_id'] = message.chatId;
  json['section_id'] = message.sectionId;
  if (!opts.delta) {
    json['created_at'] = message.createdAt;
    if (message.type !== 'answer') json['updated_at'] = message.updatedAt;
  }
  return json;
}

/** A message in /v3/chat/message/list and /v1/conversation/message/list. */
export function listedMessageJson(message: StoredMessage): Record<string, unknown> {
  return {
    id: message.id,
    conversation_id: message.conversationId,
    bot_id: message.botId ?? '',
    chat_id: message.chatId ?? '',
    section_id: message.sectionId,
    role: message.role,
    type: message.type,
    content: message.content,
    content_type: message.contentType,
    reasoning_content: message.reasoningContent,
    meta_data: message.metaData,
    created_at: message.createdAt,
    updated_at: message.updatedAt,
  };
}

export function conversationJson(conversation: Conversation): Record<string, unknown> {
  return {
    id: conversation.id,
    name: conversation.name,
    meta_data: conversation.metaData,
    created_at: conversation.createdAt,
    creator_id: conversation.owner,
    connector_id: conversation.connectorId,
    updated_at: conversation.updatedAt,
    last_section_id: conversation.sections[conversation.sections.length - 1] ?? conversation.id,
  };
}

function verbose(msgType: string, data: string): string {
  return JSON.stringify({ msg_type: msgType, data, from_module: null, from_unit: null });
}

/** finish_reason 0 = normal end, 1 = stopped for an interrupt. */
export function verboseFinish(finishReason: 0 | 1): string {
  return verbose('generate_answer_finish', JSON.stringify({ finish_reason: finishReason, FinData: '' }));
}

export const VERBOSE_INTERRUPT = verbose('interrupt', '');

export function verboseKnowledge(text: string): string {
  return verbose('knowledge_recall', text);
}
