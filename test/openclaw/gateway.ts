/**
 * Starts a REAL OpenClaw gateway (openclaw 2026.9.6 under Node 24) on 127.0.0.1 with only the
 * bundled `webhooks` plugin, one TaskFlow webhook route per requested route id, and stops it again.
 *
 * Each start gets its own folder `<repo>/.cache/openclaw-run/<unique>/` (or `options.dir`) with the
 * config, state (SQLite), HOME, TMPDIR and logs, so nothing touches `~/.openclaw`. Route secrets
 * are random, passed to the gateway as environment variables and referenced from the config with
 * env SecretRefs: they are never written to disk.
 *
 * Readiness costs few route requests, because the webhook rate limit (120 requests / 60 s per
 * route path and client IP, 401s and 429s included) is shared with the tests: `/healthz` is polled
 * first, then each route gets an authenticated `list_flows` at most every 500 ms until it answers
 * 200.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CACHE_DIR, isAlive } from '../support/cache';
import { httpRequest, type HttpAnswer } from '../support/http';
import { onExitOrSignal } from '../support/processes';
import { becomesTrue } from '../support/wait';
import { ensureOpenClawInstalled } from './install';

export interface GatewayRoute {
	id: string;
	path: string;
	sessionKey: string;
	secret: string;
	url: string;
}

export interface RunningGateway {
	baseUrl: string;
	port: number;
	pid: number;
	routes: Record<string, GatewayRoute>;
	stateDir: string;
	stop(): Promise<void>;
}

export interface StartGatewayOptions {
	/** Webhook route ids; each gets path `/plugins/webhooks/<id>` and session `agent:main:<id>`. */
	routeIds: string[];
	/** With `dir`: delete the state folder first (default true). A generated folder is always fresh. */
	fresh?: boolean;
	/** Run folder (config, state, home, tmp, logs); default `<repo>/.cache/openclaw-run/<unique>`. */
	dir?: string;
	log?: (line: string) => void;
	/** Until every route answers; default 120 s. */
	startTimeoutMs?: number;
}

export const RUN_ROOT = join(CACHE_DIR, 'openclaw-run');
const COMPILE_CACHE_DIR = join(CACHE_DIR, 'openclaw-compile-cache');
const STOP_GRACE_MS = 15_000;
const ROUTE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Generated run folders of finished runs that are kept (for their logs) besides the current ones. */
const KEEP_FINISHED_RUNS = 4;

export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
	const log = options.log ?? (() => {});
	const routeIds = options.routeIds;
	if (routeIds.length === 0) throw new Error('startGateway: routeIds is empty');
	for (const id of routeIds) {
		if (!ROUTE_ID.test(id)) throw new Error(`startGateway: route id ${JSON.stringify(id)} must match ${ROUTE_ID}`);
	}
	if (new Set(routeIds).size !== routeIds.length) throw new Error(`startGateway: duplicate route ids in ${routeIds.join(', ')}`);

	const { nodeBin, openclawEntry } = await ensureOpenClawInstalled({ log });

	cleanUpOldRuns(log);
	const runDir = options.dir ?? join(RUN_ROOT, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${randomBytes(3).toString('hex')}`);
	const stateDir = join(runDir, 'state');
	const homeDir = join(runDir, 'home');
	const tmpDir = join(runDir, 'tmp');
	const logsDir = join(runDir, 'logs');
	const configPath = join(runDir, 'openclaw.json');
	activeRunDirs.add(runDir);
	if (options.dir && options.fresh !== false) rmSync(stateDir, { recursive: true, force: true });
	for (const dir of [stateDir, homeDir, tmpDir, logsDir, COMPILE_CACHE_DIR]) mkdirSync(dir, { recursive: true });
	// openclaw.mjs keeps Node's compile cache in <TMPDIR>/node-compile-cache (keyed by version and
	// install); sharing it between runs saves about 2.5 s per start. Node checks each entry's
	// checksum, so a concurrent writer can only cost a recompile.
	const compileCacheLink = join(tmpDir, 'node-compile-cache');
	if (!existsSync(compileCacheLink)) symlinkSync(COMPILE_CACHE_DIR, compileCacheLink);
	pruneCompileCache(openclawEntry);
	writeFileSync(join(runDir, 'owner.pid'), `${process.pid}\n`);

	const port = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	const secretEnv: Record<string, string> = {};
	const routes: Record<string, GatewayRoute> = {};
	const routeConfig: Record<string, unknown> = {};
	routeIds.forEach((id, index) => {
		const envName = `OPENCLAW_WEBHOOK_SECRET_${index + 1}`;
		const secret = randomBytes(16).toString('hex');
		const path = `/plugins/webhooks/${id}`;
		const sessionKey = `agent:main:${id}`;
		secretEnv[envName] = secret;
		routes[id] = { id, path, sessionKey, secret, url: `${baseUrl}${path}` };
		routeConfig[id] = {
			path,
			sessionKey,
			secret: { source: 'env', provider: 'default', id: envName },
			description: `n8n-nodes-coze-openclaw test route ${id}`,
		};
	});

	const config = {
		gateway: {
			mode: 'local', // without it `gateway run` refuses to start
			port,
			bind: 'loopback', // inside a container the default would be 0.0.0.0
			auth: { mode: 'token', token: randomBytes(24).toString('hex') }, // WS/RPC only; webhook routes use their secret
		},
		update: { checkOnStart: false },
		models: { catalogRefresh: { enabled: false } },
		discovery: { mdns: { mode: 'off' } },
		cron: { enabled: false }, // no heartbeat agent turns
		logging: { file: join(logsDir, 'openclaw.jsonl') },
		plugins: {
			allow: ['webhooks'],
			slots: { memory: 'none' }, // otherwise memory-core loads too
			entries: { webhooks: { enabled: true, config: { routes: routeConfig } } },
		},
	};
	writeFileSync(configPath, `// generated by test/openclaw/gateway.ts (JSON is valid JSON5)\n${JSON.stringify(config, null, 2)}\n`);

	const env: NodeJS.ProcessEnv = {
		PATH: `${dirname(nodeBin)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
		LANG: process.env.LANG ?? 'C.UTF-8',
		TZ: process.env.TZ,
		TMPDIR: tmpDir, // temp files stay in the run folder (the compile cache is linked, see above)
		HOME: homeDir,
		OPENCLAW_HOME: homeDir,
		OPENCLAW_STATE_DIR: stateDir,
		OPENCLAW_CONFIG_PATH: configPath,
		...secretEnv,
		OPENCLAW_DISABLE_BONJOUR: '1',
		OPENCLAW_NO_RESPAWN: '1', // the PID we keep is the serving process
		OPENCLAW_SKIP_CHANNELS: '1',
		OPENCLAW_NO_AUTO_UPDATE: '1',
		OPENCLAW_EXEC_SHELL_SNAPSHOT: '0',
	};
	if (env.TZ === undefined) delete env.TZ;

	const outPath = join(logsDir, 'gateway.out');
	const outFd = openSync(outPath, 'a');
	const startedAt = Date.now();
	let child: ChildProcess;
	try {
		child = spawn(nodeBin, [openclawEntry, 'gateway', 'run', '--port', String(port), '--bind', 'loopback'], {
			cwd: runDir,
			env,
			stdio: ['ignore', outFd, outFd],
			detached: false,
		});
	} finally {
		closeSync(outFd);
	}
	const pid = child.pid;
	if (pid === undefined) {
		activeRunDirs.delete(runDir);
		const error = await new Promise<Error>((resolve) => child.once('error', resolve));
		throw new Error(`could not start the OpenClaw gateway (${nodeBin}): ${error.message}`);
	}
	writeFileSync(join(runDir, 'gateway.pid'), `${pid}\n`);
	// The test process may exit while the gateway runs (a test that never calls stop): the exit hook
	// below kills it then.
	child.unref();

	let exitInfo: string | undefined;
	child.once('exit', (code, signal) => {
		exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
	});
	const handle: LiveGateway = { pid, stateDir, children: [] };
	live.add(handle);
	onExitOrSignal(killAllNow);
	log(`gateway pid ${pid} on ${baseUrl}, run folder ${runDir}`);

	let stopping: Promise<void> | undefined;
	const stop = (): Promise<void> => {
		stopping ??= (async () => {
			const t0 = Date.now();
			await stopProcess(pid, () => exitInfo !== undefined, handle);
			live.delete(handle);
			removeStateLockFiles(stateDir);
			activeRunDirs.delete(runDir);
			try {
				writeFileSync(join(runDir, 'gateway.pid'), '');
			} catch {
				// run folder removed meanwhile
			}
			log(`gateway pid ${pid} stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s (${exitInfo ?? 'exited'})`);
		})();
		return stopping;
	};

	const timeoutMs = options.startTimeoutMs ?? 120_000;
	try {
		await waitUntilReady({ baseUrl, routes: Object.values(routes), deadline: startedAt + timeoutMs, hasExited: () => exitInfo !== undefined });
	} catch (error) {
		const reason = exitInfo !== undefined ? `the gateway exited during startup (${exitInfo})` : (error as Error).message;
		await stop();
		throw new Error(`OpenClaw gateway did not become ready: ${reason}\n--- last lines of ${outPath} ---\n${tail(outPath, 40)}`);
	}
	log(`gateway ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);

	return { baseUrl, port, pid, routes, stateDir, stop };
}

// ---------------------------------------------------------------------------------------------
// Readiness

async function waitUntilReady(args: { baseUrl: string; routes: GatewayRoute[]; deadline: number; hasExited: () => boolean }): Promise<void> {
	const { baseUrl, deadline, hasExited } = args;
	const check = () => {
		if (hasExited()) throw new Error('exited');
		if (Date.now() > deadline) throw new Error(`timed out (${last})`);
	};
	let last = 'no answer yet';
	// /healthz is not a webhook route: polling it costs nothing from the routes' rate limit.
	for (;;) {
		check();
		const answer = await httpRequest('GET', `${baseUrl}/healthz`, { timeoutMs: 2_000 }).catch((error: Error) => error);
		if (!(answer instanceof Error) && answer.status === 200) break;
		last = answer instanceof Error ? `/healthz: ${answer.message}` : `/healthz: HTTP ${answer.status}`;
		await sleep(250);
	}
	// /readyz turns 200 once startup (sidecars included) has finished; free as well.
	for (;;) {
		check();
		const answer = await httpRequest('GET', `${baseUrl}/readyz`, { timeoutMs: 2_000 }).catch((error: Error) => error);
		if (!(answer instanceof Error) && answer.status === 200) break;
		last = answer instanceof Error ? `/readyz: ${answer.message}` : `/readyz: HTTP ${answer.status} ${answer.body.slice(0, 300)}`;
		await sleep(250);
	}
	// The plugin registers its routes slightly after /healthz turns 200 (404 until then).
	for (const route of args.routes) {
		for (;;) {
			check();
			const t0 = Date.now();
			const answer = await routeAction(route, { action: 'list_flows' }, 5_000).catch((error: Error) => error);
			if (!(answer instanceof Error) && answer.status === 200) break;
			last = `${route.path}: ${answer instanceof Error ? answer.message : `HTTP ${answer.status} ${answer.body.slice(0, 200)}`}`;
			await sleep(Math.max(0, 500 - (Date.now() - t0)));
		}
	}
}

/** One action on a route, sent straight to the gateway with the route's real secret (it counts against the route's rate limit). */
export function routeAction(route: Pick<GatewayRoute, 'url' | 'secret'>, body: object, timeoutMs = 10_000): Promise<HttpAnswer> {
	return httpRequest('POST', route.url, {
		headers: { 'content-type': 'application/json', authorization: `Bearer ${route.secret}` },
		body: JSON.stringify(body),
		timeoutMs,
	});
}

// ---------------------------------------------------------------------------------------------
// Stopping, and the safety nets (process exit, signals, orphans of killed test runs)

interface LiveGateway {
	pid: number;
	stateDir: string;
	children: ProcessId[];
}

interface ProcessId {
	pid: number;
	/** Field 22 of /proc/<pid>/stat: tells a recycled PID apart. */
	startTime: string | undefined;
}

const live = new Set<LiveGateway>();
/** Run folders of this process from creation until their gateway stopped. */
const activeRunDirs = new Set<string>();

function killAllNow(): void {
	for (const gateway of live) {
		for (const kid of [...gateway.children, ...childrenOf(gateway.pid)]) killIfSame(kid);
		try {
			process.kill(gateway.pid, 'SIGKILL');
		} catch {
			// already gone
		}
		removeStateLockFiles(gateway.stateDir); // unlinking files of a dying process is fine
	}
	live.clear();
}


async function stopProcess(pid: number, hasExited: () => boolean, handle: LiveGateway): Promise<void> {
	if (hasExited()) return;
	// The spawn broker and the SQLite reader worker exit with the gateway; recorded anyway so that
	// they can be killed by PID if they do not.
	handle.children = childrenOf(pid);
	try {
		process.kill(pid, 'SIGTERM');
	} catch {
		// already gone
	}
	// An idle gateway stops in 0.2–4 s; one holding a `running` task row drains for 315 s and
	// ignores a second SIGTERM, hence SIGKILL after the grace period. Polling (rather than awaiting
	// the 'exit' event) keeps the event loop alive: the child process handle is unref'ed.
	if (!(await becomesTrue(hasExited, STOP_GRACE_MS, 100))) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// gone meanwhile
		}
		await becomesTrue(hasExited, 10_000, 100);
	}
	await becomesTrue(() => !handle.children.some(isSame), 3_000, 100);
	for (const kid of handle.children) killIfSame(kid);
}

function childrenOf(pid: number): ProcessId[] {
	const pids = new Set<number>();
	try {
		for (const task of readdirSync(`/proc/${pid}/task`)) {
			try {
				for (const kid of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/)) {
					if (kid) pids.add(Number(kid));
				}
			} catch {
				// thread ended meanwhile
			}
		}
	} catch {
		// process gone
	}
	return [...pids].map((kid) => ({ pid: kid, startTime: startTimeOf(kid) }));
}

function startTimeOf(pid: number): string | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the parenthesised command name; starttime is field 22 overall.
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
	} catch {
		return undefined;
	}
}

function isSame(id: ProcessId): boolean {
	const now = startTimeOf(id.pid);
	return now !== undefined && now === id.startTime;
}

function killIfSame(id: ProcessId): void {
	if (!isSame(id)) return;
	try {
		process.kill(id.pid, 'SIGKILL');
	} catch {
		// gone meanwhile
	}
}

/**
 * Housekeeping of `<repo>/.cache/openclaw-run/`: a gateway whose test process was killed (so no
 * exit hook ran) is killed by its recorded PID, after checking from its environment that it is
 * that run's gateway; run folders of finished runs are deleted except the newest few.
 */
function cleanUpOldRuns(log: (line: string) => void): void {
	if (!existsSync(RUN_ROOT)) return;
	const finished: Array<{ dir: string; mtimeMs: number }> = [];
	for (const name of readdirSync(RUN_ROOT)) {
		const dir = join(RUN_ROOT, name);
		let mtimeMs: number;
		try {
			if (!statSync(dir).isDirectory()) continue;
			mtimeMs = statSync(dir).mtimeMs;
		} catch {
			continue;
		}
		const owner = readPid(join(dir, 'owner.pid'));
		const gateway = readPid(join(dir, 'gateway.pid'));
		if (owner === undefined) {
			if (Date.now() - mtimeMs > 10 * 60_000) finished.push({ dir, mtimeMs });
			continue;
		}
		if (isAlive(owner) && owner !== process.pid) continue; // another test process's live run
		if (activeRunDirs.has(dir)) continue; // this process's run that is starting or running
		if (gateway !== undefined && isGatewayOf(gateway, join(dir, 'openclaw.json'))) {
			log(`killing orphaned gateway pid ${gateway} of ${dir}`);
			const kids = childrenOf(gateway);
			try {
				process.kill(gateway, 'SIGKILL');
			} catch {
				// gone meanwhile
			}
			for (const kid of kids) killIfSame(kid);
		}
		removeStateLockFiles(join(dir, 'state'));
		finished.push({ dir, mtimeMs });
	}
	finished.sort((a, b) => b.mtimeMs - a.mtimeMs);
	for (const { dir } of finished.slice(KEEP_FINISHED_RUNS)) rmSync(dir, { recursive: true, force: true });
}

/**
 * openclaw.mjs keys its compile cache folder by `openclaw/<version>/<package.json mtime>-<size>`;
 * folders of earlier installs (after a reinstall) are dead weight of about 40 MB each.
 */
function pruneCompileCache(openclawEntry: string): void {
	try {
		const packageJson = join(dirname(openclawEntry), 'package.json');
		const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
		const stat = statSync(packageJson);
		const current = join(version, `${Math.trunc(stat.mtimeMs)}-${stat.size}`).replace(/[^A-Za-z0-9._/-]+/g, '_');
		const root = join(COMPILE_CACHE_DIR, 'openclaw');
		for (const versionDir of readdirSync(root)) {
			for (const markerDir of readdirSync(join(root, versionDir))) {
				if (join(versionDir, markerDir) !== current) rmSync(join(root, versionDir, markerDir), { recursive: true, force: true });
			}
		}
	} catch {
		// nothing cached yet
	}
}

/**
 * OpenClaw keeps three zero-byte SQLite lifecycle lock files per state database in
 * `/tmp/openclaw-state-locks-<uid>/` (hard-coded, TMPDIR is not used), named
 * `<family>.<first 8 hex of sha256(real path of the database)>.lock.sqlite`. Removed once the
 * gateway has exited, so test runs leave nothing behind in /tmp.
 */
function removeStateLockFiles(stateDir: string): void {
	try {
		const database = realpathSync(join(stateDir, 'state', 'openclaw.sqlite'));
		const hash = createHash('sha256').update(database).digest('hex').slice(0, 8);
		const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
		const lockDir = join('/tmp', uid === undefined ? 'openclaw-state-locks' : `openclaw-state-locks-${uid}`);
		for (const name of readdirSync(lockDir)) {
			if (name.includes(`.${hash}.lock.sqlite`)) rmSync(join(lockDir, name), { force: true });
		}
	} catch {
		// no database (the gateway never got that far) or no lock folder
	}
}

/** The PID in a pid file, if it holds one. */
export function readPid(file: string): number | undefined {
	try {
		const pid = Number(readFileSync(file, 'utf8').trim());
		return Number.isInteger(pid) && pid > 0 ? pid : undefined;
	} catch {
		return undefined;
	}
}

/** Whether `pid` is a gateway started with this config (so that a reused PID is never killed). */
export function isGatewayOf(pid: number, configPath: string): boolean {
	try {
		return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`OPENCLAW_CONFIG_PATH=${configPath}`);
	} catch {
		return false;
	}
}

// ---------------------------------------------------------------------------------------------

/**
 * A port that was free a moment ago on 127.0.0.1 and on ::1 (the gateway listens on both loopback
 * addresses and binds the port right after).
 */
async function freePort(): Promise<number> {
	for (let attempt = 0; ; attempt++) {
		const port = await listenAndClose(0, '127.0.0.1');
		const v6 = await listenAndClose(port, '::1').catch((error: NodeJS.ErrnoException) => error);
		if (typeof v6 === 'number' || v6.code === 'EADDRNOTAVAIL' || v6.code === 'EAFNOSUPPORT' || attempt >= 20) return port;
	}
}

function listenAndClose(port: number, host: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen({ port, host, ipv6Only: host === '::1' }, () => {
			const address = server.address();
			const bound = typeof address === 'object' && address ? address.port : 0;
			server.close(() => (bound ? resolve(bound) : reject(new Error('no port'))));
		});
	});
}

function tail(file: string, lines: number): string {
	try {
		// eslint-disable-next-line no-control-regex
		return readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(-lines).join('\n');
	} catch (error) {
		return `(cannot read: ${(error as Error).message})`;
	}
}
