import { randomBytes } from 'node:crypto';

// What the chat surface remembers: conversations (with their sections and messages) and chats.
// Everything belongs to the Coze account (owner) of the token that created it, never to a
// `user_id`. Ids come from a monotonic counter, so later objects have larger ids.

export type ChatStatus = 'created' | 'in_progress' | 'completed' | 'failed' | 'requires_action' | 'canceled';

export interface ChatUsage {
  token_count: number;
  output_count: number;
  input_count: number;
}

export interface StoredMessage {
  id: string;
  conversationId: string;
  sectionId: string;
  chatId: string | undefined;
  botId: string | undefined;
  role: 'user' | 'assistant';
  type: string;
  content: string;
  contentType: string;
  metaData: Record<string, string>;
  reasoningContent: string | undefined;
  createdAt: number;
  updatedAt: number;
}

export interface ToolCall {
  id: string;
  type: 'function' | 'reply_message';
  function: { name: string; arguments: string } | null;
}

/** A chatflow stopped at a question or input node, waiting for the next message of its conversation. */
export interface PendingInterrupt {
  workflowId: string;
  executeId: string;
  node: 'question' | 'input';
  /** Unsatisfactory answers so far. */
  attempts: number;
}

export interface Conversation {
  id: string;
  owner: string;
  botId: string | undefined;
  appId: string | undefined;
  connectorId: string;
  name: string;
  metaData: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  /** Oldest first; the first equals the conversation id. */
  sections: string[];
  /** Every stored message, in production order. */
  messages: StoredMessage[];
  pendingInterrupt: PendingInterrupt | undefined;
}

export interface ChatRecord {
  id: string;
  conversationId: string;
  botId: string | undefined;
  owner: string;
  sectionId: string;
  status: ChatStatus;
  createdAt: number;
  completedAt: number | undefined;
  failedAt: number | undefined;
  lastError: { code: number; msg: string };
  usage: ChatUsage;
  toolCalls: ToolCall[] | undefined;
  metaData: Record<string, string>;
  /** auto_save_history: the chat and its messages are kept. */
  saved: boolean;
  /** Messages this chat produced (not the query), in production order. */
  produced: StoredMessage[];
  /** Characters of context the script saw (for usage). */
  contextChars: number;
  /** Retrieve polls left before a deferred chat finishes (asyncPollsUntilDone). */
  pollsLeft: number | undefined;
  /** Runs the rest of a deferred chat at once. */
  finishNow: (() => Promise<void>) | undefined;
  /** Aborted by cancel: wakes a waiting script. */
  readonly cancel: AbortController;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** An opaque tool call id like the cloud's (base64 of random bytes). */
export function newToolCallId(): string {
  return randomBytes(32).toString('base64');
}

export class ChatStore {
  readonly conversations = new Map<string, Conversation>();
  readonly chats = new Map<string, ChatRecord>();
  private counter = 7_600_000_000_000_000_000n;

  nextId(): string {
    this.counter += 1n;
    return this.counter.toString();
  }

  createConversation(init: {
    owner: string;
    botId?: string | undefined;
    appId?: string | undefined;
    connectorId?: string | undefined;
    name?: string | undefined;
    metaData?: Record<string, string> | undefined;
  }): Conversation {
    const id = this.nextId();
    const now = nowSeconds();
    const conversation: Conversation = {
      id,
      owner: init.owner,
      botId: init.botId,
      appId: init.appId,
      connectorId: init.connectorId || '1024',
      name: init.name ?? '',
      metaData: init.metaData ?? {},
      createdAt: now,
      updatedAt: now,
      sections: [id],
      messages: [],
      pendingInterrupt: undefined,
    };
    this.conversations.set(id, conversation);
    return conversation;
  }

  /** The owner's conversation, or undefined for unknown and foreign ids alike. */
  owned(owner: string, id: string | undefined): Conversation | undefined {
    const conversation = id === undefined ? undefined : this.conversations.get(id);
    return conversation && conversation.owner === owner ? conversation : undefined;
  }

  lastSection(conversation: Conversation): string {
    return conversation.sections[conversation.sections.length - 1] ?? conversation.id;
  }

  /** A chat of the conversation that is still created/in_progress (a new one would answer 4016). */
  runningChat(conversation: Conversation): ChatRecord | undefined {
    for (const chat of this.chats.values()) {
      if (chat.conversationId === conversation.id && (chat.status === 'created' || chat.status === 'in_progress')) return chat;
    }
    return undefined;
  }

  /** Saved messages of the latest section, without rounds that were canceled. */
  sectionContext(conversation: Conversation): StoredMessage[] {
    const section = this.lastSection(conversation);
    return conversation.messages.filter((m) => {
      if (m.sectionId !== section) return false;
      const chat = m.chatId === undefined ? undefined : this.chats.get(m.chatId);
      return chat?.status !== 'canceled';
    });
  }

  addMessage(conversation: Conversation, init: Omit<StoredMessage, 'id' | 'conversationId' | 'createdAt' | 'updatedAt' | 'sectionId'> & { sectionId?: string }): StoredMessage {
    const now = nowSeconds();
    const message: StoredMessage = {
      ...init,
      id: this.nextId(),
      conversationId: conversation.id,
      sectionId: init.sectionId ?? this.lastSection(conversation),
      createdAt: now,
      updatedAt: now,
    };
    conversation.messages.push(message);
    conversation.updatedAt = now;
    return message;
  }

  createChat(conversation: Conversation, init: { owner: string; botId: string | undefined; saved: boolean; metaData: Record<string, string> }): ChatRecord {
    const chat: ChatRecord = {
      id: this.nextId(),
      conversationId: conversation.id,
      botId: init.botId,
      owner: init.owner,
      sectionId: this.lastSection(conversation),
      status: 'created',
      createdAt: nowSeconds(),
      completedAt: undefined,
      failedAt: undefined,
      lastError: { code: 0, msg: '' },
      usage: { token_count: 0, output_count: 0, input_count: 0 },
      toolCalls: undefined,
      metaData: init.metaData,
      saved: init.saved,
      produced: [],
      contextChars: 0,
      pollsLeft: undefined,
      finishNow: undefined,
      cancel: new AbortController(),
    };
    this.chats.set(chat.id, chat);
    return chat;
  }
}
