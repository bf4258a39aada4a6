import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';

import { CozeProtocolError } from './errors';
import { isPlainObject, tryParseJson } from './json';
import type { CozeStreamEvent } from './types';

/**
 * Turns the bytes of a `stream_run` / `stream_resume` body into typed Coze events.
 *
 * SSE framing is eventsource-parser's job (it accepts `id:0` and `id: 0`, CRLF, comments); this class
 * adds UTF-8 decoding across chunk boundaries and Coze's event model. Bytes may be split anywhere,
 * including inside a multi-byte character, and the result does not depend on how they were split.
 */
export class CozeStreamDecoder {
	private readonly text = new TextDecoder('utf-8');
	private readonly parser: EventSourceParser;
	private decoded: CozeStreamEvent[] = [];
	private failure: CozeProtocolError | undefined;
	private ending = false;
	/** True when the body ended inside an event (a connection cut mid-line), which was dropped. */
	truncated = false;

	constructor() {
		this.parser = createParser({
			onEvent: (message) => {
				if (this.failure) return;
				try {
					this.decoded.push(toCozeEvent(message));
				} catch (error) {
					// At the end of the body, an event that does not parse was cut off, not malformed.
					if (this.ending) {
						this.truncated = true;
						return;
					}
					this.failure =
						error instanceof CozeProtocolError ? error : new CozeProtocolError(String(error));
				}
			},
			// A JSON error envelope written into the stream instead of an event (coze-js handles the same
			// case) arrives as a line that is no SSE field.
			onError: (error) => {
				if (this.failure || error.type !== 'unknown-field') return;
				const envelope = errorFromBareJson(error.line ?? '');
				if (envelope) this.decoded.push(envelope);
			},
		});
	}

	/** Feeds one chunk of the body; returns the events it completed. */
	push(chunk: Uint8Array): CozeStreamEvent[] {
		this.feed(this.text.decode(chunk, { stream: true }));
		return this.take();
	}

	/**
	 * eventsource-parser searches for the next CR from every line start to the end of the text it was
	 * given, so one feed of a long chunk without CRs costs lines × length. Feeding it slices that end
	 * at a line feed (never between CR and LF) keeps decoding linear; its result does not depend on
	 * how the text is sliced.
	 */
	private feed(text: string): void {
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
	end(): CozeStreamEvent[] {
		const tail = this.text.decode();
		if (tail) this.parser.feed(tail);
		this.ending = true;
		this.parser.feed('\n\n');
		return this.take();
	}

	private take(): CozeStreamEvent[] {
		if (this.failure) throw this.failure;
		const events = this.decoded;
		this.decoded = [];
		return events;
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

function errorDataFromText(text: string): { error_message: string; error_code?: number } {
	const parsed = tryParseJson(text);
	// Not JSON: Studio's raw Go error text.
	if (!isPlainObject(parsed)) return { error_message: text };
	const code = typeof parsed.error_code === 'number' ? parsed.error_code : undefined;
	const message =
		typeof parsed.error_message === 'string' ? parsed.error_message : typeof parsed.msg === 'string' ? parsed.msg : text;
	return { error_message: message, error_code: code };
}

/** An Error event from a bare JSON envelope line such as `{"code":4000,"msg":"…"}`, if it is one. */
function errorFromBareJson(line: string): CozeStreamEvent | undefined {
	if (!line.trimStart().startsWith('{')) return undefined;
	const parsed = tryParseJson(line);
	if (!isPlainObject(parsed)) return undefined;
	const code = typeof parsed.code === 'number' ? parsed.code : typeof parsed.error_code === 'number' ? parsed.error_code : undefined;
	if (code === undefined || code === 0) return undefined;
	const message = typeof parsed.msg === 'string' ? parsed.msg : typeof parsed.error_message === 'string' ? parsed.error_message : '';
	const debugUrl = typeof parsed.debug_url === 'string' ? parsed.debug_url : undefined;
	return { type: 'Error', data: { error_code: code, error_message: message || `Coze error ${code}`, debug_url: debugUrl } };
}
