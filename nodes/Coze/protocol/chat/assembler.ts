import { CozeApiError, CozeStreamEndedError } from '../errors';
import { executeIdFromDebugUrl } from '../ids';
import { idString, isPlainObject } from '../json';
import type { CozeUsage } from '../types';
import type { ChatAnswerDelta, ChatMessage, ChatStreamEvent, ChatToolCall, CozeChatResult } from './types';
import { codeNumber, readChat, readMessage, readVerbose, text, type ChatDetail } from './wire';

/** Agents (`/v3/chat`) and chatflows (`/v1/workflows/chat`) end a round differently when they wait for the user. */
export type ChatKind = 'agent' | 'chatflow';

export interface ChatAssemblerOptions {
	kind: ChatKind;
	keepEvents: boolean;
	onDelta?: (delta: ChatAnswerDelta) => void;
}

/** Where the result comes from, for the errors it throws. */
export interface ChatResultContext {
	endpoint: string;
	logId?: string;
}

/** A message's text: its deltas as they came, and its whole content once completed. */
interface MessageParts {
	deltas: string[];
	completed?: string;
}

/**
 * Assembles one chat round from its stream events: ids, answer, reasoning, follow-ups, usage, the
 * debug URL, and how the round ended. Only `answer` deltas are forwarded live.
 */
export class ChatAssembler {
	conversationId: string | undefined;
	chatId: string | undefined;
	sectionId: string | undefined;
	usage: CozeUsage | undefined;
	debugUrl: string | undefined;
	executeId: string | undefined;
	eventCount = 0;
	/** The `done` (or Studio's `conversation.stream.done`) event arrived: nothing follows. */
	streamDone = false;
	private status: 'completed' | 'failed' | 'requires_action' | 'canceled' | undefined;
	private failure: { code?: number; message: string; fromErrorEvent: boolean } | undefined;
	private toolCalls: ChatToolCall[] = [];
	/** A chatflow said it waits for the user (a verbose `interrupt`, or `generate_answer_finish` with finish_reason 1). */
	private interruptSeen = false;
	private readonly answers = new Map<string, MessageParts>();
	private readonly reasoning = new Map<string, MessageParts>();
	private readonly followUps: string[] = [];
	private readonly messages: ChatMessage[] = [];
	readonly events: ChatStreamEvent[] | undefined;

	constructor(private readonly options: ChatAssemblerOptions) {
		this.events = options.keepEvents ? [] : undefined;
	}

	add(event: ChatStreamEvent): void {
		this.eventCount++;
		this.events?.push(event);
		const name = event.event;
		if (name === 'done' || name === 'conversation.stream.done') {
			this.streamDone = true;
			if (isPlainObject(event.data)) this.takeDebugUrl(text(event.data.debug_url));
			return;
		}
		if (name === 'error') {
			this.takeError(event.data);
			return;
		}
		if (name.startsWith('conversation.chat.')) {
			this.takeChat(name.slice('conversation.chat.'.length), readChat(event.data));
			return;
		}
		if (name === 'conversation.message.delta') this.takeDelta(event.data);
		else if (name === 'conversation.message.completed') this.takeCompleted(event.data);
		// Audio deltas and unknown events are kept only as raw events.
	}

	private takeDebugUrl(url: string | undefined): void {
		if (!url) return;
		this.debugUrl = url;
		this.executeId = this.executeId ?? executeIdFromDebugUrl(url);
	}

	private takeError(data: unknown): void {
		let code: number | undefined;
		let message = '';
		if (isPlainObject(data)) {
			code = codeNumber(data.code) ?? codeNumber(data.error_code);
			message = text(data.msg) ?? text(data.error_message) ?? '';
			this.takeDebugUrl(text(data.debug_url));
		} else if (typeof data === 'string') message = data;
		this.failure = { code, message: message || 'Coze reported an error in the chat stream without saying which', fromErrorEvent: true };
	}

	private takeChat(what: string, chat: ChatDetail): void {
		this.conversationId = this.conversationId ?? chat.conversationId;
		this.chatId = this.chatId ?? chat.id;
		this.sectionId = this.sectionId ?? chat.sectionId;
		this.executeId = this.executeId ?? chat.executeId;
		const status = what === 'cancelled' || what === 'canceled' ? 'canceled' : what;
		switch (status) {
			case 'completed':
				this.status = 'completed';
				this.usage = chat.usage ?? this.usage;
				break;
			case 'failed':
				this.status = 'failed';
				this.usage = chat.usage ?? this.usage;
				this.failure = { ...(chat.failure ?? { message: '' }), fromErrorEvent: false };
				break;
			case 'requires_action':
				this.status = 'requires_action';
				this.toolCalls = chat.toolCalls;
				break;
			case 'canceled':
				this.status = 'canceled';
				break;
		}
	}

	private takeDelta(data: unknown): void {
		if (!isPlainObject(data)) return;
		const type = text(data.type);
		// A delta without a type is an answer (coze-go's fixture sends such); deltas of other types are never shown.
		if (type !== undefined && type !== 'answer') return;
		const id = idString(data.id) ?? '';
		this.conversationId = this.conversationId ?? idString(data.conversation_id);
		const reasoning = text(data.reasoning_content);
		if (reasoning) this.partsOf(this.reasoning, id).deltas.push(reasoning);
		const content = data.content;
		if (typeof content !== 'string' || content === '' || text(data.content_type) === 'audio') return;
		this.partsOf(this.answers, id).deltas.push(content);
		this.options.onDelta?.({ messageId: id, text: content });
	}

	private takeCompleted(data: unknown): void {
		const message = readMessage(data);
		if (!message) return;
		this.messages.push(message);
		this.conversationId = this.conversationId ?? message.conversationId;
		if (message.reasoningContent) this.partsOf(this.reasoning, message.id).completed = message.reasoningContent;
		switch (message.type) {
			case 'answer':
				if (message.contentType !== 'audio') this.partsOf(this.answers, message.id).completed = message.content;
				break;
			case 'follow_up':
				this.followUps.push(message.content);
				break;
			case 'verbose': {
				const verbose = readVerbose(message.content);
				if (verbose.msgType === 'interrupt' || (verbose.msgType === 'generate_answer_finish' && verbose.finishReason === 1))
					this.interruptSeen = true;
				break;
			}
		}
	}

	private partsOf(map: Map<string, MessageParts>, id: string): MessageParts {
		let parts = map.get(id);
		if (!parts) {
			parts = { deltas: [] };
			map.set(id, parts);
		}
		return parts;
	}

	/** The completed answers in arrival order; only when none completed, what their deltas gave. */
	private answerTexts(): string[] {
		const parts = [...this.answers.values()];
		const completed = parts.flatMap((part) => (part.completed === undefined ? [] : [part.completed]));
		return completed.length ? completed : parts.map((part) => part.deltas.join('')).filter((answer) => answer !== '');
	}

	/** Whether the round has said how it ended (or failed); false means the stream ended too early. */
	get ended(): boolean {
		return this.status !== undefined || this.failure !== undefined || (this.streamDone && this.chatflowWaits());
	}

	private chatflowWaits(): boolean {
		return this.options.kind === 'chatflow' && (this.interruptSeen || this.answerTexts().length > 0);
	}

	/** The round's result; throws what the stream reported as a failure, or `CozeStreamEndedError` when it said nothing of its end. */
	result(context: ChatResultContext, cause?: unknown): CozeChatResult {
		if (this.failure) {
			const { code, message } = this.failure;
			throw new CozeApiError({
				code,
				message: message || (code === undefined ? 'The chat failed' : `The chat failed with code ${code}`),
				httpStatus: 200,
				logId: context.logId,
				debugUrl: this.debugUrl,
				executeId: this.executeId,
				endpoint: context.endpoint,
				runFailed: true,
			});
		}
		const answers = this.answerTexts();
		const base: CozeChatResult = {
			status: 'succeeded',
			answer: answers.join('\n\n'),
			conversationId: this.conversationId ?? '',
			followUps: this.followUps,
			messages: this.messages,
			notices: [],
		};
		if (this.chatId) base.chatId = this.chatId;
		if (this.sectionId) base.sectionId = this.sectionId;
		if (this.usage) base.usage = this.usage;
		if (this.debugUrl) base.debugUrl = this.debugUrl;
		if (this.executeId) base.executeId = this.executeId;
		if (context.logId) base.logId = context.logId;
		const reasoning = [...this.reasoning.values()].map((part) => part.completed ?? part.deltas.join('')).filter((part) => part !== '');
		if (reasoning.length) base.reasoning = reasoning.join('\n\n');
		if (this.events) base.events = this.events;

		const chatflow = this.options.kind === 'chatflow';
		if (
			chatflow &&
			(this.status === 'requires_action' || this.interruptSeen || (this.status === undefined && this.streamDone && answers.length > 0))
		) {
			return { ...base, status: 'interrupted', question: answers[answers.length - 1] ?? '' };
		}
		if (this.status === 'requires_action') return { ...base, status: 'requiresAction', toolCalls: this.toolCalls };
		if (this.status === 'canceled') return { ...base, status: 'canceled' };
		if (this.status === 'completed') return base;
		const why = cause instanceof Error ? ` (${cause.message})` : '';
		const what = this.streamDone ? 'Coze ended the chat stream without saying how the chat ended' : 'The chat stream ended before the chat finished';
		throw new CozeStreamEndedError(
			`${what}${why}.${this.chatId ? ` Chat ID ${this.chatId}, conversation ID ${this.conversationId ?? 'unknown'}: check the conversation in Coze before sending the message again.` : ''}`,
			this.eventCount,
			this.chatId ? { conversationId: this.conversationId, chatId: this.chatId } : undefined,
		);
	}
}
