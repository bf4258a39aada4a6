import type { IncomingMessage, ServerResponse } from 'node:http';
import { toJsonText } from './json-text';
import type { Flavor } from './knobs';

// Writing non-stream responses the way Coze does: JSON envelopes with `detail.logid` (cloud),
// OAuth-style bodies, gateway HTML pages, empty bodies and reset connections. The X-Tt-Logid
// header is set on the response before any handler runs, so every answer carries it.

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export interface ReplyOptions {
  flavor: Flavor;
  logid: string;
  /** Knob jsonErrorWithoutTrailingNewline. */
  errorsWithoutTrailingNewline: boolean;
}

export class Reply {
  constructor(
    private readonly res: ServerResponse,
    private readonly opts: ReplyOptions,
  ) {}

  /** Headers (or anything) already sent, or the socket is gone. */
  get done(): boolean {
    return this.res.headersSent || this.res.destroyed;
  }

  /** The JSON text of an envelope: `detail.logid` appended on the cloud; newline rule applied. */
  envelopeText(body: Record<string, unknown>): string {
    const withDetail = this.opts.flavor === 'cloud' && 'code' in body ? { ...body, detail: { logid: this.opts.logid } } : body;
    const isError = typeof body['code'] === 'number' && body['code'] !== 0;
    const newline = isError && this.opts.errorsWithoutTrailingNewline ? '' : '\n';
    return toJsonText(withDetail) + newline;
  }

  /** A Coze JSON envelope (or any JSON object with a `code`). */
  json(body: Record<string, unknown>, status = 200, extraHeaders: Record<string, string> = {}): void {
    this.text(status, JSON_CONTENT_TYPE, this.envelopeText(body), extraHeaders);
  }

  /** `{code, msg, ...extra}`; `reason` goes to an X-Emulator-Reason header (emulator-only help). */
  error(code: number, msg: string, opts: { status?: number; extra?: Record<string, unknown>; reason?: string } = {}): void {
    const headers: Record<string, string> = opts.reason ? { 'X-Emulator-Reason': encodeURIComponent(opts.reason) } : {};
    this.json({ code, msg, ...opts.extra }, opts.status ?? 200, headers);
  }

  /** OAuth endpoint bodies: no `code`, no `detail`. */
  oauth(status: number, body: Record<string, unknown>): void {
    this.text(status, JSON_CONTENT_TYPE, toJsonText(body) + '\n');
  }

  text(status: number, contentType: string, text: string, extraHeaders: Record<string, string> = {}): void {
    if (this.done) return;
    const body = Buffer.from(text, 'utf8');
    this.res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(body.length), ...extraHeaders });
    this.res.end(body);
  }

  /** HTTP 200 with an empty body. */
  empty(): void {
    if (this.done) return;
    this.res.writeHead(200, { 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': '0' });
    this.res.end();
  }

  /** Drop the connection without a response. */
  reset(): void {
    this.res.socket?.destroy();
    this.res.destroy();
  }
}

/** Read a request body; past `limit` bytes the rest is drained and `tooLarge` set. */
export function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}
