/**
 * A fixed address in front of a real gateway that comes and goes, for the OpenClaw fault matrix
 * (faults.test.ts). It is what the node's credential points at, so the node keeps one Gateway URL
 * while the gateway behind it is stopped, killed and restarted on another port.
 *
 * - `down()` closes the listener and every connection, so the node sees what a stopped gateway
 *   gives a direct client: established connections break, new ones are refused. `up()` listens
 *   again on the same port, in front of the restarted gateway.
 * - The node's credential holds a canary secret: the front checks it and puts the route's real
 *   secret in its place (a restarted gateway gets new random secrets). The real secrets never
 *   reach the node; a wrong secret is forwarded as it is and the gateway refuses it.
 * - A plan per request can hold the body back after the headers went out (the gateway then counts
 *   the request as in flight and waits for its body) and can hold or drop the gateway's answer.
 * - It records every request: action, bytes, the gateway's status, and the largest number of
 *   requests that were at the gateway at the same time.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Socket } from 'node:net';

import { endToEndHeaders } from '../../support/http';

export interface FrontRequest {
	n: number;
	path: string;
	action?: string;
	body: string;
	bytes: number;
	/** The gateway's status; absent while open, or when the request got no answer. */
	status?: number;
	answerText?: string;
	answerHeaders?: IncomingHttpHeaders;
	/** The headers are on their way to the gateway (its connection is open). */
	headSent?: boolean;
	/**
	 * For a held body: the gateway answered `100 Continue`. It writes that as it starts to handle
	 * the request and admits the request in the same turn, before it can handle a signal.
	 */
	continued?: boolean;
	/** How it ended for the node: answered, dropped (connection broken), or still open. */
	ended?: 'answered' | 'dropped';
}

export interface RequestPlan {
	/**
	 * Send the headers (with `Expect: 100-continue`) and the first bytes of the body now, the rest
	 * when this settles (never if it never does).
	 */
	holdBody?: Promise<void>;
	/** Called with the gateway's answer before it is passed on: `drop` breaks the node's connection instead. */
	onAnswer?: (request: FrontRequest) => Promise<'deliver' | 'drop'> | 'deliver' | 'drop';
}

export interface Front {
	url: string;
	requests: FrontRequest[];
	/** The most requests at the gateway at the same time since the last `resetPeak()`. */
	readonly peakAtGateway: number;
	resetPeak(): void;
	/** Decides what happens to each request (default: passed straight through). */
	plan: (request: FrontRequest) => RequestPlan | undefined;
	/** Resolves with the first request (recorded from now on, or already) for which `test` holds. */
	when(test: (request: FrontRequest) => boolean): Promise<FrontRequest>;
	up(target: FrontTarget): Promise<void>;
	/**
	 * Holds requests that arrive from now on (the address keeps accepting) until the next `up()`,
	 * which sends them to the gateway it names: a gateway restarted behind a proxy that waits for it.
	 */
	holdNew(): void;
	down(): Promise<void>;
	close(): Promise<void>;
}

export interface FrontTarget {
	/** The gateway's base URL, e.g. http://127.0.0.1:PORT. */
	baseUrl: string;
	/** Route path → the gateway's real secret for it. */
	secrets: Record<string, string>;
}

const HEAD_BYTES = 10;

function actionOf(body: string): string | undefined {
	try {
		const action = (JSON.parse(body) as { action?: unknown }).action;
		return typeof action === 'string' ? action : undefined;
	} catch {
		return undefined;
	}
}

/** Creates the front; the first `up()` listens on a free loopback port, later ones on the same port. */
export async function startFront(canarySecret: string): Promise<Front> {
	const requests: FrontRequest[] = [];
	const watchers = new Set<{ test: (r: FrontRequest) => boolean; resolve: (r: FrontRequest) => void }>();
	const sockets = new Set<Socket>();
	let target: FrontTarget | undefined;
	let server: Server | undefined;
	let port = 0;
	let atGateway = 0;
	let peak = 0;
	let held: { promise: Promise<void>; release: () => void } | undefined;

	const notify = (record: FrontRequest) => {
		for (const watcher of watchers) {
			if (watcher.test(record)) {
				watchers.delete(watcher);
				watcher.resolve(record);
			}
		}
	};

	const handle = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('error', () => req.socket.destroy());
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			const body = raw.toString('utf8');
			const record: FrontRequest = { n: requests.length + 1, path: req.url ?? '/', action: actionOf(body), body, bytes: raw.length };
			requests.push(record);
			const plan = front.plan(record) ?? {};
			if (held) void held.promise.then(() => forward(record, plan, raw));
			else forward(record, plan, raw);
		});

		const forward = (record: FrontRequest, plan: RequestPlan, raw: Buffer) => {
			const upstream = target;
			if (!upstream) {
				req.socket.destroy();
				return;
			}
			const headers = endToEndHeaders(req.headers);
			const secret = upstream.secrets[record.path.split('?')[0]];
			if (secret && headers.authorization === `Bearer ${canarySecret}`) headers.authorization = `Bearer ${secret}`;
			if (secret && headers['x-openclaw-webhook-secret'] === canarySecret) headers['x-openclaw-webhook-secret'] = secret;
			headers.host = new URL(upstream.baseUrl).host;
			headers['content-length'] = String(raw.length);
			headers.connection = 'close';
			if (plan.holdBody) headers.expect = '100-continue';
			atGateway += 1;
			peak = Math.max(peak, atGateway);
			let left = false;
			const leave = () => {
				if (!left) {
					left = true;
					atGateway -= 1;
				}
			};
			const drop = () => {
				leave();
				record.ended = 'dropped';
				req.socket.destroy();
				notify(record);
			};
			let responded = false;
			const up = request(`${upstream.baseUrl}${record.path}`, { method: req.method, headers, agent: false }, (answer) => {
				responded = true;
				const parts: Buffer[] = [];
				answer.on('data', (chunk: Buffer) => parts.push(chunk));
				answer.on('error', () => {
					if (record.status === undefined) drop();
				});
				answer.on('end', () => {
					leave();
					record.status = answer.statusCode ?? 0;
					record.answerText = Buffer.concat(parts).toString('utf8');
					record.answerHeaders = answer.headers;
					notify(record);
					void (async () => {
						const decision = plan.onAnswer ? await plan.onAnswer(record) : 'deliver';
						if (decision === 'drop' || res.destroyed) {
							drop();
							return;
						}
						const out = endToEndHeaders(answer.headers);
						// The gateway closes after 408/413 and while draining: so does the front.
						if (answer.headers.connection === 'close') out.connection = 'close';
						res.writeHead(record.status ?? 502, out);
						res.end(Buffer.concat(parts));
						record.ended = 'answered';
						notify(record);
					})();
				});
			});
			up.on('socket', (socket) => {
				socket.once('connect', () => {
					record.headSent = true;
					notify(record);
				});
			});
			// An answer that came before the whole body was sent (408, 413) decides, not the broken upload.
			up.on('error', () => {
				if (!responded) drop();
			});
			// The node's connection broke (down(), or the node gave up): so does the gateway's.
			res.on('close', () => {
				if (!res.writableFinished) up.destroy();
			});
			if (!plan.holdBody) {
				up.end(raw);
				return;
			}
			up.on('continue', () => {
				record.continued = true;
				notify(record);
			});
			up.flushHeaders();
			up.write(raw.subarray(0, HEAD_BYTES));
			void plan.holdBody.then(() => {
				if (!up.destroyed) up.end(raw.subarray(HEAD_BYTES));
			});
		};
	};

	const front: Front = {
		get url() {
			return `http://127.0.0.1:${port}`;
		},
		requests,
		get peakAtGateway() {
			return peak;
		},
		resetPeak() {
			peak = atGateway;
		},
		plan: () => undefined,
		when(test) {
			const seen = requests.find(test);
			if (seen) return Promise.resolve(seen);
			return new Promise((resolve) => watchers.add({ test, resolve }));
		},
		holdNew() {
			if (held) return;
			let release!: () => void;
			const promise = new Promise<void>((resolve) => (release = resolve));
			held = { promise, release };
		},
		async up(next) {
			target = next;
			const waiting = held;
			held = undefined;
			waiting?.release();
			if (server) return;
			const created = createServer(handle);
			// Idle keep-alive connections of the node close soon, so a leak check sees only real leaks.
			created.keepAliveTimeout = 300;
			created.requestTimeout = 0;
			created.headersTimeout = 0;
			created.on('connection', (socket: Socket) => {
				sockets.add(socket);
				socket.on('close', () => sockets.delete(socket));
			});
			await new Promise<void>((resolve, reject) => {
				created.once('error', reject);
				created.listen(port, '127.0.0.1', () => resolve());
			});
			port = (created.address() as { port: number }).port;
			server = created;
		},
		async down() {
			target = undefined;
			const closing = server;
			server = undefined;
			if (!closing) return;
			await new Promise<void>((resolve) => {
				closing.close(() => resolve());
				for (const socket of sockets) socket.destroy();
			});
		},
		close: () => front.down(),
	};
	return front;
}
