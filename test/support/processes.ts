/**
 * What the harnesses that start processes share: a free loopback port, running a command to its
 * end, and killing what is still running when the test process exits or is interrupted.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
	return new Promise((resolvePromise, reject) => {
		const server = createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => (port ? resolvePromise(port) : reject(new Error('no free port'))));
		});
	});
}

export interface CommandResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	/** stdout and stderr interleaved; with `keepChars`, only the last that many characters. */
	output: string;
}

/** Runs a command to its end; rejects only when it cannot be started. */
export function runToEnd(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; keepChars?: number } = {}): Promise<CommandResult> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		const collect = (chunk: Buffer) => {
			output += chunk.toString('utf8');
			if (options.keepChars !== undefined && output.length > options.keepChars) output = output.slice(-options.keepChars);
		};
		child.stdout.on('data', collect);
		child.stderr.on('data', collect);
		child.on('error', reject);
		child.on('close', (code, signal) => resolvePromise({ code, signal, output }));
	});
}

const cleanups = new Set<() => void>();
let hooksInstalled = false;

function runCleanups(): void {
	for (const cleanup of cleanups) cleanup();
}

/**
 * Calls `cleanup` (synchronously: kill by PID, remove files) when the test process exits or gets
 * SIGINT, SIGTERM or SIGHUP; the signal then keeps its default effect unless someone else handles it.
 */
export function onExitOrSignal(cleanup: () => void): void {
	cleanups.add(cleanup);
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.on('exit', runCleanups);
	for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		const onSignal = () => {
			runCleanups();
			process.removeListener(name, onSignal);
			if (process.listenerCount(name) === 0) process.kill(process.pid, name);
		};
		process.on(name, onSignal);
	}
}
