/**
 * An HTTP reverse proxy on 127.0.0.1 in front of the gateway, to simulate failures whose outcome
 * the client cannot know: the request reached OpenClaw (and e.g. created a flow), but the client
 * never gets the answer.
 *
 * Requests are forwarded as they are (method, path with query, headers except hop-by-hop ones, body
 * bytes); the upstream status, headers and body are returned as they are. A request whose parsed
 * JSON body matches a fault (checked in order; `times` counts down) gets that fault instead:
 *
 * - `swallow-response`: forwarded, the upstream answer is read in full, and the client never gets
 *   an answer; its socket stays open until the client gives up or the proxy closes;
 * - `reset-after-forward`: forwarded, the upstream answer is read in full, then the client socket
 *   is destroyed (the client sees ECONNRESET / "socket hang up");
 * - `refuse`: the client socket is destroyed without forwarding anything.
 */
import { createServer, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

import { endToEndHeaders } from './http';

export type FaultKind = 'swallow-response' | 'reset-after-forward' | 'refuse';

export type Fault = {
	/** Called with the parsed JSON body (`undefined` if the body is not JSON). */
	when: (body: unknown) => boolean;
	/** How many more requests this fault applies to. */
	times: number;
	kind: FaultKind;
};

export interface ProxiedRequest {
	path: string;
	body: string;
	/** Upstream HTTP status; absent when the request was not forwarded or got no answer. */
	status?: number;
	/** The fault applied to this request, if any. */
	fault?: FaultKind;
}

export interface FaultProxy {
	/** e.g. `http://127.0.0.1:PORT`; use it instead of the gateway's base URL. */
	url: string;
	requests: ProxiedRequest[];
	faults: Fault[];
	close(): Promise<void>;
}

interface UpstreamAnswer {
	status: number;
	headers: OutgoingHttpHeaders;
	body: Buffer;
}

export async function startFaultProxy(upstreamBaseUrl: string): Promise<FaultProxy> {
	const upstream = new URL(upstreamBaseUrl);
	const requests: ProxiedRequest[] = [];
	const faults: Fault[] = [];
	const sockets = new Set<Socket>();

	const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
		new Promise<UpstreamAnswer>((resolve, reject) => {
			const outHeaders = endToEndHeaders(headers);
			outHeaders.host = upstream.host;
			if (body.length > 0 || method === 'POST' || method === 'PUT' || method === 'PATCH') outHeaders['content-length'] = String(body.length);
			const req = request(
				{ protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method, path, headers: outHeaders, agent: false },
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (chunk: Buffer) => chunks.push(chunk));
					res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: endToEndHeaders(res.headers), body: Buffer.concat(chunks) }));
					res.on('error', reject);
				},
			);
			req.on('error', reject);
			req.end(body);
		});

	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('error', () => req.socket.destroy());
		req.on('end', () => {
			void (async () => {
				const body = Buffer.concat(chunks);
				const text = body.toString('utf8');
				const path = req.url ?? '/';
				const record: ProxiedRequest = { path, body: text };
				requests.push(record);
				let parsed: unknown;
				try {
					parsed = JSON.parse(text);
				} catch {
					parsed = undefined;
				}
				const fault = faults.find((candidate) => candidate.times > 0 && safeMatch(candidate, parsed));
				if (fault) {
					fault.times -= 1;
					record.fault = fault.kind;
				}
				if (fault?.kind === 'refuse') {
					req.socket.destroy();
					return;
				}
				let answer: UpstreamAnswer;
				try {
					answer = await forward(req.method ?? 'GET', path, req.headers, body);
				} catch (error) {
					if (fault) {
						req.socket.destroy();
						return;
					}
					record.status = 502;
					res.writeHead(502, { 'content-type': 'text/plain' }).end(`fault proxy: upstream error: ${(error as Error).message}`);
					return;
				}
				record.status = answer.status;
				if (fault?.kind === 'reset-after-forward') {
					req.socket.destroy();
					return;
				}
				if (fault?.kind === 'swallow-response') return; // never answer; close() or the client ends it
				res.writeHead(answer.status, answer.headers);
				res.end(answer.body);
			})();
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	// A swallowed request must not be answered by Node's own request timeout either.
	server.requestTimeout = 0;
	server.headersTimeout = 0;

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const address = server.address();
	if (!address || typeof address !== 'object') throw new Error('fault proxy: no address');

	let closing: Promise<void> | undefined;
	return {
		url: `http://127.0.0.1:${address.port}`,
		requests,
		faults,
		close: () => {
			closing ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				for (const socket of sockets) socket.destroy();
			});
			return closing;
		},
	};
}

function safeMatch(fault: Fault, body: unknown): boolean {
	try {
		return fault.when(body);
	} catch {
		return false;
	}
}
