/**
 * What the Coze client needs from HTTP. The n8n nodes implement it over n8n's request helpers (so
 * proxies, TLS options, credential refresh and cancellation work as elsewhere in n8n); tests and
 * tools can implement it over anything.
 *
 * Implementations throw only `CozeConnectionError`, `CozeTimeoutError` (kind `idle`, or `total`
 * past `deadlineMs`) and `CozeAbortedError`, from `send` and from iterating a body alike.
 */

export interface TransportRequest {
	method: 'GET' | 'POST';
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

const MAX_BODY_BYTES = 512 * 1024 * 1024;

/** Reads a whole body as UTF-8 text. */
export async function readText(body: ByteStream): Promise<string> {
	const parts: Uint8Array[] = [];
	let size = 0;
	try {
		for await (const chunk of body) {
			size += chunk.byteLength;
			if (size > MAX_BODY_BYTES) break;
			parts.push(chunk);
		}
	} finally {
		body.destroy();
	}
	return Buffer.concat(parts).toString('utf8');
}
