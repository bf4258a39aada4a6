/**
 * A loopback port that forwards TCP connections to n8n only while it is open: the load balancer in
 * front of n8n that sends no traffic to an instance that is stopping or not ready yet. n8n listens
 * seconds before it has mounted /webhook-waiting, and answers a callback 200 "n8n is starting up.
 * Please wait", then 404, until then: a caller that takes either as final (as the Coze callback
 * does) loses its callback.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Gate {
	port: number;
	open(): Promise<void>;
	/** Stops listening and drops the open connections: callers get ECONNREFUSED. */
	close(): Promise<void>;
}

export function gate(port: number, targetPort: number): Gate {
	let server: Server | undefined;
	const sockets = new Set<Socket>();
	const track = (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	};
	return {
		port,
		async open() {
			if (server) return;
			const listening = createServer((client) => {
				const upstream = connect(targetPort, '127.0.0.1');
				track(client);
				track(upstream);
				const drop = () => {
					client.destroy();
					upstream.destroy();
				};
				client.on('error', drop);
				upstream.on('error', drop);
				client.pipe(upstream).pipe(client);
			});
			await new Promise<void>((resolve, reject) => {
				listening.once('error', reject);
				listening.listen(port, '127.0.0.1', () => resolve());
			});
			server = listening;
		},
		async close() {
			const listening = server;
			server = undefined;
			if (!listening) return;
			const closed = new Promise<void>((resolve) => listening.close(() => resolve()));
			for (const socket of sockets) socket.destroy();
			await closed;
		},
	};
}
