import type { ChatEmitter } from './chat-run';
import { nowSeconds, type ChatRecord } from './chat-state';
import type { RequestContext } from './context';
import { toJsonText } from './json-text';
import type { Framing } from './knobs';
import { ClientGoneError, frameEvent, streamWriterFor, type StreamBodyWriter } from './sse';

// The SSE side of a chat: `event:`/`data:` lines (no space on /v3/chat, one space on chatflows,
// `id:` lines only on Studio chatflows), the stream faults of the knobs (cut after N events, an
// `error` event mid-stream), and a client that goes away (the chat carries on without it).

export const CHAT_ERROR_MESSAGE = 'internal error: the model stream was interrupted';

export class ChatSse implements ChatEmitter {
  private readonly writer: StreamBodyWriter;
  private events = 0;
  private nextId = 1;
  private gone = false;
  private injectedError: number | undefined;

  constructor(
    private readonly ctx: RequestContext,
    private readonly opts: { framing: Framing; numbered: boolean },
  ) {
    this.writer = streamWriterFor(ctx);
  }

  /** The code of the injected `error` event, once it was sent. */
  get halted(): boolean {
    return this.injectedError !== undefined;
  }

  get errorCode(): number | undefined {
    return this.injectedError;
  }

  async emit(event: string, data: unknown): Promise<void> {
    if (this.gone || this.halted) return;
    const errorKnob = this.ctx.knobs.chatErrorEvent;
    if (errorKnob !== undefined && errorKnob !== false && this.events === this.ctx.knobs.injectAfterEvents) {
      const code = errorKnob === true ? 5000 : errorKnob;
      this.injectedError = code;
      await this.write('error', toJsonText({ code, msg: CHAT_ERROR_MESSAGE }));
      await this.close();
      return;
    }
    await this.write(event, toJsonText(data));
    const cutAfter = this.ctx.knobs.cutAfterEvents;
    if (cutAfter !== undefined && this.events >= cutAfter && !this.gone) {
      this.writer.destroy();
      this.gone = true;
    }
  }

  /** The final event (unless the stream is already over), then the end of the body. */
  async finish(event: string, dataText: string): Promise<void> {
    if (!this.gone && !this.halted) await this.write(event, dataText);
    await this.close();
  }

  async close(): Promise<void> {
    if (this.gone) return;
    this.gone = true;
    await this.writer.end();
  }

  private async write(event: string, data: string): Promise<void> {
    const frame = this.opts.numbered ? { id: this.nextId++, event, data } : { event, data };
    this.events += 1;
    try {
      if ((await this.writer.write(frameEvent(frame, this.opts.framing))) === 'cut') this.gone = true;
    } catch (error) {
      if (!(error instanceof ClientGoneError)) throw error;
      this.gone = true;
    }
  }
}

/** A chat whose stream was ended by the injected `error` event has failed with that code. */
export function failHalted(chat: ChatRecord, sse: ChatSse): void {
  chat.status = 'failed';
  chat.failedAt = nowSeconds();
  chat.lastError = { code: sse.errorCode ?? 5000, msg: CHAT_ERROR_MESSAGE };
}
