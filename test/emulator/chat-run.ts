import { setTimeout as delay } from 'node:timers/promises';
import type { ChatStep } from './chat-scripts';
import { nowSeconds, type ChatRecord, type ChatStatus, type ChatStore, type Conversation, type StoredMessage } from './chat-state';
import { chatJson, streamMessageJson, VERBOSE_INTERRUPT, verboseFinish } from './chat-wire';

// Plays a chat's steps: stores each message, moves the chat's status, and tells an emitter what
// to send (a stream writes it, a background chat ignores it). A canceled chat keeps playing, as
// the cloud's stream keeps flowing, but its status stays canceled.

export interface ChatEmitter {
  emit(event: string, data: unknown): Promise<void>;
  /** The stream was ended by an injected error: stop the chat. */
  readonly halted: boolean;
}

export const SILENT: ChatEmitter = { emit: () => Promise.resolve(), halted: false };

export interface ChatRunEnv {
  store: ChatStore;
  conversation: Conversation;
  chat: ChatRecord;
  /** Chatflow shapes: no bot_id, failures as `{code: string, msg}`, interrupt tails. */
  chatflow: boolean;
  /** Code points per delta; 0 = one delta per message. */
  deltaChars: number;
  interruptVariant: 'A' | 'B' | 'C';
  /** Coze ms → real ms. */
  timeScale: number;
  /** Aborted when the emulator closes. */
  closing: AbortSignal;
  /** Deferred chats finish at once: no waits, no gaps between deltas. */
  immediate: boolean;
}

export type ChatEnd = 'completed' | 'requires_action' | 'failed' | 'halted';

/** Coze ms between two deltas of a message. */
const DELTA_GAP_MS = 20;

/** Split on code points (never inside a surrogate pair, so never inside a UTF-8 sequence). */
export function splitCodePoints(text: string, perDelta: number): string[] {
  const points = Array.from(text);
  if (perDelta <= 0 || points.length <= perDelta) return [text];
  const pieces: string[] = [];
  for (let i = 0; i < points.length; i += perDelta) pieces.push(points.slice(i, i + perDelta).join(''));
  return pieces;
}

function setStatus(chat: ChatRecord, status: ChatStatus): void {
  if (chat.status !== 'canceled') chat.status = status;
}

/** Let Coze time pass for the chat (not tied to the client's connection; `wake` ends it early). */
export async function wait(env: ChatRunEnv, cozeMs: number, wake?: AbortSignal): Promise<void> {
  if (env.immediate || cozeMs <= 0) return;
  const signal = wake ? AbortSignal.any([env.closing, wake]) : env.closing;
  try {
    await delay(cozeMs * env.timeScale, undefined, { signal });
  } catch (error) {
    if (env.closing.aborted) throw error;
  }
}

function quarter(chars: number): number {
  return Math.ceil(chars / 4);
}

function storeMessage(env: ChatRunEnv, type: string, content: string, reasoning: string | undefined): StoredMessage {
  const init = {
    chatId: env.chat.id,
    botId: env.chat.botId,
    role: 'assistant' as const,
    type,
    content,
    contentType: 'text',
    metaData: {},
    reasoningContent: reasoning,
  };
  if (env.chat.saved) return env.store.addMessage(env.conversation, init);
  const now = nowSeconds();
  return { ...init, id: env.store.nextId(), conversationId: env.conversation.id, sectionId: env.chat.sectionId, createdAt: now, updatedAt: now };
}

async function playMessage(env: ChatRunEnv, emitter: ChatEmitter, step: Extract<ChatStep, { kind: 'message' }>): Promise<void> {
  const message = storeMessage(env, step.type, step.content, step.reasoning);
  const opts = { chatflow: env.chatflow };
  if (step.stream) {
    const pieces: Array<{ content: string; reasoning?: string }> = [];
    if (step.reasoning !== undefined) for (const r of splitCodePoints(step.reasoning, env.deltaChars)) pieces.push({ content: '', reasoning: r });
    for (const c of splitCodePoints(step.content, env.deltaChars)) pieces.push({ content: c });
    for (const [i, delta] of pieces.entries()) {
      if (i > 0) await wait(env, DELTA_GAP_MS);
      await emitter.emit('conversation.message.delta', streamMessageJson(message, { ...opts, delta }));
      if (emitter.halted) return;
    }
  }
  env.chat.produced.push(message);
  await emitter.emit('conversation.message.completed', streamMessageJson(message, opts));
}

async function playInterrupt(env: ChatRunEnv, emitter: ChatEmitter): Promise<void> {
  const { chat } = env;
  if (env.interruptVariant !== 'C') {
    await playMessage(env, emitter, { kind: 'message', type: 'verbose', content: VERBOSE_INTERRUPT, stream: false });
    await playMessage(env, emitter, { kind: 'message', type: 'verbose', content: verboseFinish(1), stream: false });
  }
  chat.toolCalls = [{ id: '', type: 'reply_message', function: null }];
  chat.completedAt = nowSeconds();
  setStatus(chat, 'requires_action');
  if (env.interruptVariant === 'B') await emitter.emit('conversation.chat.requires_action', chatJson(chat, 'chatflow'));
  if (env.interruptVariant === 'C') {
    await emitter.emit('conversation.chat.requires_action', { id: chat.id, conversation_id: chat.conversationId, section_id: chat.sectionId, status: 'requires_action' });
  }
}

function fail(chat: ChatRecord, code: number, msg: string): void {
  chat.failedAt = nowSeconds();
  chat.lastError = { code, msg };
  setStatus(chat, 'failed');
}

/** Play the steps to the chat's end. */
export async function runChat(env: ChatRunEnv, steps: readonly ChatStep[], emitter: ChatEmitter): Promise<ChatEnd> {
  const { chat } = env;
  for (const step of steps) {
    if (emitter.halted) return 'halted';
    switch (step.kind) {
      case 'wait':
        await wait(env, step.ms, chat.cancel.signal);
        break;
      case 'message':
        await playMessage(env, emitter, step);
        break;
      case 'interrupt':
        await playInterrupt(env, emitter);
        return 'requires_action';
      case 'requiresAction':
        chat.toolCalls = step.toolCalls;
        chat.completedAt = nowSeconds();
        setStatus(chat, 'requires_action');
        await emitter.emit('conversation.chat.requires_action', chatJson(chat, 'stream'));
        return 'requires_action';
      case 'fail':
        fail(chat, step.code, step.msg);
        await emitter.emit('conversation.chat.failed', chatJson(chat, 'stream'));
        return 'failed';
      case 'flowFail':
        fail(chat, Number(step.code), step.msg);
        await emitter.emit('conversation.chat.failed', { code: step.code, msg: step.msg });
        return 'failed';
    }
  }
  if (emitter.halted) return 'halted';
  const output = chat.produced.filter((m) => m.type === 'answer').reduce((sum, m) => sum + m.content.length, 0);
  const input = quarter(chat.contextChars);
  chat.usage = { token_count: input + quarter(output), output_count: quarter(output), input_count: input };
  chat.completedAt = nowSeconds();
  setStatus(chat, 'completed');
  await emitter.emit('conversation.chat.completed', chatJson(chat, env.chatflow ? 'chatflow' : 'stream'));
  return 'completed';
}

/** Run a chat with nobody listening; closing the emulator stops it quietly. */
export function runInBackground(env: ChatRunEnv, steps: readonly ChatStep[]): Promise<void> {
  return runChat(env, steps, SILENT).then(
    () => undefined,
    () => undefined,
  );
}
