import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';

import { CozeProtocolError } from './errors';
import { isPlainObject, tryParseJson } from './json';
import { tooLargeError, MAX_MESSAGE_BYTES } from './transport';
import type { CozeStreamEvent } from './types';

/** What the raw layer hands on: each complete SSE event, and each line that is a bare JSON error envelope. */
export interface SseHandlers {
	onEvent(message: EventSourceMessage): void;
	/** A line that is no SSE field and looks like a JSON object (an error envelope written into the stream). */
	onBareJson(line: string): void;
}

/**
 * The raw layer of Coze's streams: bytes to SSE events (event name, id, data text), shared by the
 * workflow and the chat decoders.
 *
 * SSE framing is eventsource-parser's job (it accepts `id:0` and `id: 0`, CRLF, comments); this class
 * adds UTF-8 decoding across chunk boundaries, a bound on unfinished events, and hands on bare JSON
 * lines. Bytes may be split anywhere, including inside a multi-byte character, and the result does not
 * depend on how they were split. A handler that throws fails the stream: the error is thrown by
 * `push`/`end` from then on.
 */
export class SseTextReader {
	private readonly text = new TextDecoder('utf-8');
	private readonly parser: EventSourceParser;
	private failure: Error | undefined;
	/** Text of a line still without its end, held back from the parser (see `feed`). */
	private pending: string[] = [];
	private pendingChars = 0;
	private fedParser = false;
	/** Bytes pushed since the parser last completed an event, comment or stray line: what an unfinished event may hold. */
	private openBytes = 0;
	/** True while `end` flushes the last event: one that does not parse then was cut off, not malformed. */
	ending = false;

	/** `maxEventBytes`: the most an unfinished event or line may hold (the node's Max Event Size). */
	constructor(
		handlers: SseHandlers,
		private readonly maxEventBytes = MAX_MESSAGE_BYTES,
	) {
		this.parser = createParser({
			onEvent: (message) => {
				this.openBytes = 0;
				if (this.failure) return;
				try {
					handlers.onEvent(message);
				} catch (error) {
					this.failure = error instanceof Error ? error : new CozeProtocolError(String(error));
				}
			},
			onComment: () => {
				this.openBytes = 0;
			},
			// A JSON error envelope written into the stream instead of an event (coze-js handles the same
			// case) arrives as a line that is no SSE field.
			onError: (error) => {
				this.openBytes = 0;
				if (this.failure || error.type !== 'unknown-field') return;
				const line = error.line ?? '';
				if (line.trimStart().startsWith('{')) handlers.onBareJson(line);
			},
		});
	}

	/** Feeds one chunk of the body to the parser; the handlers see what it completes. */
	push(chunk: Uint8Array): void {
		if (this.failure) throw this.failure;
		// Checked before the chunk is kept: a line or event that never ends must not grow without bound.
		this.openBytes += chunk.byteLength;
		if (this.openBytes > this.maxEventBytes) {
			this.pending = [];
			this.pendingChars = 0;
			this.failure = tooLargeError('stream event without finishing it', this.maxEventBytes);
			throw this.failure;
		}
		this.feed(this.text.decode(chunk, { stream: true }));
		if (this.failure) throw this.failure;
	}

	/**
	 * Hands text to eventsource-parser (the bundled 3.0.6) so that decoding stays linear and
	 * independent of chunking:
	 * - it searches for the next CR from every line start to the end of what it was given, so one feed
	 *   of a long chunk without CRs costs lines × length: it gets slices that end at a line feed
	 *   (never between CR and LF);
	 * - it joins and rescans its unfinished line on every feed, so a long line (a big End output)
	 *   arriving in many chunks would cost chunks × length: text without a line end is held back here
	 *   until one arrives;
	 * - it strips a (mis-decoded) byte-order mark only from the very first text it is fed: that text is
	 *   never empty and at least three characters long.
	 * 4.1.1 (the newest 4.x the project's registry cut-off allows) keeps unfinished lines as fragments,
	 * but still scans for CR from every line start, and silently drops an unfinished line that is not
	 * an SSE field, which would lose a bare JSON error split across chunks: this shaping stays needed,
	 * and 4.x made figure 1 of the benchmarks miss its target, so 3.0.6 stays.
	 */
	private feed(text: string): void {
		if (text === '') return;
		const waiting = !this.fedParser && this.pendingChars + text.length < 3;
		if (waiting || (text.indexOf('\n') === -1 && text.indexOf('\r') === -1)) {
			this.pending.push(text);
			this.pendingChars += text.length;
			return;
		}
		if (this.pending.length) {
			this.pending.push(text);
			text = this.pending.join('');
			this.pending = [];
			this.pendingChars = 0;
		}
		this.fedParser = true;
		let start = 0;
		while (text.length - start > FEED_SLICE_CHARS) {
			const lineFeed = text.indexOf('\n', start + FEED_SLICE_CHARS);
			if (lineFeed === -1) break;
			this.parser.feed(text.slice(start, lineFeed + 1));
			start = lineFeed + 1;
		}
		if (start < text.length) this.parser.feed(start === 0 ? text : text.slice(start));
	}

	/** The body ended: flushes a last event that had no blank line after it (the doc examples end so). */
	end(): void {
		const tail = this.text.decode();
		if (tail) this.pending.push(tail);
		if (this.pending.length) this.parser.feed(this.pending.join(''));
		this.pending = [];
		this.pendingChars = 0;
		this.ending = true;
		this.parser.feed('\n\n');
		if (this.failure) throw this.failure;
	}
}

/**
 * A decoder of one kind of Coze stream: `convert` makes an event of an SSE event (throwing for one
 * that is malformed), `fromBareJson` one of a bare JSON error line. Framing and UTF-8 are `SseTextReader`'s.
 */
export abstract class SseEventDecoder<T> {
	private readonly reader: SseTextReader;
	private decoded: T[] = [];
	/** True when the body ended inside an event (a connection cut mid-line), which was dropped. */
	truncated = false;

	/** `maxEventBytes`: see `SseTextReader`. */
	constructor(maxEventBytes = MAX_MESSAGE_BYTES) {
		this.reader = new SseTextReader({
			onEvent: (message) => {
				if (!this.reader.ending) {
					this.decoded.push(this.convert(message));
					return;
				}
				// At the end of the body, an event that does not parse was cut off, not malformed.
				try {
					this.decoded.push(this.convert(message));
				} catch {
					this.truncated = true;
				}
			},
			onBareJson: (line) => {
				const event = this.fromBareJson(line);
				if (event) this.decoded.push(event);
			},
		}, maxEventBytes);
	}

	protected abstract convert(message: EventSourceMessage): T;
	protected abstract fromBareJson(line: string): T | undefined;

	/** Feeds one chunk of the body; returns the events it completed. */
	push(chunk: Uint8Array): T[] {
		this.reader.push(chunk);
		return this.take();
	}

	/** The body ended: flushes a last event that had no blank line after it (the doc and SDK examples end so). */
	end(): T[] {
		this.reader.end();
		return this.take();
	}

	private take(): T[] {
		const events = this.decoded;
		this.decoded = [];
		return events;
	}
}

/** Turns the bytes of a `stream_run` / `stream_resume` body into typed Coze events. */
export class CozeStreamDecoder extends SseEventDecoder<CozeStreamEvent> {
	protected convert(message: EventSourceMessage): CozeStreamEvent {
		return toCozeEvent(message);
	}

	protected fromBareJson(line: string): CozeStreamEvent | undefined {
		return errorFromBareJson(line);
	}
}

/** About four typical Coze events; small enough for the CR search, large enough to amortise a feed. */
const FEED_SLICE_CHARS = 2048;

const KNOWN = new Set(['Message', 'Error', 'Done', 'Interrupt', 'PING']);

function toCozeEvent(message: EventSourceMessage): CozeStreamEvent {
	const id = message.id;
	const name = message.event ?? 'message';
	if (name === 'PING') return { type: 'PING', id };
	// Coze Studio reports an internal failure mid-stream as a lowercase `error` whose data is a raw Go error string.
	if (name === 'error') return { type: 'Error', id, data: errorDataFromText(message.data) };
	if (!KNOWN.has(name)) return { type: 'unknown', id, name, data: message.data };

	const data = tryParseJson(message.data);
	if (data === undefined) {
		throw new CozeProtocolError(
			`Coze sent a ${name} event${id === undefined ? '' : ` (id ${id})`} whose data is not valid JSON`,
		);
	}
	if (!isPlainObject(data)) {
		throw new CozeProtocolError(
			`Coze sent a ${name} event${id === undefined ? '' : ` (id ${id})`} whose data is not a JSON object`,
		);
	}
	normaliseFieldTypes(data);
	switch (name) {
		case 'Message':
			return { type: 'Message', id, data };
		case 'Error':
			return { type: 'Error', id, data };
		case 'Done':
			return { type: 'Done', id, data };
		default:
			return { type: 'Interrupt', id, data };
	}
}

/** Fields that Coze sends as text; anything else in them is turned into text, so that later code can trust the types. */
const TEXT_FIELDS = ['content', 'content_type', 'node_title', 'node_seq_id', 'node_id', 'node_type', 'node_execute_uuid', 'debug_url', 'error_message'];

/**
 * Makes the fields the event types promise have those types (in place; well-formed data is left
 * untouched): a malformed or hostile stream must end in a CozeError or a result, never in a
 * TypeError from a number where text was expected or an object whose toString is not a function.
 */
function normaliseFieldTypes(data: Record<string, unknown>): void {
	// The common case, checked with plain property reads (fast on objects of one shape, as Coze's are).
	if (
		textOrAbsent(data.content) &&
		textOrAbsent(data.node_seq_id) &&
		textOrAbsent(data.node_title) &&
		textOrAbsent(data.node_id) &&
		textOrAbsent(data.node_type) &&
		textOrAbsent(data.node_execute_uuid) &&
		textOrAbsent(data.content_type) &&
		textOrAbsent(data.debug_url) &&
		textOrAbsent(data.error_message) &&
		(data.node_is_finish === undefined || typeof data.node_is_finish === 'boolean') &&
		data.error_code === undefined &&
		(data.usage === undefined || isPlainObject(data.usage)) &&
		data.interrupt_data === undefined
	) {
		return;
	}
	for (const key of TEXT_FIELDS) {
		const value = data[key];
		if (value !== undefined && typeof value !== 'string') data[key] = asText(value);
	}
	if (data.node_is_finish !== undefined && typeof data.node_is_finish !== 'boolean') data.node_is_finish = data.node_is_finish === 'true';
	const code = data.error_code;
	if (code !== undefined && typeof code !== 'number' && typeof code !== 'string') data.error_code = asText(code);
	if (data.usage !== undefined && !isPlainObject(data.usage)) delete data.usage;
	if (data.interrupt_data !== undefined) {
		if (!isPlainObject(data.interrupt_data)) delete data.interrupt_data;
		else {
			const payload = data.interrupt_data;
			for (const key of ['event_id', 'data']) if (payload[key] !== undefined && typeof payload[key] !== 'string') payload[key] = asText(payload[key]);
			if (payload.type !== undefined && typeof payload.type !== 'number') payload.type = Number(asText(payload.type));
			if (payload.required_parameters !== undefined && !isPlainObject(payload.required_parameters)) delete payload.required_parameters;
		}
	}
}

function textOrAbsent(value: unknown): boolean {
	return value === undefined || typeof value === 'string';
}

function asText(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
	return JSON.stringify(value) ?? '';
}

function errorDataFromText(text: string): { error_message: string; error_code?: number } {
	const parsed = tryParseJson(text);
	// Not JSON: Studio's raw Go error text.
	if (!isPlainObject(parsed)) return { error_message: text };
	const code = typeof parsed.error_code === 'number' ? parsed.error_code : undefined;
	const message =
		typeof parsed.error_message === 'string' ? parsed.error_message : typeof parsed.msg === 'string' ? parsed.msg : text;
	return { error_message: message, error_code: code };
}

/** The failure a bare JSON envelope line such as `{"code":4000,"msg":"…"}` reports, if it is one. */
export function bareJsonError(line: string): { code: number; message: string; debugUrl?: string } | undefined {
	if (!line.trimStart().startsWith('{')) return undefined;
	const parsed = tryParseJson(line);
	if (!isPlainObject(parsed)) return undefined;
	const code = typeof parsed.code === 'number' ? parsed.code : typeof parsed.error_code === 'number' ? parsed.error_code : undefined;
	if (code === undefined || code === 0) return undefined;
	const message = typeof parsed.msg === 'string' ? parsed.msg : typeof parsed.error_message === 'string' ? parsed.error_message : '';
	const debugUrl = typeof parsed.debug_url === 'string' ? parsed.debug_url : undefined;
	return { code, message: message || `Coze error ${code}`, debugUrl };
}

/** An Error event from a bare JSON envelope line, if it is one. */
function errorFromBareJson(line: string): CozeStreamEvent | undefined {
	const failure = bareJsonError(line);
	return failure && { type: 'Error', data: { error_code: failure.code, error_message: failure.message, debug_url: failure.debugUrl } };
}
