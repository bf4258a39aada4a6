import type { Flavor, ResolvedKnobs } from './knobs';
import { renderEvent, renderPing, type RenderContext, type RenderedEvent } from './payloads';
import type { RunPlan, StreamEvent } from './plan';
import { ClientGoneError, frameEvent, type SseFrame, type StreamBodyWriter } from './sse';

// Plays a run plan as an SSE response: event ids, PINGs while the workflow waits, the first-byte
// delay, and every stream fault knob (cuts, silences, injected garbage). Time is tracked on a
// virtual Coze-time clock so PING cadence does not depend on how long writes take.

export type PlayResult =
  /** The stream ended normally (terminal event or JSON error written, body closed). */
  | { kind: 'completed'; consumedMs: number }
  /** The run failed mid-stream (Studio's lowercase `error` event); the body was closed. */
  | { kind: 'failed'; consumedMs: number; errorMessage: string }
  /** The emulator cut the connection (cutAfterEvents / cutAfterBytes). */
  | { kind: 'cut'; consumedMs: number }
  /** The client disconnected (or the emulator is closing). */
  | { kind: 'gone'; consumedMs: number };

export interface PlayerOptions {
  knobs: ResolvedKnobs;
  flavor: Flavor;
  render: RenderContext;
  writer: StreamBodyWriter;
  /** Abortable sleep in Coze-time ms (scaled by timeScale). */
  sleep: (cozeMs: number) => Promise<void>;
  /** Answer with a bare JSON envelope instead of SSE (nothing written yet). */
  replyJson: (body: Record<string, unknown>) => Promise<void>;
  /** Text of a JSON error envelope, for appending to an already started stream. */
  jsonErrorText: (body: Record<string, unknown>) => string;
}

class StreamCut extends Error {}
class StreamFailed extends Error {}

/** Event ids: 0, 1, 2, … with optional duplicate / missing id faults. */
class IdSequence {
  private position = 0;
  private nextId = 0;
  private lastId = 0;

  constructor(
    private readonly duplicateAt: number | undefined,
    private readonly missingAt: number | undefined,
  ) {}

  take(): number {
    let id = this.nextId;
    if (this.position === this.missingAt) id += 1;
    if (this.position === this.duplicateAt && this.position > 0) id = this.lastId;
    this.position += 1;
    this.lastId = id;
    this.nextId = id + 1;
    return id;
  }
}

function positionKnob(value: boolean | number | undefined): number | undefined {
  if (value === true) return 1;
  if (typeof value === 'number') return value;
  return undefined;
}

/** A Message content of exactly `bytes` UTF-8 bytes (mixed 3-byte CJK and ASCII). */
function contentOfBytes(bytes: number): string {
  const unit = '大a'; // 4 bytes
  return unit.repeat(Math.floor(bytes / 4)) + 'a'.repeat(bytes % 4);
}

export class StreamPlayer {
  private readonly ids: IdSequence;
  private eventsWritten = 0;
  private injected = false;
  /** Virtual Coze-time clock (ms since the request) and the time of the last event. */
  private cozeNow = 0;
  private lastWriteAt = 0;
  /** Script time consumed (excludes the first-byte delay and silences). */
  private consumedMs = 0;

  constructor(private readonly opts: PlayerOptions) {
    this.ids = new IdSequence(positionKnob(opts.knobs.duplicateIds), positionKnob(opts.knobs.missingIds));
  }

  private get pingsEnabled(): boolean {
    return this.opts.flavor !== 'studio' && this.opts.knobs.pingIntervalMs > 0;
  }

  async play(plan: RunPlan): Promise<PlayResult> {
    try {
      return await this.playItems(plan);
    } catch (error) {
      if (error instanceof StreamCut) return { kind: 'cut', consumedMs: this.consumedMs };
      if (error instanceof StreamFailed) return { kind: 'failed', consumedMs: this.consumedMs, errorMessage: error.message };
      if (error instanceof ClientGoneError || (error instanceof Error && error.name === 'AbortError')) {
        return { kind: 'gone', consumedMs: this.consumedMs };
      }
      throw error;
    }
  }

  private async playItems(plan: RunPlan): Promise<PlayResult> {
    const { knobs, writer } = this.opts;
    if (knobs.firstByteDelayMs > 0) {
      await this.waitWithPings(knobs.firstByteDelayMs);
      // The cloud's first byte after ~30 s is a PING when the workflow is still busy.
      if (this.eventsWritten === 0 && this.pingsEnabled && plan.items[0]?.kind === 'wait') await this.writePing();
    }
    for (const item of plan.items) {
      if (item.kind === 'wait') {
        await this.waitWithPings(item.ms);
        this.consumedMs += item.ms;
        continue;
      }
      const event = item.event;
      if (event.kind === 'done' && event.afterError && !knobs.doneAfterError) continue;
      if (event.kind === 'error' && knobs.streamErrorAs === 'json') {
        await this.writeJsonError(event);
        return { kind: 'completed', consumedMs: this.consumedMs };
      }
      await this.writeEvent(renderEvent(event, this.opts.render));
    }
    await writer.end();
    return { kind: 'completed', consumedMs: this.consumedMs };
  }

  /** Sleep `ms` of Coze time, writing PINGs whenever pingIntervalMs passes without an event. */
  private async waitWithPings(ms: number): Promise<void> {
    let remaining = ms;
    while (remaining > 0) {
      const dueIn = this.pingsEnabled ? Math.max(0, this.lastWriteAt + this.opts.knobs.pingIntervalMs - this.cozeNow) : Infinity;
      if (dueIn >= remaining) {
        await this.opts.sleep(remaining);
        this.cozeNow += remaining;
        return;
      }
      if (dueIn > 0) await this.opts.sleep(dueIn);
      this.cozeNow += dueIn;
      remaining -= dueIn;
      await this.writePing();
    }
  }

  private writePing(): Promise<void> {
    return this.writeEvent(renderPing(this.opts.render));
  }

  private async writeEvent(rendered: RenderedEvent): Promise<void> {
    await this.writeFrame({ id: this.ids.take(), event: rendered.event, data: rendered.data });
    this.eventsWritten += 1;
    await this.afterEvent();
  }

  private async writeFrame(frame: SseFrame): Promise<void> {
    const result = await this.opts.writer.write(frameEvent(frame, this.opts.knobs.framing));
    if (result === 'cut') throw new StreamCut();
    this.lastWriteAt = this.cozeNow;
  }

  private async afterEvent(): Promise<void> {
    const { knobs, writer } = this.opts;
    if (knobs.cutAfterEvents !== undefined && this.eventsWritten >= knobs.cutAfterEvents) {
      writer.destroy();
      throw new StreamCut();
    }
    if (!this.injected && this.eventsWritten === knobs.injectAfterEvents) {
      this.injected = true;
      await this.inject();
    }
    if (knobs.silenceAfterEvents !== undefined && knobs.silenceMs !== undefined && this.eventsWritten === knobs.silenceAfterEvents) {
      await this.opts.sleep(knobs.silenceMs);
      this.cozeNow += knobs.silenceMs;
      this.lastWriteAt = this.cozeNow;
    }
  }

  /** Injected faults, in a fixed order, after `injectAfterEvents` events. */
  private async inject(): Promise<void> {
    const { knobs, writer } = this.opts;
    if (knobs.malformedLine !== undefined && knobs.malformedLine !== false) {
      const line = knobs.malformedLine === true ? 'this line is not an SSE field' : knobs.malformedLine;
      const result = await writer.write(Buffer.from(`${line}\n\n`, 'utf8'));
      if (result === 'cut') throw new StreamCut();
    }
    if (knobs.unknownEvent !== undefined && knobs.unknownEvent !== false) {
      await this.writeEvent({ event: knobs.unknownEvent === true ? 'Progress' : knobs.unknownEvent, data: '{}' });
    }
    if (knobs.invalidJsonData !== undefined && knobs.invalidJsonData !== false) {
      await this.writeEvent({ event: 'Message', data: knobs.invalidJsonData === true ? '{"content":"unterminated' : knobs.invalidJsonData });
    }
    if (knobs.bigEventBytes !== undefined && knobs.bigEventBytes > 0) {
      const big: StreamEvent = {
        kind: 'message',
        node: { id: '135280', type: 'Message', title: 'Big message' },
        content: contentOfBytes(knobs.bigEventBytes),
        seq: 0,
        isFinish: true,
        isEnd: false,
      };
      await this.writeEvent(renderEvent(big, this.opts.render));
    }
    if (knobs.eventErrorLowercase !== undefined && knobs.eventErrorLowercase !== false) {
      const message =
        knobs.eventErrorLowercase === true
          ? 'workflow execution failed: node "LLM" (123456) execution error: context deadline exceeded'
          : knobs.eventErrorLowercase;
      await this.writeFrame({ event: 'error', data: message });
      await writer.end();
      throw new StreamFailed(message);
    }
  }

  private async writeJsonError(event: Extract<StreamEvent, { kind: 'error' }>): Promise<void> {
    const body = { code: event.code, msg: event.message, debug_url: this.opts.render.debugUrl };
    if (!this.opts.writer.started) {
      await this.opts.replyJson(body);
      return;
    }
    await this.opts.writer.writeRaw(this.opts.jsonErrorText(body));
    await this.opts.writer.end();
  }
}
