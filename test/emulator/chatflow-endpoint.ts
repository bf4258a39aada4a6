import { APP_CONVERSATION_NAMES, chatflowKind } from './chat-catalogue';
import { recordingFor, replayRecording } from './chat-recordings';
import { chatError, ownerOf, parseMessages, runEnv, storeEntered } from './chat-requests';
import { runChat, wait } from './chat-run';
import { chatflowScript, type ContextMessage } from './chat-scripts';
import { ChatSse, failHalted } from './chat-sse';
import type { Conversation } from './chat-state';
import { chatJson } from './chat-wire';
import { debugUrlFor, isRecord, type RequestContext, type Route } from './context';
import { newId19 } from './ids';
import { PERSONAL_WORKSPACE_ID } from './scenarios';

// POST /v1/workflows/chat: a published chatflow as a chat (stream only). Frames with one space
// after the field name; Studio numbers its events with `id:` lines. A question or input node
// leaves an interrupt on the conversation; the next call on that conversation answers it.

const UNKNOWN_NAME = { code: '720702204', msg: '会话名不存在' };

function parametersOf(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return {};
  if (isRecord(value)) return value;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function text(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

async function workflowsChat(ctx: RequestContext): Promise<void> {
  const { state } = ctx;
  const body = ctx.json;
  if (!isRecord(body)) return chatError(ctx, 4000, 'the body must be a JSON object');
  const workflowId = text(body, 'workflow_id') ?? '';
  const recorded = recordingFor('workflowsChat', workflowId);
  if (recorded) return replayRecording(ctx, recorded);
  const scenario = state.scenarios.get(workflowId);
  const kind = chatflowKind(workflowId);
  if (!scenario || kind === undefined || scenario.mode !== 'chatflow' || scenario.publishStatus === 'unpublished_draft') return chatError(ctx, 4200);
  const messages = parseMessages(body['additional_messages'], 'additional_messages', 50, 4000);
  if (!messages.ok) return chatError(ctx, messages.code, messages.reason);
  const last = messages.value[messages.value.length - 1];
  if (!last || last.role !== 'user') return chatError(ctx, 4000, 'additional_messages is required and the last one must have role user');
  const botId = text(body, 'bot_id');
  const appId = text(body, 'app_id');
  if (botId !== undefined && appId !== undefined) return chatError(ctx, 4000, 'bot_id and app_id cannot both be set');
  if (botId === undefined && appId === undefined) return chatError(ctx, 4000, 'bot_id or app_id is required');
  if (scenario.appId !== undefined && appId !== scenario.appId) return chatError(ctx, 4000, `this chatflow belongs to the app ${scenario.appId}: pass it as app_id`);
  const parameters = parametersOf(body['parameters']);
  if (!parameters) return chatError(ctx, 4000, 'parameters must be an object');

  const owner = ownerOf(ctx);
  const store = state.chat;
  const connectorId = text(body, 'connector_id') ?? '1024';
  const conversationId = text(body, 'conversation_id');
  let conversation: Conversation | undefined;
  const sse = new ChatSse(ctx, { framing: 'space', numbered: state.flavor === 'studio' });
  if (conversationId !== undefined) {
    conversation = store.owned(owner, conversationId);
    if (!conversation) return chatError(ctx, 4002);
  } else if (appId !== undefined) {
    const nameParameter = parameters['CONVERSATION_NAME'];
    const name = typeof nameParameter === 'string' && nameParameter !== '' ? nameParameter : 'Default';
    conversation = [...store.conversations.values()].find(
      (c) => c.owner === owner && c.appId === appId && c.connectorId === connectorId && c.name === name,
    );
    if (!conversation) {
      if (!APP_CONVERSATION_NAMES.includes(name)) {
        await sse.emit('conversation.chat.failed', UNKNOWN_NAME);
        return sse.close();
      }
      conversation = store.createConversation({ owner, appId, connectorId, name });
    }
  } else {
    conversation = store.createConversation({ owner, botId, connectorId });
  }

  const pending = conversation.pendingInterrupt?.workflowId === workflowId ? conversation.pendingInterrupt : undefined;
  const context: ContextMessage[] = [...store.sectionContext(conversation), ...messages.value].map((m) => ({ role: m.role, content: m.content }));
  const chat = store.createChat(conversation, { owner, botId: undefined, saved: true, metaData: {} });
  chat.contextChars = context.reduce((sum, m) => sum + m.content.length, 0);
  storeEntered(store, conversation, messages.value.slice(0, -1), {});
  storeEntered(store, conversation, [last], { chatId: chat.id });
  const plan = chatflowScript({ kind, query: last.content, context, parameters, pending });
  const executeId = pending?.executeId ?? newId19('76');
  if (!pending) state.startedRuns.push(workflowId);
  conversation.pendingInterrupt = plan.pending ? { workflowId, executeId, ...plan.pending } : undefined;
  const debugUrl = debugUrlFor(state, { executeId, spaceId: scenario.workspaceId ?? PERSONAL_WORKSPACE_ID, workflowId });

  const env = runEnv(ctx, conversation, chat, true);
  await wait(env, ctx.knobs.firstByteDelayMs);
  await sse.emit('conversation.chat.created', chatJson(chat, 'chatflow'));
  chat.status = 'in_progress';
  await sse.emit('conversation.chat.in_progress', chatJson(chat, 'chatflow'));
  const end = await runChat(env, plan.steps, sse);
  if (end === 'halted') return failHalted(chat, sse);
  if (end === 'failed') return sse.close();
  await sse.finish('done', JSON.stringify({ debug_url: debugUrl }));
}

export const CHATFLOW_ROUTES: Route[] = [
  { method: 'POST', pattern: '/v1/workflows/chat', permission: 'run', flavors: ['cloud', 'studio'], handler: workflowsChat },
];
