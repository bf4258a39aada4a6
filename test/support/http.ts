/** HTTP pieces the test harnesses and the end-to-end suite share. */
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

export interface HttpAnswer {
	status: number;
	headers: IncomingHttpHeaders;
	body: string;
	/** Each piece of the body with the milliseconds since the request was sent. */
	pieces: Array<{ at: number; text: string }>;
	/** Milliseconds until the whole response was in. */
	totalMs: number;
}

export interface HttpRequestOptions {
	headers?: Record<string, string>;
	body?: string;
	/** Default 120 s. */
	timeoutMs?: number;
}

/**
 * One HTTP/1.1 request on its own connection (no keep-alive agent that could hold the process),
 * recording when each piece of the body arrived.
 */
export function httpRequest(method: string, url: string, options: HttpRequestOptions = {}): Promise<HttpAnswer> {
	const timeoutMs = options.timeoutMs ?? 120_000;
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const req = request(url, { method, headers: options.headers, agent: false, timeout: timeoutMs }, (res) => {
			const pieces: HttpAnswer['pieces'] = [];
			res.setEncoding('utf8');
			res.on('data', (text: string) => pieces.push({ at: performance.now() - started, text }));
			res.on('end', () =>
				resolve({ status: res.statusCode ?? 0, headers: res.headers, body: pieces.map((p) => p.text).join(''), pieces, totalMs: performance.now() - started }),
			);
			res.on('error', reject);
		});
		req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
		req.on('error', reject);
		req.end(options.body);
	});
}

/** Headers about one connection, not the message: a proxy must not pass them on. */
const HOP_BY_HOP = new Set([
	'connection',
	'keep-alive',
	'proxy-connection',
	'proxy-authenticate',
	'proxy-authorization',
	'te',
	'trailer',
	'transfer-encoding',
	'upgrade',
]);

/** The headers a proxy passes on: all but the hop-by-hop ones and those `Connection` names. */
export function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
	const out: OutgoingHttpHeaders = {};
	const named = String(headers.connection ?? '')
		.split(',')
		.map((name) => name.trim().toLowerCase())
		.filter(Boolean);
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined || HOP_BY_HOP.has(name) || named.includes(name)) continue;
		out[name] = value;
	}
	return out;
}
