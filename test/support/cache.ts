/**
 * The project-local cache folder (`<repo>/.cache`) and the install lock that the test harnesses
 * (OpenClaw, n8n, Redis) share: a folder made with mkdir (atomic) holding the owner's PID, taken
 * over when its owner is gone, so parallel test processes install each thing once.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
export function removeStaleTemps(name: string): void {
	const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.tmp-(?:old-)?(\\d+)-\\d+$`);
	for (const entry of readdirSync(CACHE_DIR)) {
		const match = pattern.exec(entry);
		if (!match) continue;
		const pid = Number(match[1]);
		if (pid !== process.pid && isAlive(pid)) continue;
		rmSync(join(CACHE_DIR, entry), { recursive: true, force: true });
	}
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
