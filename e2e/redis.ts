/**
 * A throwaway Redis server for the end-to-end tests (n8n queue mode and the like), from Debian's
 * own packages (see debian.ts): `<repo>/.cache/redis/root/usr/bin/redis-server`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { debianEnv, ensureDebianPackages, onFreePort, readTail, spawnServer, type DebianTree, type ServerProcess } from './debian';

type Log = (line: string) => void;

export const REDIS_PACKAGES = ['redis-server', 'redis-tools'];
const STOP_GRACE_MS = 5_000;

export interface RedisInstall extends DebianTree {
	/** `<repo>/.cache/redis/root/usr/bin/redis-server`. */
	redisServerBin: string;
}

export interface RunningRedis {
	port: number;
	/** `redis://127.0.0.1:<port>` */
	url: string;
	pid: number;
	/** SIGTERM, SIGKILL after 5 s; idempotent. */
	stop(): Promise<void>;
	/** Stops the server (SIGTERM) and starts it again on the same port and data; `pid` changes. */
	restart(): Promise<void>;
}

export async function ensureRedis(options: { log?: Log } = {}): Promise<RedisInstall> {
	const tree = await ensureDebianPackages(
		{ name: 'redis', packages: () => REDIS_PACKAGES, binary: (root) => join(root, 'usr', 'bin', 'redis-server') },
		options.log ?? (() => {}),
	);
	return { ...tree, redisServerBin: join(tree.rootDir, 'usr', 'bin', 'redis-server') };
}

/** `persist`: every write goes to an append-only file first, so a restart keeps the data (and n8n's queue). */
export async function startRedis(options: { log?: Log; persist?: boolean } = {}): Promise<RunningRedis> {
	const log = options.log ?? (() => {});
	const install = await ensureRedis({ log });
	return await onFreePort('redis', log, async (port) => {
		const dataDir = mkdtempSync(join(tmpdir(), 'e2e-redis-'));
		const launch = async () => await launchRedis(install, port, dataDir, options.persist === true, log);
		let server: ServerProcess;
		try {
			server = await launch();
		} catch (error) {
			rmSync(dataDir, { recursive: true, force: true });
			throw error;
		}
		return {
			port,
			url: `redis://127.0.0.1:${port}`,
			get pid() {
				return server.pid;
			},
			stop: async () => {
				await server.stop();
				rmSync(dataDir, { recursive: true, force: true });
			},
			restart: async () => {
				await server.stop();
				server = await launch();
			},
		};
	});
}

/** redis-server on `port` with its data in `dataDir` (kept on stop), once it answers PING. */
async function launchRedis(install: RedisInstall, port: number, dataDir: string, persist: boolean, log: Log): Promise<ServerProcess> {
	const logPath = join(dataDir, 'redis.log');
	const durability = persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
	const server = await spawnServer({
		name: 'redis',
		command: install.redisServerBin,
		args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...durability, '--daemonize', 'no', '--dir', dataDir],
		env: debianEnv(install),
		dir: dataDir,
		logPath,
		stopSignal: 'SIGTERM',
		graceMs: STOP_GRACE_MS,
		log,
		keepDir: true,
	});
	const deadline = Date.now() + 10_000;
	for (;;) {
		const answer = await ping(port).catch((error: Error) => error);
		if (answer === '+PONG') break;
		if (server.exitInfo() !== undefined || Date.now() > deadline) {
			const output = readTail(logPath);
			await server.stop();
			throw new Error(`redis-server on port ${port} did not answer PING (${server.exitInfo() ?? (answer instanceof Error ? answer.message : answer)}):\n${output}`);
		}
		await sleep(50);
	}
	log(`redis: pid ${server.pid} on 127.0.0.1:${port}`);
	return server;
}

/** Sends `PING` over a raw TCP connection; resolves the first reply line (`+PONG`). */
export function ping(port: number, host = '127.0.0.1', timeoutMs = 2_000): Promise<string> {
	return new Promise((resolvePromise, reject) => {
		const socket = connect({ port, host });
		let reply = '';
		socket.setTimeout(timeoutMs, () => socket.destroy(new Error('PING timed out')));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			reply += chunk.toString('utf8');
			const end = reply.indexOf('\r\n');
			if (end >= 0) {
				socket.end();
				resolvePromise(reply.slice(0, end));
			}
		});
		socket.once('error', reject);
		socket.once('close', () => reject(new Error(`connection closed before a reply (${JSON.stringify(reply)})`)));
	});
}
