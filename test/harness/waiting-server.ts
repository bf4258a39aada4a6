/**
 * The waiting webhooks over HTTP, for tests in which an upstream service (an emulator) calls the
 * callback URL itself: `/webhook-waiting/<id>[/<suffix>]` answered as n8n does. Start executions
 * with `waitingBaseUrl: server.baseUrl` so their `$execution.resumeUrl` points here.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { deliverToUrl } from './waiting';

export interface WaitingWebhookServer {
	/** n8n's webhookWaitingBaseUrl for this server: `http://127.0.0.1:<port>/webhook-waiting`. */
	baseUrl: string;
	close(): Promise<void>;
}

export async function serveWaitingWebhooks(): Promise<WaitingWebhookServer> {
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const headers = Object.fromEntries(Object.entries(req.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
			deliverToUrl(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) }).then(
				(answer) => {
					res.statusCode = answer.status;
					if (answer.contentType) res.setHeader('content-type', answer.contentType);
					res.end(answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
				},
				(error: Error) => {
					res.statusCode = 500;
					res.end(JSON.stringify({ code: 0, message: error.message }));
				},
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/webhook-waiting`,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
