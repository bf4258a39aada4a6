/**
 * What the Coze client needs from HTTP. The n8n nodes implement it over n8n's request helpers (so
 * proxies, TLS options, credential refresh and cancellation work as elsewhere in n8n); tests and
 * tools can implement it over anything.
 *
 * Implementations throw only `CozeConnectionError`, `CozeTimeoutError` (kind `idle`, or `total`
 * past `deadlineMs`) and `CozeAbortedError`, from `send` and from iterating a body alike.
 */

import { CozeProtocolError } from './errors';

export interface TransportRequest {
	method: 'GET' | 'POST' | 'PUT' | 'DELETE';
	/** Path below the base URL, e.g. `/v1/workflow/stream_run`. */
	path: string;
	query?: Record<string, string | number | boolean | undefined>;
	/** Sent as `application/json`. */
	json?: unknown;
	/** Sent as is, e.g. a multipart upload. */
	raw?: { contentType: string; data: Uint8Array };
	accept?: string;
	/** The request fails when no byte arrives for this long (socket inactivity), headers and body alike. */
	idleTimeoutMs: number;
	/** The request fails when its answer is not whole this long after sending (bytes that trickle in do not extend it). */
	deadlineMs?: number;
	/**
	 * Sent even after the execution was stopped, and not cut by the stop: for the clean-up a stop
	 * calls for, such as cancelling the chat it interrupted.
	 */
	detached?: boolean;
}

export interface ByteStream extends AsyncIterable<Uint8Array> {
	/** Stops reading and closes the connection. Safe to call more than once. */
	destroy(): void;
}

export interface TransportResponse {
	status: number;
	/** A response header by lower-case name. */
	header(name: string): string | undefined;
	body: ByteStream;
}

export interface HttpTransport {
	send(request: TransportRequest): Promise<TransportResponse>;
}

/**
 * The most one JSON body may hold, and the default of Max Event Size for one stream event. Coze's
 * largest event is an End node's whole output in one Message, a few MB at most (the cloud trims
 * stored outputs far below this); 64 MiB leaves a wide margin for self-hosted Coze Studio, while a
 * line that never ends, from a faulty server or a wrong Base URL, stops long before it can exhaust
 * the memory of n8n.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** A size in words: whole MB as MB, anything else in bytes. */
export function sizeInWords(bytes: number): string {
	return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : `${bytes} bytes`;
}

/**
 * Coze sent more than a limit in one `what`. The fixed limit on an answer body is far above any Coze
 * answer; Max Event Size (`maxEventBytes` given) is the user's, so then the error says how to change it.
 */
export function tooLargeError(what: string, maxEventBytes?: number): CozeProtocolError {
	const stopped = 'Reading stopped there, to protect the memory of n8n';
	if (maxEventBytes === undefined) {
		return new CozeProtocolError(`Coze sent more than ${sizeInWords(MAX_MESSAGE_BYTES)} in one ${what}, more than any Coze answer holds. ${stopped}; check that the Base URL points to Coze.`);
	}
	return new CozeProtocolError(
		`Coze sent more than ${sizeInWords(maxEventBytes)} in one ${what} (Max Event Size). ${stopped}. ` +
			'If the workflow really sends events this large, raise Max Event Size (MB) in the options; otherwise check that the Base URL points to Coze.',
	);
}

/** Reads a whole body as UTF-8 text; a body over `MAX_MESSAGE_BYTES` fails with a `CozeProtocolError`. */
export async function readText(body: ByteStream): Promise<string> {
	const parts: Uint8Array[] = [];
	let size = 0;
	try {
		for await (const chunk of body) {
			size += chunk.byteLength;
			if (size > MAX_MESSAGE_BYTES) throw tooLargeError('answer body');
			parts.push(chunk);
		}
	} finally {
		body.destroy();
	}
	return Buffer.concat(parts).toString('utf8');
}
