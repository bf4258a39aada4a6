/**
 * The project-local cache folder (`<repo>/.cache`) and how the test harnesses (OpenClaw, n8n,
 * Redis) install into it: under a lock folder made with mkdir (atomic) holding the owner's PID,
 * taken over when its owner is gone, into a temporary folder that is renamed into place when
 * complete. Parallel test processes so install each thing once and never see half a tree.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { runToEnd } from './processes';

export const REPO_ROOT = resolve(__dirname, '../..');
export const CACHE_DIR = join(REPO_ROOT, '.cache');

type Log = (line: string) => void;

const LOCK_WAIT_MS = 30 * 60_000;

/**
 * Takes `<repo>/.cache/<name>.install-lock`. Resolves a release function, or `undefined` when
 * `isDone()` turned true while another process held the lock (nothing left to do).
 */
export async function acquireInstallLock(name: string, isDone: () => boolean, log: Log): Promise<(() => void) | undefined> {
	mkdirSync(CACHE_DIR, { recursive: true });
	const lockDir = join(CACHE_DIR, `${name}.install-lock`);
	const deadline = Date.now() + LOCK_WAIT_MS;
	let announced = false;
	for (;;) {
		try {
			mkdirSync(lockDir);
			writeFileSync(join(lockDir, 'owner'), `${process.pid}\n`);
			if (isDone()) {
				rmSync(lockDir, { recursive: true, force: true });
				return undefined;
			}
			return () => rmSync(lockDir, { recursive: true, force: true });
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		if (isDone()) return undefined;
		if (lockIsStale(lockDir)) {
			rmSync(lockDir, { recursive: true, force: true });
			continue;
		}
		if (!announced) {
			log(`waiting for another process installing ${name} (${lockDir})`);
			announced = true;
		}
		if (Date.now() > deadline) throw new Error(`timed out waiting for the install lock ${lockDir}`);
		await new Promise((resolvePromise) => setTimeout(resolvePromise, 500));
	}
}

function lockIsStale(lockDir: string): boolean {
	try {
		const owner = Number(readFileSync(join(lockDir, 'owner'), 'utf8').trim());
		if (!Number.isInteger(owner) || owner <= 0) return ageMs(lockDir) > 10_000;
		return !isAlive(owner);
	} catch {
		// No owner file yet: the holder is between mkdir and writeFile, unless it died right there.
		return ageMs(lockDir) > 10_000;
	}
}

/** Deletes `<repo>/.cache/<name>.tmp-<pid>-<time>` folders of processes that no longer exist. */
function removeStaleTemps(name: string): void {
	const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.tmp-(?:old-)?(\\d+)-\\d+$`);
	for (const entry of readdirSync(CACHE_DIR)) {
		const match = pattern.exec(entry);
		if (!match) continue;
		const pid = Number(match[1]);
		if (pid !== process.pid && isAlive(pid)) continue;
		rmSync(join(CACHE_DIR, entry), { recursive: true, force: true });
	}
}

/**
 * A new `<repo>/.cache/<name>.tmp-<pid>-<time>` folder to build an install in (call it while
 * holding the lock); those of processes that died are deleted first.
 */
export function freshTempDir(name: string): string {
	removeStaleTemps(name);
	const tmpDir = join(CACHE_DIR, `${name}.tmp-${process.pid}-${Date.now()}`);
	mkdirSync(tmpDir, { recursive: true });
	return tmpDir;
}

/**
 * Renames a complete install into place. A folder already there (an older or incomplete install)
 * is moved aside and deleted first, rather than mixing two trees.
 */
export function moveIntoPlace(name: string, tmpDir: string, finalDir: string): void {
	if (existsSync(finalDir)) {
		const aside = join(CACHE_DIR, `${name}.tmp-old-${process.pid}-${Date.now()}`);
		renameSync(finalDir, aside);
		rmSync(aside, { recursive: true, force: true });
	}
	renameSync(tmpDir, finalDir);
}

function ageMs(path: string): number {
	try {
		return Date.now() - statSync(path).mtimeMs;
	} catch {
		return Number.POSITIVE_INFINITY;
	}
}

export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Runs a command; resolves its output (stdout + stderr, last 20 000 characters), rejects on failure. */
export async function runCommand(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
	const { code, signal, output } = await runToEnd(command, args, { cwd, env, keepChars: 20_000 });
	if (code !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed (${signal ?? `exit ${code}`}):\n${output}`);
	return output;
}

// ---------------------------------------------------------------------------------------------
// npm

/**
 * The `before` date the repository's `.npmrc` pins, for the installs into the cache: each runs in
 * a folder with its own package.json and `.npmrc`, so npm does not read the repository's.
 */
export const NPM_BEFORE = '2026-09-26T12:00:00Z';

const KEEP_NPM_ENV = new Set(
	['registry', 'cache', 'userconfig', 'globalconfig', 'cafile', 'ca', 'proxy', 'https_proxy', 'noproxy', 'strict_ssl'].map((key) => `npm_config_${key}`),
);

/**
 * The environment npm runs in for an install into the cache. A surrounding `npm test` exports its
 * settings as npm_* variables (prefix, local_prefix, loglevel=silent, …): only those about reaching
 * the registry are kept. `binDir` goes first on PATH, so that npm (a `#!/usr/bin/env node` script)
 * and what it runs use that folder's Node.
 */
export function npmEnv(binDir?: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env };
	for (const key of Object.keys(env)) {
		if (/^npm_/i.test(key) && !KEEP_NPM_ENV.has(key.toLowerCase())) delete env[key];
	}
	delete env.NODE_OPTIONS;
	// npm 11 under Node 24 would otherwise leave a compile cache in /tmp/node-compile-cache.
	env.NODE_DISABLE_COMPILE_CACHE = '1';
	if (binDir) env.PATH = `${binDir}:${env.PATH ?? ''}`;
	return env;
}

export interface PackageInstall {
	/** `<repo>/.cache/<name>` is where it goes; also names the lock and the temporary folders. */
	name: string;
	/** npm package spec, e.g. `openclaw@2026.9.6`. */
	spec: string;
	/** A file (path parts below the install folder) whose presence means the install is complete. */
	marker: string[];
	/** Folder put first on PATH while npm runs (see `npmEnv`). */
	binDir?: string;
	log: Log;
}

/** Installs one npm package into `<repo>/.cache/<name>/`, once; resolves that folder. */
export async function installPackageOnce(job: PackageInstall): Promise<string> {
	const finalDir = join(CACHE_DIR, job.name);
	const markerIn = (dir: string) => join(dir, ...job.marker);
	if (existsSync(markerIn(finalDir))) return finalDir;

	const release = await acquireInstallLock(job.name, () => existsSync(markerIn(finalDir)), job.log);
	if (!release) return finalDir; // another process installed it meanwhile
	try {
		if (existsSync(markerIn(finalDir))) return finalDir; // another process installed it meanwhile
		const tmpDir = freshTempDir(job.name);
		// Own package.json and .npmrc: npm's local prefix is this folder, so it neither walks up to the
		// repository's package.json nor reads the repository's .npmrc.
		writeFileSync(
			join(tmpDir, 'package.json'),
			`${JSON.stringify({ name: `n8n-nodes-coze-openclaw-test-${job.name}`, private: true, description: 'generated by test/support/cache.ts' }, null, 2)}\n`,
		);
		writeFileSync(join(tmpDir, '.npmrc'), `before=${NPM_BEFORE}\n`);
		const started = Date.now();
		job.log(`installing ${job.spec} into ${finalDir}`);
		await runCommand(
			'npm',
			['install', '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', '--no-update-notifier', `--before=${NPM_BEFORE}`, '--prefix', tmpDir, job.spec],
			tmpDir,
			npmEnv(job.binDir),
		);
		if (!existsSync(markerIn(tmpDir))) throw new Error(`npm install ${job.spec} finished but ${join(...job.marker)} is missing in ${tmpDir}`);
		if (existsSync(markerIn(finalDir))) {
			// Only possible if two processes both took over a stale lock: keep the first install.
			rmSync(tmpDir, { recursive: true, force: true });
			return finalDir;
		}
		moveIntoPlace(job.name, tmpDir, finalDir);
		job.log(`installed ${job.spec} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		return finalDir;
	} finally {
		release();
	}
}
