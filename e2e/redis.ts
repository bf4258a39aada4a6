/**
 * A throwaway Redis server for the end-to-end tests (n8n queue mode and the like), from Debian's
 * own packages, without root and without installing anything system-wide:
 *
 * 1. `apt-get update` into a private apt state folder (`-o Dir::State=… -o Dir::Cache=…`), so the
 *    machine's package lists are neither needed nor touched (they may lack the security suite);
 * 2. `apt-get download redis-server redis-tools` plus those of their direct library dependencies
 *    that are not installed on this machine (libc6 is never downloaded);
 * 3. `dpkg -x` each .deb into `<repo>/.cache/redis/root`, and run `root/usr/bin/redis-server` with
 *    `LD_LIBRARY_PATH` pointing at the extracted library folders.
 *
 * The tree is built in a temporary folder and renamed to `<repo>/.cache/redis` when complete, under
 * the same kind of lock as the n8n installs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireInstallLock, CACHE_DIR, freshTempDir, moveIntoPlace } from '../test/support/cache';
import { freePort, onExitOrSignal } from '../test/support/processes';
import { becomesTrue } from '../test/support/wait';

type Log = (line: string) => void;

export const REDIS_PACKAGES = ['redis-server', 'redis-tools'];
const REDIS_DIR = join(CACHE_DIR, 'redis');
const MARKER = 'installed.json';
const STOP_GRACE_MS = 5_000;

export interface RedisInstall {
	/** `<repo>/.cache/redis/root/usr/bin/redis-server`. */
	redisServerBin: string;
	/** Extracted library folders, `:`-separated (for LD_LIBRARY_PATH); undefined when none were needed. */
	libDir?: string;
}

export interface RunningRedis {
	port: number;
	/** `redis://127.0.0.1:<port>` */
	url: string;
	pid: number;
	/** SIGTERM, SIGKILL after 5 s; idempotent. */
	stop(): Promise<void>;
}

export async function ensureRedis(options: { log?: Log } = {}): Promise<RedisInstall> {
	const log = options.log ?? (() => {});
	const installed = () => readInstall(REDIS_DIR) !== undefined;
	const existing = readInstall(REDIS_DIR);
	if (existing) return existing;

	const release = await acquireInstallLock('redis', installed, log);
	if (!release) return readInstall(REDIS_DIR)!;
	try {
		const t0 = Date.now();
		const tmpDir = freshTempDir('redis');
		const debsDir = join(tmpDir, 'debs');
		const rootDir = join(tmpDir, 'root');
		const aptDir = join(tmpDir, 'apt');
		for (const dir of [debsDir, rootDir, join(aptDir, 'state', 'lists', 'partial'), join(aptDir, 'cache', 'archives', 'partial')]) {
			mkdirSync(dir, { recursive: true });
		}
		const aptOptions = [
			'-q',
			'-o',
			`Dir::State=${join(aptDir, 'state')}`,
			'-o',
			`Dir::Cache=${join(aptDir, 'cache')}`,
			// As root apt downloads as the user _apt, who cannot write into this folder.
			...(process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : []),
		];
		log(`redis: apt-get update into ${aptDir}`);
		exec('apt-get', [...aptOptions, 'update'], tmpDir);

		const libraries = directLibraryDependencies(
			exec(
				'apt-cache',
				[
					...aptOptions,
					'depends',
					'--no-recommends',
					'--no-suggests',
					'--no-conflicts',
					'--no-breaks',
					'--no-replaces',
					'--no-enhances',
					...REDIS_PACKAGES,
				],
				tmpDir,
			),
		);
		const missing = libraries.filter((name) => !isInstalled(name));
		const packages = [...REDIS_PACKAGES, ...missing];
		log(
			`redis: apt-get download ${packages.join(' ')} (installed here already: ${libraries.filter((name) => !missing.includes(name)).join(' ') || 'none'})`,
		);
		exec('apt-get', [...aptOptions, 'download', ...packages], debsDir);

		const debs = readdirSync(debsDir).filter((name) => name.endsWith('.deb'));
		for (const deb of debs) exec('dpkg-deb', ['-x', join(debsDir, deb), rootDir], tmpDir);
		rmSync(aptDir, { recursive: true, force: true }); // 20 MB of package lists, not needed any more

		const install = layout(tmpDir);
		const ldd = exec('ldd', [install.redisServerBin], tmpDir, runEnv(install));
		const notFound = ldd.split('\n').filter((row) => row.includes('not found'));
		if (notFound.length) throw new Error(`redis-server still misses libraries:\n${notFound.join('\n')}`);
		const version = exec(install.redisServerBin, ['--version'], tmpDir, runEnv(install)).trim();

		writeFileSync(join(tmpDir, MARKER), `${JSON.stringify({ version, debs, installedAt: new Date().toISOString() }, null, 2)}\n`);
		moveIntoPlace('redis', tmpDir, REDIS_DIR);
		log(`redis: ${version} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
		return readInstall(REDIS_DIR)!;
	} finally {
		release();
	}
}

export async function startRedis(options: { log?: Log } = {}): Promise<RunningRedis> {
	const log = options.log ?? (() => {});
	const install = await ensureRedis({ log });
	let lastError: Error | undefined;
	// The free port is found by binding port 0 and closing it: another process may take it before
	// redis-server binds it, hence a few attempts.
	for (let attempt = 1; attempt <= 3; attempt++) {
		try {
			return await startOnce(install, await freePort(), log);
		} catch (error) {
			lastError = error as Error;
			log(`redis: start attempt ${attempt} failed: ${lastError.message.split('\n')[0]}`);
		}
	}
	throw lastError!;
}

async function startOnce(install: RedisInstall, port: number, log: Log): Promise<RunningRedis> {
	const dataDir = mkdtempSync(join(tmpdir(), 'e2e-redis-'));
	const logPath = join(dataDir, 'redis.log');
	const out = openSync(logPath, 'a');
	let child;
	try {
		child = spawn(
			install.redisServerBin,
			['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dataDir],
			{ cwd: dataDir, env: runEnv(install), stdio: ['ignore', out, out] },
		);
	} finally {
		closeSync(out);
	}
	const pid = child.pid;
	if (pid === undefined) {
		const error = await new Promise<Error>((resolvePromise) => child.once('error', resolvePromise));
		rmSync(dataDir, { recursive: true, force: true });
		throw new Error(`could not start ${install.redisServerBin}: ${error.message}`);
	}
	const entry = { pid, dataDir, exited: false };
	let exitInfo: string | undefined;
	child.once('exit', (code, signal) => {
		exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
		entry.exited = true; // its PID may be reused from now on: never signal it again
	});
	// A test that never calls stop() must not keep the test process alive: the exit hook kills it.
	child.unref();
	live.add(entry);
	onExitOrSignal(killAllNow);

	let stopping: Promise<void> | undefined;
	const stop = (): Promise<void> => {
		stopping ??= (async () => {
			if (exitInfo === undefined) {
				signal(pid, 'SIGTERM');
				if (!(await becomesTrue(() => exitInfo !== undefined, STOP_GRACE_MS, 50))) {
					signal(pid, 'SIGKILL');
					await becomesTrue(() => exitInfo !== undefined, 5_000, 50);
				}
			}
			live.delete(entry);
			rmSync(dataDir, { recursive: true, force: true });
			log(`redis: pid ${pid} stopped (${exitInfo ?? 'did not report its exit'})`);
		})();
		return stopping;
	};

	const deadline = Date.now() + 10_000;
	for (;;) {
		const answer = await ping(port).catch((error: Error) => error);
		if (answer === '+PONG') break;
		if (exitInfo !== undefined || Date.now() > deadline) {
			const output = readTail(logPath);
			await stop();
			throw new Error(
				`redis-server on port ${port} did not answer PING (${exitInfo ?? (answer instanceof Error ? answer.message : answer)}):\n${output}`,
			);
		}
		await sleep(50);
	}
	log(`redis: pid ${pid} on 127.0.0.1:${port}`);
	return { port, url: `redis://127.0.0.1:${port}`, pid, stop };
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

// ---------------------------------------------------------------------------------------------
// Install helpers

function readInstall(dir: string): RedisInstall | undefined {
	if (!existsSync(join(dir, MARKER))) return undefined;
	const install = layout(dir);
	return existsSync(install.redisServerBin) ? install : undefined;
}

function layout(dir: string): RedisInstall {
	const rootDir = join(dir, 'root');
	const libDirs: string[] = [];
	for (const base of [join(rootDir, 'usr', 'lib'), join(rootDir, 'lib')]) {
		if (!existsSync(base)) continue;
		for (const entry of readdirSync(base)) {
			if (!/-linux-gnu$/.test(entry)) continue;
			const libDir = join(base, entry);
			if (readdirSync(libDir).some((name) => /\.so(\.|$)/.test(name))) libDirs.push(libDir);
		}
	}
	return { redisServerBin: join(rootDir, 'usr', 'bin', 'redis-server'), libDir: libDirs.length ? libDirs.join(':') : undefined };
}

function runEnv(install: RedisInstall): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env };
	if (install.libDir) env.LD_LIBRARY_PATH = [install.libDir, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
	return env;
}

/**
 * `lib*` packages on the `Depends:` lines of `apt-cache depends` (the first of alternatives, i.e.
 * the named one); libc6 is left out: a second C library through LD_LIBRARY_PATH cannot work.
 */
function directLibraryDependencies(apt: string): string[] {
	const names = new Set<string>();
	for (const row of apt.split('\n')) {
		const match = /^\s+\|?(?:Pre)?Depends:\s+<?([a-z0-9][a-z0-9+.-]*)/.exec(row);
		if (!match) continue;
		const name = match[1].replace(/:any$/, '');
		if (name.startsWith('lib') && name !== 'libc6' && !REDIS_PACKAGES.includes(name)) names.add(name);
	}
	return [...names].sort();
}

function isInstalled(name: string): boolean {
	const result = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}\n', name], { encoding: 'utf8' });
	return result.status === 0 && result.stdout.split('\n').some((status) => status.startsWith('ii'));
}

function exec(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
	const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
	if (result.status !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} failed (${result.signal ?? `exit ${result.status}`}):\n${(result.stdout + result.stderr).slice(-5_000)}`,
		);
	}
	return result.stdout;
}

function readTail(path: string): string {
	try {
		return readFileSync(path, 'utf8').split('\n').slice(-30).join('\n');
	} catch {
		return '(no output)';
	}
}


// ---------------------------------------------------------------------------------------------
// Safety net: servers still running when the test process exits are killed by PID.

/** Servers this process started and has not stopped. */
const live = new Set<{ pid: number; dataDir: string; exited: boolean }>();

function killAllNow(): void {
	for (const { pid, dataDir, exited } of live) {
		if (!exited) signal(pid, 'SIGKILL');
		rmSync(dataDir, { recursive: true, force: true });
	}
	live.clear();
}


function signal(pid: number, name: NodeJS.Signals): void {
	try {
		process.kill(pid, name);
	} catch {
		// already gone
	}
}
