import type { EventSourceMessage } from 'eventsource-parser';

import { CozeProtocolError } from '../errors';
import { tryParseJson } from '../json';
import { bareJsonError, SseEventDecoder } from '../streamDecoder';
import type { ChatStreamEvent } from './types';

/**
 * Turns the bytes of a `/v3/chat`, `/v1/workflows/chat` or `submit_tool_outputs` body into chat
 * events. Framing (with or without a space after the colon, CRLF, `id:` lines, a last event without a
 * blank line) and UTF-8 are `SseTextReader`'s. Data that is JSON is parsed: `done`'s `"[DONE]"`
 * becomes the string `[DONE]`, its debug-URL object an object; other data (Studio's empty
 * `conversation.stream.done`, a raw error text) stays text.
 */
export class ChatStreamDecoder extends SseEventDecoder<ChatStreamEvent> {
	protected convert(message: EventSourceMessage): ChatStreamEvent {
		const name = message.event ?? 'message';
		const text = message.data;
		const trimmed = text.trim();
		const first = trimmed.charAt(0);
		let data: unknown = text;
		if (first === '{' || first === '[' || first === '"') {
			data = tryParseJson(trimmed);
			if (data === undefined) {
				// Only an object is sure to be JSON: `[DONE]` without quotes is text.
				if (first === '{') throw new CozeProtocolError(`Coze sent a ${name} event whose data is not valid JSON`);
				data = text;
			}
		}
		return message.id === undefined ? { event: name, data } : { event: name, data, id: message.id };
	}

	protected fromBareJson(line: string): ChatStreamEvent | undefined {
		const failure = bareJsonError(line);
		return failure && { event: 'error', data: { code: failure.code, msg: failure.message, debug_url: failure.debugUrl } };
	}
}
