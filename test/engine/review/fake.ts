// A bare HTTP server for the adversarial reproductions: records requests, lets each test answer.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface Fake { url: string; requests: { path: string; body: string; at: number }[]; close(): Promise<void> }

export async function fake(answer: (req: IncomingMessage, res: ServerResponse, body: string) => unknown): Promise<Fake> {
	const sockets = new Set<Socket>();
	const requests: Fake['requests'] = [];
	const server = createServer((req, res) => {
		const parts: Buffer[] = [];
		req.on('data', (c: Buffer) => parts.push(c));
		req.on('end', () => {
			const body = Buffer.concat(parts).toString('utf8');
			requests.push({ path: req.url ?? '', body, at: Date.now() });
			void answer(req, res, body);
		});
	});
	server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
	return { url, requests, close: async () => { for (const s of sockets) s.destroy(); await new Promise<void>((r) => server.close(() => r())); } };
}

export const json = (res: ServerResponse, body: unknown, status = 200) => (res.writeHead(status, { 'content-type': 'application/json' }), res.end(JSON.stringify(body)));
export const sse = (events: Array<[string, unknown]>) => events.map(([e, d], i) => `id: ${i}\nevent: ${e}\ndata: ${JSON.stringify(d)}\n\n`).join('');
