/**
 * Servers for the end-to-end tests (Redis, PostgreSQL) from Debian's own packages, without
 * installing anything system-wide:
 *
 * 1. `apt-get update` into a private apt state folder (`-o Dir::State=… -o Dir::Cache=…`), so the
 *    machine's package lists are neither needed nor touched (they may lack the security suite);
 * 2. `apt-get download` the packages plus the library packages they need that are not installed on
 *    this machine, and what those need in turn (libc6 is never downloaded);
 * 3. `dpkg -x` each .deb into `<repo>/.cache/<name>/root`; binaries run from there with
 *    `LD_LIBRARY_PATH` pointing at the extracted library folders.
 *
 * The tree is built in a temporary folder and renamed into place when complete, under the same kind
 * of lock as the n8n installs. spawnServer runs such a server as a child owned by the test process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireInstallLock, CACHE_DIR, freshTempDir, moveIntoPlace } from '../test/support/cache';
import { freePort, onExitOrSignal } from '../test/support/processes';
import { becomesTrue } from '../test/support/wait';

type Log = (line: string) => void;

const MARKER = 'installed.json';

export interface DebianTree {
	/** `<repo>/.cache/<name>/root`: the packages' files as `dpkg -x` left them. */
	rootDir: string;
	/** Extracted library folders, `:`-separated (for LD_LIBRARY_PATH); undefined when none were needed. */
	libDir?: string;
}

export interface DebianPackages {
	/** The cache folder's name. */
	name: string;
	/** Resolved when the install starts (e.g. a metapackage's versioned dependency). */
	packages: (apt: (args: string[]) => string) => string[];
	/** The main binary inside the root folder, checked with ldd and run with `--version`. */
	binary: (rootDir: string) => string | undefined;
}

export async function ensureDebianPackages(spec: DebianPackages, log: Log): Promise<DebianTree> {
	const dir = join(CACHE_DIR, spec.name);
	const existing = readTree(dir, spec);
	if (existing) return existing;

	const release = await acquireInstallLock(spec.name, () => readTree(dir, spec) !== undefined, log);
	if (!release) return readTree(dir, spec)!;
	try {
		const t0 = Date.now();
		const tmpDir = freshTempDir(spec.name);
		const debsDir = join(tmpDir, 'debs');
		const rootDir = join(tmpDir, 'root');
		const aptDir = join(tmpDir, 'apt');
		for (const folder of [debsDir, rootDir, join(aptDir, 'state', 'lists', 'partial'), join(aptDir, 'cache', 'archives', 'partial')]) {
			mkdirSync(folder, { recursive: true });
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
		log(`${spec.name}: apt-get update into ${aptDir}`);
		exec('apt-get', [...aptOptions, 'update'], tmpDir);
		const apt = (args: string[]): string => exec('apt-cache', [...aptOptions, ...args], tmpDir);
		const wanted = spec.packages(apt);
		// Libraries this machine lacks are downloaded with the libraries they need in turn.
		const libraries = new Set<string>();
		const missing: string[] = [];
		for (let layer = wanted; layer.length; ) {
			const next = directLibraryDependencies(
				apt(['depends', '--no-recommends', '--no-suggests', '--no-conflicts', '--no-breaks', '--no-replaces', '--no-enhances', ...layer]),
				wanted,
			).filter((name) => !libraries.has(name));
			for (const name of next) libraries.add(name);
			layer = next.filter((name) => !isInstalled(name));
			missing.push(...layer);
		}
		const packages = [...wanted, ...missing];
		log(
			`${spec.name}: apt-get download ${packages.join(' ')} (installed here already: ${[...libraries].filter((name) => !missing.includes(name)).join(' ') || 'none'})`,
		);
		exec('apt-get', [...aptOptions, 'download', ...packages], debsDir);

		const debs = readdirSync(debsDir).filter((name) => name.endsWith('.deb'));
		for (const deb of debs) exec('dpkg-deb', ['-x', join(debsDir, deb), rootDir], tmpDir);
		rmSync(aptDir, { recursive: true, force: true }); // 20 MB of package lists, not needed any more

		const tree = layout(tmpDir);
		const binary = spec.binary(tree.rootDir);
		if (!binary) throw new Error(`${spec.name}: the packages ${packages.join(' ')} hold no main binary`);
		const ldd = exec('ldd', [binary], tmpDir, debianEnv(tree));
		const notFound = ldd.split('\n').filter((row) => row.includes('not found'));
		if (notFound.length) throw new Error(`${binary} still misses libraries:\n${notFound.join('\n')}`);
		const version = exec(binary, ['--version'], tmpDir, debianEnv(tree)).trim();

		writeFileSync(join(tmpDir, MARKER), `${JSON.stringify({ version, debs, installedAt: new Date().toISOString() }, null, 2)}\n`);
		moveIntoPlace(spec.name, tmpDir, dir);
		log(`${spec.name}: ${version} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
		return readTree(dir, spec)!;
	} finally {
		release();
	}
}

/** The environment a binary of the tree runs in. */
export function debianEnv(tree: DebianTree, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...base };
	if (tree.libDir) env.LD_LIBRARY_PATH = [tree.libDir, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
	return env;
}

export function exec(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
	const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
	if (result.status !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} failed (${result.signal ?? `exit ${result.status}`}):\n${(result.stdout + result.stderr).slice(-5_000)}`,
		);
	}
	return result.stdout;
}

export function readTail(path: string, lines = 30): string {
	try {
		return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '(no output)';
	}
}

export function signal(pid: number, name: NodeJS.Signals): void {
	try {
		process.kill(pid, name);
	} catch {
		// already gone
	}
}

function readTree(dir: string, spec: DebianPackages): DebianTree | undefined {
	if (!existsSync(join(dir, MARKER))) return undefined;
	const tree = layout(dir);
	const binary = spec.binary(tree.rootDir);
	return binary && existsSync(binary) ? tree : undefined;
}

function layout(dir: string): DebianTree {
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
	return { rootDir, libDir: libDirs.length ? libDirs.join(':') : undefined };
}

/**
 * `lib*` packages on the `Depends:` lines of `apt-cache depends` (the first of alternatives, i.e.
 * the named one); libc6 is left out: a second C library through LD_LIBRARY_PATH cannot work.
 */
function directLibraryDependencies(apt: string, wanted: string[]): string[] {
	const names = new Set<string>();
	for (const row of apt.split('\n')) {
		const match = /^\s+\|?(?:Pre)?Depends:\s+<?([a-z0-9][a-z0-9+.-]*)/.exec(row);
		if (!match) continue;
		const name = match[1].replace(/:any$/, '');
		if (name.startsWith('lib') && name !== 'libc6' && !wanted.includes(name)) names.add(name);
	}
	return [...names].sort();
}

function isInstalled(name: string): boolean {
	const result = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}\n', name], { encoding: 'utf8' });
	return result.status === 0 && result.stdout.split('\n').some((status) => status.startsWith('ii'));
}

export interface ServerProcess {
	pid: number;
	/** How it ended (`exit code 0`, `signal SIGKILL`), undefined while it runs. */
	exitInfo(): string | undefined;
	/** The stop signal, SIGKILL after the grace time, then its folder goes; idempotent. */
	stop(): Promise<void>;
	/** SIGKILL at once (a crash); the folder stays until stop(). */
	kill(): void;
}

/**
 * Starts a server binary with its output in `logPath`, owned by this process: stopped by its PID,
 * and killed when the test process exits without stopping it. `dir` is removed once it has stopped
 * (and when the test process exits), unless `keepDir`.
 */
export async function spawnServer(options: {
	name: string;
	command: string;
	args: string[];
	env: NodeJS.ProcessEnv;
	dir: string;
	logPath: string;
	stopSignal: NodeJS.Signals;
	graceMs: number;
	log: Log;
	/** Leave `dir` in place on stop (a server started again on the same data). */
	keepDir?: boolean;
}): Promise<ServerProcess> {
	const out = openSync(options.logPath, 'a');
	let child;
	try {
		child = spawn(options.command, options.args, { cwd: options.dir, env: options.env, stdio: ['ignore', out, out] });
	} finally {
		closeSync(out);
	}
	const pid = child.pid;
	if (pid === undefined) {
		const error = await new Promise<Error>((resolvePromise) => child.once('error', resolvePromise));
		throw new Error(`could not start ${options.command}: ${error.message}`);
	}
	const entry = { pid, dir: options.dir, exited: false };
	let exitInfo: string | undefined;
	child.once('exit', (code, signalName) => {
		exitInfo = signalName ? `signal ${signalName}` : `exit code ${code}`;
		entry.exited = true; // its PID may be reused from now on: never signal it again
	});
	// A test that never calls stop() must not keep the test process alive: the exit hook kills it.
	child.unref();
	live.add(entry);
	onExitOrSignal(killAllNow);

	let stopping: Promise<void> | undefined;
	return {
		pid,
		exitInfo: () => exitInfo,
		stop: () => {
			stopping ??= (async () => {
				if (exitInfo === undefined) {
					signal(pid, options.stopSignal);
					if (!(await becomesTrue(() => exitInfo !== undefined, options.graceMs, 50))) {
						signal(pid, 'SIGKILL');
						await becomesTrue(() => exitInfo !== undefined, 5_000, 50);
					}
				}
				live.delete(entry);
				if (!options.keepDir) rmSync(options.dir, { recursive: true, force: true });
				options.log(`${options.name}: pid ${pid} stopped (${exitInfo ?? 'did not report its exit'})`);
			})();
			return stopping;
		},
		kill: () => {
			if (exitInfo === undefined) signal(pid, 'SIGKILL');
		},
	};
}

/** Servers this process started and has not stopped. */
const live = new Set<{ pid: number; dir: string; exited: boolean }>();

function killAllNow(): void {
	for (const { pid, dir, exited } of live) {
		if (!exited) signal(pid, 'SIGKILL');
		rmSync(dir, { recursive: true, force: true });
	}
	live.clear();
}

/**
 * `start` on a free port, up to three times: a free port is found by binding port 0 and closing it,
 * so another process may take it before the server binds it.
 */
export async function onFreePort<T>(name: string, log: Log, start: (port: number) => Promise<T>): Promise<T> {
	let lastError: Error | undefined;
	for (let attempt = 1; attempt <= 3; attempt++) {
		try {
			return await start(await freePort());
		} catch (error) {
			lastError = error as Error;
			log(`${name}: start attempt ${attempt} failed: ${lastError.message.split('\n')[0]}`);
		}
	}
	throw lastError!;
}
