import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { Knobs } from './knobs';
import type { CozeEmulator } from './types';

// Raw HTTP clients for the emulator's own tests: node:http for whole responses (keeping every
// body chunk as received) and a bare TCP client that exposes the chunked transfer encoding, so
// tests can see exactly where the server split its writes.

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Body pieces as 'data' events delivered them. */
  chunks: Buffer[];
  /** The body ended without its terminal chunk (connection cut). */
  incomplete: boolean;
  /** ms from sending the request to the response head. */
  headersMs: number;
  /** ms from sending the request to the first body byte. */
  firstByteMs: number;
  /** Arrival time (ms since the request) of each element of `chunks`. */
  chunkTimes: number[];
  totalMs: number;
}

export interface RequestOptions {
  /** Bearer token; null = no Authorization header; default: the emulator's valid PAT. */
  token?: string | null;
  headers?: Record<string, string>;
  /** A JSON value (serialised), or raw text/bytes. */
  body?: unknown;
  knobs?: Partial<Knobs>;
}

/** Outcome when the server dropped the connection before any response. */
export interface ResetResult {
  reset: true;
  error: Error;
}

export function send(emu: CozeEmulator, method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse | ResetResult> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? emu.token : opts.token;
  if (token !== null) headers['Authorization'] = `Bearer ${token}`;
  if (opts.knobs) headers['x-emulator-knobs'] = JSON.stringify(opts.knobs);
  let payload: Buffer | undefined;
  if (Buffer.isBuffer(opts.body)) payload = opts.body;
  else if (typeof opts.body === 'string') payload = Buffer.from(opts.body, 'utf8');
  else if (opts.body !== undefined) {
    payload = Buffer.from(JSON.stringify(opts.body), 'utf8');
    headers['Content-Type'] ??= 'application/json';
  }
  if (payload) headers['Content-Length'] = String(payload.length);

  const started = Date.now();
  return new Promise((resolve) => {
    const req = httpRequest(`${emu.baseUrl}${path}`, { method, headers, agent: false }, (res) => {
      const headersMs = Date.now() - started;
      const chunks: Buffer[] = [];
      const chunkTimes: number[] = [];
      let firstByteMs = -1;
      const finish = (): void =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          chunks,
          incomplete: !res.complete,
          headersMs,
          chunkTimes,
          firstByteMs: firstByteMs < 0 ? Date.now() - started : firstByteMs,
          totalMs: Date.now() - started,
        });
      res.on('data', (chunk: Buffer) => {
        if (firstByteMs < 0) firstByteMs = Date.now() - started;
        chunks.push(chunk);
        chunkTimes.push(Date.now() - started);
      });
      res.on('error', () => undefined);
      res.on('close', finish);
    });
    req.on('error', (error) => resolve({ reset: true, error }));
    req.end(payload);
  });
}

export function isReset(result: RawResponse | ResetResult): result is ResetResult {
  return 'reset' in result;
}

export async function sendOk(emu: CozeEmulator, method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse> {
  const result = await send(emu, method, path, opts);
  if (isReset(result)) throw new Error(`connection reset: ${result.error.message}`);
  return result;
}

export function post(emu: CozeEmulator, path: string, body: unknown, opts: Omit<RequestOptions, 'body'> = {}): Promise<RawResponse> {
  return sendOk(emu, 'POST', path, { ...opts, body });
}

export function get(emu: CozeEmulator, path: string, opts: Omit<RequestOptions, 'body'> = {}): Promise<RawResponse> {
  return sendOk(emu, 'GET', path, opts);
}

/** The body as a JSON object (throws if it is not one). */
export function jsonOf(response: RawResponse): Record<string, unknown> {
  const value: unknown = JSON.parse(response.body.toString('utf8'));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
  return value as Record<string, unknown>;
}

export interface ParsedEvent {
  id: string | undefined;
  event: string | undefined;
  data: string | undefined;
}

/** A tolerant SSE parser (like coze-js): blocks separated by blank lines, `field: value` lines. */
export function parseSse(text: string): ParsedEvent[] {
  const events: ParsedEvent[] = [];
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue;
    const event: ParsedEvent = { id: undefined, event: undefined, data: undefined };
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const field = line.slice(0, colon);
      const value = line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') event.id = value;
      if (field === 'event') event.event = value;
      if (field === 'data') event.data = value;
    }
    events.push(event);
  }
  return events;
}

export function eventsOf(response: RawResponse): ParsedEvent[] {
  return parseSse(response.body.toString('utf8'));
}

/** data of an event parsed as a JSON object. */
export function dataOf(event: ParsedEvent | undefined): Record<string, unknown> {
  if (!event?.data) throw new Error('event has no data');
  const value: unknown = JSON.parse(event.data);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('data is not a JSON object');
  return value as Record<string, unknown>;
}

export interface WireResponse {
  head: string;
  /** Sizes of the HTTP chunks in order (the server's write boundaries). */
  chunkSizes: number[];
  body: Buffer;
  /** The terminal 0-size chunk arrived. */
  terminated: boolean;
}

/** POST over a bare TCP socket and decode the chunked encoding by hand. */
export function postWire(emu: CozeEmulator, path: string, body: unknown, extraHeaders: Record<string, string> = {}): Promise<WireResponse> {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  const headerLines = [
    `POST ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${emu.port}`,
    `Authorization: Bearer ${emu.token}`,
    'Content-Type: application/json',
    `Content-Length: ${payload.length}`,
    'Connection: close',
    ...Object.entries(extraHeaders).map(([k, v]) => `${k}: ${v}`),
  ];
  return new Promise((resolve, reject) => {
    const socket = connect(emu.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      try {
        resolve(decodeChunked(Buffer.concat(received)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.write(Buffer.concat([Buffer.from(headerLines.join('\r\n') + '\r\n\r\n'), payload]));
  });
}

function decodeChunked(raw: Buffer): WireResponse {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) throw new Error('no HTTP head');
  const head = raw.subarray(0, headEnd).toString('latin1');
  const chunkSizes: number[] = [];
  const parts: Buffer[] = [];
  let position = headEnd + 4;
  let terminated = false;
  while (position < raw.length) {
    const lineEnd = raw.indexOf('\r\n', position);
    if (lineEnd < 0) break;
    const size = parseInt(raw.subarray(position, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) break;
    if (size === 0) {
      terminated = true;
      break;
    }
    const start = lineEnd + 2;
    parts.push(raw.subarray(start, Math.min(start + size, raw.length)));
    chunkSizes.push(Math.min(size, raw.length - start));
    position = start + size + 2;
  }
  return { head, chunkSizes, body: Buffer.concat(parts), terminated };
}
