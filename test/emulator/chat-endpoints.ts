import { AGENTS } from './chat-catalogue';
import { chatError, ownerOf, parseMessages, parseMetaData, runEnv, storeEntered } from './chat-requests';
import { runChat, runInBackground, wait, type ChatEnd } from './chat-run';
import { agentScript, toolOutputScript, type ChatStep, type ContextMessage } from './chat-scripts';
import { recordingFor, replayRecording } from './chat-recordings';
import { ChatSse, failHalted } from './chat-sse';
import type { ChatRecord, Conversation } from './chat-state';
import { chatJson, listedMessageJson } from './chat-wire';
import { isRecord, type RequestContext, type Route } from './context';

// Chatting with agents: POST /v3/chat (stream, or an immediate answer and a chat that finishes in
// the background), retrieve, the chat's message list, cancel and submit_tool_outputs.

function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Play a chat on an SSE stream: /v3/chat framing (no space), `done` "[DONE]" or Studio's end. */
async function streamChat(ctx: RequestContext, conversation: Conversation, chat: ChatRecord, steps: ChatStep[], opening: 'created' | 'resumed'): Promise<void> {
  const studio = ctx.state.flavor === 'studio';
  const sse = new ChatSse(ctx, { framing: 'nospace', numbered: false });
  const env = runEnv(ctx, conversation, chat, false);
  // The chat exists meanwhile; a client that leaves does not stop it.
  await wait(env, ctx.knobs.firstByteDelayMs);
  if (opening === 'created') await sse.emit('conversation.chat.created', chatJson(chat, 'stream'));
  chat.status = chat.status === 'canceled' ? chat.status : 'in_progress';
  await sse.emit('conversation.chat.in_progress', chatJson(chat, 'stream'));
  const end: ChatEnd = await runChat(env, steps, sse);
  if (end === 'halted') return failHalted(chat, sse);
  if (studio) return sse.finish('conversation.stream.done', '');
  if (end === 'failed' && !ctx.knobs.doneAfterError) return sse.close();
  await sse.finish('done', '"[DONE]"');
}

/** Answer at once with the in-progress chat; the chat finishes later (or on the Nth retrieve poll). */
function acceptChat(ctx: RequestContext, conversation: Conversation, chat: ChatRecord, steps: ChatStep[]): void {
  chat.status = 'in_progress';
  const polls = ctx.knobs.asyncPollsUntilDone;
  if (polls !== undefined) {
    chat.pollsLeft = polls;
    chat.finishNow = () => runInBackground(runEnv(ctx, conversation, chat, false, true), steps);
  } else {
    void runInBackground(runEnv(ctx, conversation, chat, false), steps);
  }
  ctx.reply.json({ code: 0, msg: '', data: chatJson(chat, 'accepted') });
}

async function chat(ctx: RequestContext): Promise<void> {
  const { state, knobs } = ctx;
  const body = ctx.json;
  if (!isRecord(body)) return chatError(ctx, 4000, 'the body must be a JSON object');
  const botId = stringField(body, 'bot_id');
  if (botId === undefined) return chatError(ctx, 4000, 'bot_id is required');
  const recorded = recordingFor('chat', botId);
  if (recorded) return replayRecording(ctx, recorded);
  if (stringField(body, 'user_id') === undefined) return chatError(ctx, 4000, 'user_id is required');
  const agent = AGENTS.find((a) => a.id === botId);
  if (!agent) return chatError(ctx, 4006);
  if (!agent.published || agent.kind === undefined) return chatError(ctx, 4015);
  const messages = parseMessages(body['additional_messages'], 'additional_messages', 100, 4004);
  if (!messages.ok) return chatError(ctx, messages.code, messages.reason);
  const metaData = parseMetaData(body['meta_data'], 'meta_data');
  if (!metaData.ok) return chatError(ctx, metaData.code, metaData.reason);
  // Studio streams unless told otherwise; the cloud answers JSON unless told to stream.
  const stream = body['stream'] === true || (state.flavor === 'studio' && body['stream'] !== false);
  const saved = body['auto_save_history'] !== false;
  if (!stream && !saved) return chatError(ctx, 4007);

  const owner = ownerOf(ctx);
  const store = state.chat;
  const conversationId = ctx.query['conversation_id'];
  let conversation: Conversation | undefined;
  if (conversationId !== undefined && conversationId !== '') {
    conversation = store.owned(owner, conversationId);
    if (!conversation) return chatError(ctx, 4002);
    if (store.runningChat(conversation)) return chatError(ctx, 4016);
  }
  const last = messages.value[messages.value.length - 1];
  if (!last) return chatError(ctx, 4000, 'additional_messages is required: the last one is the query');
  conversation ??= store.createConversation({ owner, botId, connectorId: stringField(body, 'connector_id') });

  const context: ContextMessage[] = [...store.sectionContext(conversation), ...messages.value].map((m) => ({ role: m.role, content: m.content }));
  const record = store.createChat(conversation, { owner, botId, saved, metaData: metaData.value });
  record.contextChars = context.reduce((sum, m) => sum + m.content.length, 0);
  if (saved) storeEntered(store, conversation, messages.value, { chatId: record.id, botId });
  const query = last.role === 'user' ? last.content : '';
  const steps = agentScript(agent.kind, query, context, { slowMs: knobs.chatSlowMs ?? 10_000, failCode: knobs.chatFailCode ?? 5000 });
  if (stream) return streamChat(ctx, conversation, record, steps, 'created');
  acceptChat(ctx, conversation, record, steps);
}

/** The conversation and chat named by the query (or body), or undefined after answering 4000/4002/4001. */
function chatRef(ctx: RequestContext, source: Record<string, unknown>): { conversation: Conversation; chat: ChatRecord } | undefined {
  const conversationId = typeof source['conversation_id'] === 'string' ? source['conversation_id'] : '';
  const chatId = typeof source['chat_id'] === 'string' ? source['chat_id'] : '';
  if (conversationId === '' || chatId === '') {
    chatError(ctx, 4000, 'conversation_id and chat_id are required');
    return undefined;
  }
  const conversation = ctx.state.chat.owned(ownerOf(ctx), conversationId);
  if (!conversation) {
    chatError(ctx, 4002);
    return undefined;
  }
  const found = ctx.state.chat.chats.get(chatId);
  if (!found || found.conversationId !== conversation.id || !found.saved) {
    chatError(ctx, 4001);
    return undefined;
  }
  return { conversation, chat: found };
}

async function retrieve(ctx: RequestContext): Promise<void> {
  const ref = chatRef(ctx, ctx.query);
  if (!ref) return;
  const { chat: record } = ref;
  if (record.pollsLeft !== undefined && record.status === 'in_progress') {
    if (record.pollsLeft > 0) record.pollsLeft -= 1;
    else {
      record.pollsLeft = undefined;
      await record.finishNow?.();
    }
  }
  ctx.reply.json({ code: 0, msg: '', data: chatJson(record, 'retrieve') });
}

function messageList(ctx: RequestContext): void {
  const ref = chatRef(ctx, ctx.query);
  if (!ref) return;
  ctx.reply.json({ code: 0, msg: '', data: ref.chat.produced.map(listedMessageJson) });
}

function cancel(ctx: RequestContext): void {
  const ref = chatRef(ctx, isRecord(ctx.json) ? ctx.json : {});
  if (!ref) return;
  const { chat: record } = ref;
  if (record.status !== 'created' && record.status !== 'in_progress') return chatError(ctx, 4104);
  record.status = 'canceled';
  record.pollsLeft = undefined;
  record.cancel.abort();
  ctx.reply.json({ code: 0, msg: '', data: chatJson(record, 'retrieve') });
}

async function submitToolOutputs(ctx: RequestContext): Promise<void> {
  const recorded = recordingFor('submitToolOutputs', ctx.query['chat_id']);
  if (recorded) return replayRecording(ctx, recorded);
  const conversationId = ctx.query['conversation_id'] ?? '';
  const owner = ownerOf(ctx);
  const conversation = conversationId === '' ? undefined : ctx.state.chat.owned(owner, conversationId);
  const found = ctx.state.chat.chats.get(ctx.query['chat_id'] ?? '');
  if (conversationId === '' || !ctx.query['chat_id']) return chatError(ctx, 4000, 'conversation_id and chat_id are required in the query');
  if (!conversation) return chatError(ctx, 4002);
  if (!found || found.conversationId !== conversation.id) return chatError(ctx, 4001);
  if (!found.saved) return chatError(ctx, 5000, 'the chat was started with auto_save_history false');
  if (found.status !== 'requires_action' || !found.toolCalls) return chatError(ctx, 4000, `the chat is ${found.status}, not waiting for tool outputs`);
  const body = isRecord(ctx.json) ? ctx.json : {};
  const outputs = body['tool_outputs'];
  if (!Array.isArray(outputs) || outputs.length === 0) return chatError(ctx, 4000, 'tool_outputs is required');
  const byId = new Map<string, string>();
  for (const item of outputs) {
    if (!isRecord(item) || typeof item['tool_call_id'] !== 'string' || typeof item['output'] !== 'string') {
      return chatError(ctx, 4000, 'each tool_outputs entry needs tool_call_id and output strings');
    }
    byId.set(item['tool_call_id'], item['output']);
  }
  const missing = found.toolCalls.find((call) => !byId.has(call.id));
  if (missing) return chatError(ctx, 4000, `tool call ${missing.id} has no output`);
  const output = byId.get(found.toolCalls[0]?.id ?? '') ?? '';
  found.toolCalls = undefined;
  found.completedAt = undefined;
  const steps = toolOutputScript(output);
  if (body['stream'] === true) return streamChat(ctx, conversation, found, steps, 'resumed');
  acceptChat(ctx, conversation, found, steps);
}

export const CHAT_ROUTES: Route[] = [
  { method: 'POST', pattern: '/v3/chat', permission: 'chat', flavors: ['cloud', 'studio'], handler: chat },
  { method: 'GET', pattern: '/v3/chat/retrieve', permission: 'getChat', flavors: ['cloud', 'studio'], handler: retrieve },
  { method: 'POST', pattern: '/v3/chat/retrieve', permission: 'getChat', flavors: ['cloud'], handler: retrieve },
  { method: 'GET', pattern: '/v3/chat/message/list', permission: 'listMessage', flavors: ['cloud', 'studio'], handler: messageList },
  { method: 'POST', pattern: '/v3/chat/cancel', permission: 'cancelChat', flavors: ['cloud', 'studio'], handler: cancel },
  { method: 'POST', pattern: '/v3/chat/submit_tool_outputs', permission: 'submitToolChat', flavors: ['cloud'], handler: submitToolOutputs },
];
