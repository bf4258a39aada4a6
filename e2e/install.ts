/**
 * Installs a real n8n for the end-to-end tests, project-locally and only when needed:
 *
 * - `v2`: n8n 2.41.1 (needs Node >= 24) from `e2e/n8n-v2/package-lock.json`, run with the project's
 *   Node 24 (`ensureNode24` in `test/openclaw/install.ts`);
 * - `v1`: n8n 1.123.81 from `e2e/n8n-v1/package-lock.json`, run with the Node running this code.
 *
 * The lockfile is copied into `<repo>/.cache/n8n-<line>/` and installed with `npm ci --ignore-scripts`
 * (an install script of `@confluentinc/kafka-javascript` fails without GitHub access and would roll
 * back the whole install), then only the native addons the tests need are built: sqlite3, and for
 * v2 isolated-vm. A marker file holds a hash of package.json + package-lock.json: the install is
 * redone only when they change. The install goes into a temporary folder that is renamed into
 * place, under a lock folder, so parallel test processes install once and never see half a tree.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureNode24 } from '../test/openclaw/install';
import { acquireInstallLock, CACHE_DIR, freshTempDir, moveIntoPlace, NPM_BEFORE, npmEnv, REPO_ROOT, runCommand as run } from '../test/support/cache';

export type N8nLine = 'v2' | 'v1';

export interface N8nInstall {
	line: N8nLine;
	/** `<repo>/.cache/n8n-<line>` (holds package.json, package-lock.json and node_modules). */
	dir: string;
	/** `<dir>/node_modules/n8n/bin/n8n`: run it as `<nodeBin> <n8nBin> <command>`. */
	n8nBin: string;
	/** Node 24 for v2, `process.execPath` for v1. */
	nodeBin: string;
	/** What `n8n --version` printed, e.g. `2.41.1`. */
	version: string;
}

type Log = (line: string) => void;

/** Bump when the install steps change, so existing installs are redone. */
const RECIPE = 'npm ci --ignore-scripts; npm rebuild <addons> --foreground-scripts; 1';
const MARKER = '.e2e-install.json';
/** Native addons built after `npm ci --ignore-scripts`, per line. */
const NATIVE_ADDONS: Record<N8nLine, string[]> = {
	// isolated-vm ships prebuilds for Node 24 (abi137); sqlite3 is compiled when GitHub is unreachable.
	v2: ['sqlite3', 'isolated-vm'],
	// isolated-vm 6.x has no Node 20 prebuild (and wants Node >= 22): run v1 with N8N_EXPRESSION_ENGINE=legacy.
	v1: ['sqlite3'],
};

export async function ensureN8n(line: N8nLine, options: { log?: Log } = {}): Promise<N8nInstall> {
	const log = options.log ?? (() => {});
	if (line !== 'v2' && line !== 'v1') throw new Error(`unknown n8n line ${String(line)}`);
	const nodeBin = line === 'v2' ? await ensureNode24({ log }) : process.execPath;
	const sourceDir = join(REPO_ROOT, 'e2e', `n8n-${line}`);
	const packageJson = readFileSync(join(sourceDir, 'package.json'), 'utf8');
	const packageLock = readFileSync(join(sourceDir, 'package-lock.json'), 'utf8');
	const hash = createHash('sha256').update(RECIPE).update('\0').update(packageJson).update('\0').update(packageLock).digest('hex');
	const name = `n8n-${line}`;
	const dir = join(CACHE_DIR, name);
	const n8nBin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const result = (version: string): N8nInstall => ({ line, dir, n8nBin, nodeBin, version });

	const installed = () => readMarker(dir)?.hash === hash && existsSync(n8nBin);
	if (installed()) return result(await n8nVersion(nodeBin, n8nBin));

	const release = await acquireInstallLock(name, installed, log);
	if (!release) return result(await n8nVersion(nodeBin, n8nBin)); // another process installed it meanwhile
	try {
		const tmpDir = freshTempDir(name);
		writeFileSync(join(tmpDir, 'package.json'), packageJson);
		writeFileSync(join(tmpDir, 'package-lock.json'), packageLock);
		// Own .npmrc: npm's local prefix is this folder, so it never reads the repository's .npmrc.
		writeFileSync(join(tmpDir, '.npmrc'), `before=${NPM_BEFORE}\n`);

		const env = npmEnvFor(nodeBin);
		const t0 = Date.now();
		log(`${name}: npm ci into ${tmpDir} (node ${nodeBin}; a cold install takes minutes)`);
		await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--no-update-notifier'], tmpDir, env);
		log(`${name}: npm ci done in ${seconds(t0)}`);
		const t1 = Date.now();
		await run('npm', ['rebuild', ...NATIVE_ADDONS[line], '--foreground-scripts', '--no-update-notifier'], tmpDir, env);
		log(`${name}: npm rebuild ${NATIVE_ADDONS[line].join(' ')} done in ${seconds(t1)}`);
		if (!existsSync(join(tmpDir, 'node_modules', 'n8n', 'bin', 'n8n')))
			throw new Error(`npm ci finished but node_modules/n8n/bin/n8n is missing in ${tmpDir}`);

		moveIntoPlace(name, tmpDir, dir); // an older install (other lockfile) or an incomplete one is replaced
		const version = await n8nVersion(nodeBin, n8nBin);
		const expected = (JSON.parse(packageJson) as { dependencies: Record<string, string> }).dependencies.n8n;
		if (version !== expected) throw new Error(`${n8nBin} --version printed ${version}, expected ${expected}`);
		// `n8n --version` only reads package.json: also load the native addons with the Node that runs n8n.
		const load = NATIVE_ADDONS[line].map((addon) => `require(${JSON.stringify(addon)});`).join(' ');
		await run(nodeBin, ['-e', load], dir, env);
		writeFileSync(join(dir, MARKER), `${JSON.stringify({ hash, version, nodeBin, installedAt: new Date().toISOString() }, null, 2)}\n`);
		log(`${name}: n8n ${version} installed in ${seconds(t0)}`);
		return result(version);
	} finally {
		release();
	}
}

function readMarker(dir: string): { hash?: string } | undefined {
	try {
		return JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as { hash?: string };
	} catch {
		return undefined;
	}
}

/** `<nodeBin> <n8nBin> --version`, e.g. `2.41.1` (n8n answers it from its package.json, in about 50 ms). */
async function n8nVersion(nodeBin: string, n8nBin: string): Promise<string> {
	const env: NodeJS.ProcessEnv = { ...process.env, N8N_DIAGNOSTICS_ENABLED: 'false', NODE_DISABLE_COMPILE_CACHE: '1' };
	delete env.NODE_OPTIONS;
	const output = await run(nodeBin, [n8nBin, '--version'], dirname(n8nBin), env);
	const match = /^(\d+\.\d+\.\d+\S*)\s*$/m.exec(output);
	if (!match) throw new Error(`${nodeBin} ${n8nBin} --version printed no version:\n${output}`);
	return match[1];
}

/**
 * npm's environment for an install run under `nodeBin`, with node-gyp compiling against that
 * Node's own headers: the machine's `~/.npmrc` may say `nodedir=/usr`, the system Node's headers.
 */
function npmEnvFor(nodeBin: string): NodeJS.ProcessEnv {
	const env = npmEnv(dirname(nodeBin));
	const prefix = dirname(dirname(nodeBin));
	if (existsSync(join(prefix, 'include', 'node', 'node.h'))) env.npm_config_nodedir = prefix;
	return env;
}

function seconds(since: number): string {
	return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
