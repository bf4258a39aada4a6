import type { ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RequestContext } from './context';
import type { Framing, WriteBoundaries } from './knobs';

// SSE framing and the byte-level writer of a stream response. The writer decides where the body
// is split into writes (each write is one HTTP chunk): per event by default, or at random or given
// offsets, or in small drips; it can also cut the connection after a number of bytes. Everything
// is written as Buffers, so a split may fall inside a multi-byte UTF-8 character.

export interface SseFrame {
  /** Omitted for Studio's lowercase `error` event, which has no id line. */
  id?: number;
  event: string;
  data: string;
}

/** `id: N\nevent: X\ndata: D\n\n` (or without the spaces). */
export function frameEvent(frame: SseFrame, framing: Framing): Buffer {
  const sep = framing === 'space' ? ': ' : ':';
  const idLine = frame.id === undefined ? '' : `id${sep}${frame.id}\n`;
  return Buffer.from(`${idLine}event${sep}${frame.event}\ndata${sep}${frame.data}\n\n`, 'utf8');
}

// Connection is left to Node (keep-alive unless the client asked to close), so a client's
// `Connection: close` is honoured.
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
};

/** The client went away (or the emulator is closing) while we were writing. */
export class ClientGoneError extends Error {
  constructor() {
    super('client connection closed');
  }
}

export interface BodyWriterOptions {
  headers: Record<string, string>;
  boundaries: WriteBoundaries;
  boundarySeed: number;
  dripBytes: number | undefined;
  /** Real milliseconds between the pieces of a split write. */
  pieceGapMs: number;
  cutAfterBytes: number | undefined;
  /** Receives the size of each write. */
  writes: number[];
  /** Receives when each write was handed to the socket (performance.now()). */
  writeTimes: number[];
  /** Abortable real-time sleep. */
  sleep: (ms: number) => Promise<void>;
  signal: AbortSignal;
}

/** A small seeded PRNG (mulberry32) so random boundaries are reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type WriteResult = 'ok' | 'cut';

export class StreamBodyWriter {
  /** Body bytes handed to the socket so far. */
  bytesWritten = 0;
  private readonly random: () => number;

  constructor(
    private readonly res: ServerResponse,
    private readonly opts: BodyWriterOptions,
  ) {
    this.random = seededRandom(opts.boundarySeed);
  }

  get started(): boolean {
    return this.res.headersSent;
  }

  /** Write one logical unit (an event); returns 'cut' if cutAfterBytes ended the connection. */
  async write(buffer: Buffer): Promise<WriteResult> {
    const start = this.bytesWritten;
    let end = start + buffer.length;
    const cutAt = this.opts.cutAfterBytes;
    const cutting = cutAt !== undefined && cutAt < end;
    if (cutting) end = Math.max(start, cutAt);

    const splits = this.splitPoints(start, buffer.length).filter((offset) => offset < end);
    let from = start;
    for (const offset of [...splits, end]) {
      if (offset <= from) continue;
      if (from > start) await this.opts.sleep(this.opts.pieceGapMs);
      await this.writePiece(buffer.subarray(from - start, offset - start));
      from = offset;
    }
    if (cutting) {
      this.destroy();
      return 'cut';
    }
    return 'ok';
  }

  /** Absolute offsets strictly inside this unit where a new write starts. */
  private splitPoints(start: number, length: number): number[] {
    const points = new Set<number>();
    const inside = (offset: number): boolean => offset > start && offset < start + length;
    const { boundaries, dripBytes } = this.opts;
    if (Array.isArray(boundaries)) for (const offset of boundaries) if (inside(offset)) points.add(offset);
    if (boundaries === 'random' && length > 1) {
      const count = 1 + Math.floor(this.random() * 3);
      for (let i = 0; i < count; i++) points.add(start + 1 + Math.floor(this.random() * (length - 1)));
    }
    if (dripBytes !== undefined && dripBytes > 0) {
      for (let offset = (Math.floor(start / dripBytes) + 1) * dripBytes; offset < start + length; offset += dripBytes) points.add(offset);
    }
    return [...points].sort((a, b) => a - b);
  }

  private writePiece(piece: Buffer): Promise<void> {
    if (this.opts.signal.aborted || this.res.destroyed) return Promise.reject(new ClientGoneError());
    if (!this.res.headersSent) this.res.writeHead(200, this.opts.headers);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(new ClientGoneError());
      this.opts.signal.addEventListener('abort', onAbort, { once: true });
      const at = performance.now();
      this.res.write(piece, (error) => {
        this.opts.signal.removeEventListener('abort', onAbort);
        if (error) reject(new ClientGoneError());
        else {
          this.bytesWritten += piece.length;
          this.opts.writes.push(piece.length);
          this.opts.writeTimes.push(at);
          resolve();
        }
      });
    });
  }

  /** Append raw text after the events (a bare JSON error on a stream). */
  async writeRaw(text: string): Promise<void> {
    await this.writePiece(Buffer.from(text, 'utf8'));
  }

  /** End the chunked body properly (terminal chunk). */
  end(): Promise<void> {
    if (this.res.destroyed) return Promise.resolve();
    if (!this.res.headersSent) this.res.writeHead(200, this.opts.headers);
    return new Promise<void>((resolve) => this.res.end(resolve));
  }

  /** Drop the connection without the terminal chunk. Bytes already written were flushed. */
  destroy(): void {
    this.res.socket?.destroy();
    this.res.destroy();
  }
}

/** The stream writer of a request, shaped by its knobs (write boundaries, drips, byte cut). */
export function streamWriterFor(ctx: RequestContext): StreamBodyWriter {
  const { knobs } = ctx;
  return new StreamBodyWriter(ctx.res, {
    headers: { ...SSE_HEADERS },
    boundaries: knobs.writeBoundaries,
    boundarySeed: knobs.boundarySeed,
    dripBytes: knobs.dripBytes,
    pieceGapMs: knobs.dripIntervalMs ?? 1,
    cutAfterBytes: knobs.cutAfterBytes,
    writes: ctx.writes,
    writeTimes: ctx.writeTimes,
    // 0 ms apart still lets the event loop turn between pieces, so a reader can see each one alone.
    sleep: (ms) => (ms > 0 ? ctx.sleepReal(ms) : nextTurn(undefined, { signal: ctx.signal })),
    signal: ctx.signal,
  });
}
