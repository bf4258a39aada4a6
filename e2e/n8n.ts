/**
 * Real n8n processes for the end-to-end suite: a user folder with the packed package installed the
 * way n8n installs community packages, credentials and workflows imported with n8n's CLI,
 * `n8n execute`, `n8n start`, `n8n worker`; every process started and stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { httpRequest, type HttpAnswer } from '../test/support/http';
import { onExitOrSignal, runToEnd } from '../test/support/processes';
import { waitFor } from '../test/support/wait';
import type { N8nInstall } from './install';

export const PACKAGE_NAME = 'n8n-nodes-coze-openclaw';
export const ENCRYPTION_KEY = 'e2e-encryption-key-not-a-secret-0001';

export interface N8nSetup {
	install: N8nInstall;
	/** N8N_USER_FOLDER: n8n keeps its data in `<userFolder>/.n8n`. */
	userFolder: string;
	logDir: string;
	/** PostgreSQL instead of the user folder's SQLite file. */
	postgres?: PostgresDatabase;
	/** N8N_ENCRYPTION_KEY, and with it n8n's instance ID (ENCRYPTION_KEY unless given). */
	encryptionKey?: string;
}

export interface PostgresDatabase {
	host: string;
	port: number;
	user: string;
	database: string;
}

/**
 * The same n8n on a PostgreSQL database (its migrations run at the first command), in a user folder
 * of its own, `<userFolder>-<name>`, with the package copied in. Not the shared one: n8n keeps its
 * event log there, and a process starting on another database would "recover" executions of that
 * one's log under the same IDs (a worker marked a fresh database's execution 1 crashed).
 */
export function onPostgres(setup: N8nSetup, postgres: PostgresDatabase, name: string): N8nSetup {
	const root = `${setup.userFolder}-${name}`;
	rmSync(root, { recursive: true, force: true });
	const nodes = join('.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	cpSync(join(setup.userFolder, nodes), join(root, nodes), { recursive: true });
	const logDir = join(root, 'logs');
	mkdirSync(logDir, { recursive: true });
	// A database of its own is an installation of its own: its own key, so its own n8n instance ID.
	const encryptionKey = `${ENCRYPTION_KEY}-${name}`;
	return { install: setup.install, userFolder: root, logDir, encryptionKey, postgres: { host: postgres.host, port: postgres.port, user: postgres.user, database: postgres.database } };
}

/** A fresh user folder with the packed package extracted to `.n8n/nodes/node_modules/<name>`, as a real install would. */
export async function prepareUserFolder(install: N8nInstall, root: string, tarball: string): Promise<N8nSetup> {
	rmSync(root, { recursive: true, force: true });
	const nodes = join(root, '.n8n', 'nodes', 'node_modules');
	mkdirSync(nodes, { recursive: true });
	const unpack = join(root, 'unpack');
	mkdirSync(unpack, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', unpack]);
	renameSync(join(unpack, 'package'), join(nodes, PACKAGE_NAME));
	rmSync(unpack, { recursive: true, force: true });
	const logDir = join(root, 'logs');
	mkdirSync(logDir, { recursive: true });
	return { install, userFolder: root, logDir };
}

export interface ProcessOptions {
	port?: number;
	brokerPort?: number;
	env?: Record<string, string>;
}

export function n8nEnv(setup: N8nSetup, options: ProcessOptions = {}): NodeJS.ProcessEnv {
	const { install } = setup;
	const env: NodeJS.ProcessEnv = {
		PATH: `${dirname(install.nodeBin)}:${process.env.PATH ?? ''}`,
		HOME: setup.userFolder,
		TMPDIR: process.env.TMPDIR ?? '/tmp',
		N8N_USER_FOLDER: setup.userFolder,
		...databaseEnv(setup),
		N8N_ENCRYPTION_KEY: setup.encryptionKey ?? ENCRYPTION_KEY,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(options.port ?? 5678),
		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort ?? 5679),
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_LEVEL: 'info',
		// 1.x on Node 20 has no isolated-vm build; on 2.x the vm engine sometimes crashed at exit.
		N8N_EXPRESSION_ENGINE: 'legacy',
		...(install.line === 'v2' ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
		...options.env,
	};
	return env;
}

function databaseEnv(setup: N8nSetup): Record<string, string> {
	const pg = setup.postgres;
	if (!pg) return { DB_TYPE: 'sqlite' };
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.host,
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_DATABASE: pg.database,
		// The test cluster trusts local connections; n8n still wants a value.
		DB_POSTGRESDB_PASSWORD: 'not-checked',
	};
}

/** What read-executions.cjs reads: the SQLite file, or the PostgreSQL database's URL. */
function databaseLocation(setup: N8nSetup): string {
	const pg = setup.postgres;
	return pg ? `postgres://${pg.user}@${pg.host}:${pg.port}/${pg.database}` : join(setup.userFolder, '.n8n', 'database.sqlite');
}

async function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<{ code: number; output: string }> {
	const result = await runToEnd(command, args, options);
	return { code: result.code ?? 1, output: result.output };
}

/** One n8n CLI command to completion; its output goes to `<logDir>/<name>.log`. */
export async function n8nCommand(setup: N8nSetup, name: string, args: string[], options: ProcessOptions = {}): Promise<{ code: number; output: string }> {
	const result = await run(setup.install.nodeBin, [setup.install.n8nBin, ...args], { env: n8nEnv(setup, options), cwd: setup.userFolder });
	writeFileSync(join(setup.logDir, `${name}.log`), result.output);
	return result;
}

export async function importAll(setup: N8nSetup, credentials: object[], workflowFiles: string[]): Promise<void> {
	const credentialsFile = join(setup.userFolder, 'credentials.json');
	writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
	const imported = await n8nCommand(setup, 'import-credentials', ['import:credentials', `--input=${credentialsFile}`]);
	// The file holds secrets in plain text: n8n has them encrypted now.
	rmSync(credentialsFile);
	if (imported.code !== 0) throw new Error(`n8n import:credentials failed:\n${imported.output.slice(-2000)}`);
	const dir = join(setup.userFolder, 'workflows');
	mkdirSync(dir, { recursive: true });
	for (const file of workflowFiles) writeFileSync(join(dir, file.split('/').pop()!), readFileSync(file));
	const workflows = await n8nCommand(setup, 'import-workflows', ['import:workflow', '--separate', `--input=${dir}`]);
	if (workflows.code !== 0) throw new Error(`n8n import:workflow failed:\n${workflows.output.slice(-2000)}`);
}

/** Activates a workflow for the next `n8n start` (2.x: publish; 1.x: update --active). */
export async function activate(setup: N8nSetup, workflowId: string): Promise<void> {
	const args = setup.install.line === 'v2' ? ['publish:workflow', `--id=${workflowId}`] : ['update:workflow', `--id=${workflowId}`, '--active=true'];
	const result = await n8nCommand(setup, `activate-${workflowId}`, args);
	if (result.code !== 0) throw new Error(`activating ${workflowId} failed:\n${result.output.slice(-2000)}`);
}

/** `n8n execute --id`: the execution JSON that n8n prints through its logger. */
export async function execute(setup: N8nSetup, workflowId: string, options: ProcessOptions = {}): Promise<{ code: number; execution: ExecutionJson | undefined; output: string }> {
	const result = await n8nCommand(setup, `execute-${workflowId}`, ['execute', `--id=${workflowId}`, '--rawOutput'], options);
	const match = /^\{\n[\s\S]*?^\}$/m.exec(result.output);
	return { code: result.code, execution: match ? (JSON.parse(match[0]) as ExecutionJson) : undefined, output: result.output };
}

export interface ExecutionJson {
	status: string;
	data: { resultData: { runData: Record<string, Array<{ data?: { main?: Array<Array<{ json: Record<string, unknown> }>> } }>>; error?: { message: string } } };
}

export interface RunningN8n {
	name: string;
	pid: number;
	port: number;
	logFile: string;
	log(): string;
	stop(): Promise<void>;
	/** SIGKILL at once (a crash); stop() still waits for its exit. */
	kill(): void;
}

const live = new Set<ChildProcess>();
onExitOrSignal(() => {
	// A child that died of a signal has exitCode null too: only one still running is killed.
	for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** n8n registers the active workflows' webhooks after it says it is ready. */
export async function servesPost(process: RunningN8n, path: string): Promise<void> {
	await waitFor(`${process.name} to serve /${path}`, 180_000, async () => {
		const answer = await httpRequest('GET', `http://127.0.0.1:${process.port}/${path}`, { timeoutMs: 2_000 }).catch(() => undefined);
		// Registered for POST, a GET is answered 404 "… Did you mean to make a POST request?". While
		// it starts it answers 200 "n8n is starting up", then a plain 404, which mean nothing yet.
		return answer?.status === 404 && answer.body.includes('Did you mean') ? true : undefined;
	}, 500);
}

/** Starts a long-running n8n process (`start`, `worker`); stop() sends SIGTERM, then SIGKILL after 20 s. */
export async function startProcess(setup: N8nSetup, name: string, args: string[], options: ProcessOptions & { port: number }): Promise<RunningN8n> {
	const logFile = join(setup.logDir, `${name}.log`);
	const out = createWriteStream(logFile);
	const child = spawn(setup.install.nodeBin, [setup.install.n8nBin, ...args], {
		env: n8nEnv(setup, options),
		cwd: setup.userFolder,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	live.add(child);
	child.stdout!.pipe(out);
	child.stderr!.pipe(out);
	const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
	return {
		name,
		pid: child.pid!,
		port: options.port,
		logFile,
		log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
		kill: () => {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		},
		stop: async () => {
			if (child.exitCode !== null || child.signalCode !== null) {
				live.delete(child);
				return;
			}
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
			await exited;
			clearTimeout(timer);
			live.delete(child);
		},
	};
}

export interface ExecutionRow {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	/** ISO times; waitTill is set while the execution waits. */
	startedAt: string | null;
	stoppedAt: string | null;
	waitTill: string | null;
	lastNode: string | null;
	json: Array<Record<string, unknown>> | null;
	error: string | null;
	/** Each node's runs: the items of output 0 of each run (null when it gave none). */
	runs: Record<string, Array<Array<Record<string, unknown>> | null>>;
	/** The first input item of the next node to run (a new or running execution's trigger item). */
	stacked: Record<string, unknown> | null;
}

export async function readExecutions(setup: N8nSetup, workflowId?: string): Promise<ExecutionRow[]> {
	const args = [join(__dirname, 'read-executions.cjs'), databaseLocation(setup), join(setup.install.dir, 'node_modules'), ...(workflowId ? [workflowId] : [])];
	const result = await run(setup.install.nodeBin, args, { env: { ...process.env, NODE_NO_WARNINGS: '1' } });
	if (result.code !== 0) throw new Error(`reading executions failed: ${result.output.slice(-1000)}`);
	return JSON.parse(result.output.slice(result.output.indexOf('['))) as ExecutionRow[];
}

/** A workflow's static data as stored in the database (e.g. what a polling trigger remembers). */
export async function readStaticData(setup: N8nSetup, workflowId: string): Promise<Record<string, unknown> | null> {
	const args = [join(__dirname, 'read-executions.cjs'), databaseLocation(setup), join(setup.install.dir, 'node_modules'), workflowId, '--static'];
	const result = await run(setup.install.nodeBin, args, { env: { ...process.env, NODE_NO_WARNINGS: '1' } });
	if (result.code !== 0) throw new Error(`reading static data failed: ${result.output.slice(-1000)}`);
	return JSON.parse(result.output.trim() || 'null') as Record<string, unknown> | null;
}

/**
 * POSTs JSON to a webhook of an active workflow. n8n registers the webhooks of active workflows one by
 * one after it says it is ready: a 404 "not registered" starts nothing, so it is asked again.
 */
export async function webhookRequest(url: string, body: string): Promise<HttpAnswer> {
	return await waitFor(`${url} to be registered`, 60_000, async () => {
		const answer = await httpRequest('POST', url, { headers: { 'content-type': 'application/json' }, body });
		return answer.status === 404 && answer.body.includes('is not registered') ? undefined : answer;
	}, 500);
}

/** One line of n8n's streamed response (NDJSON), with when its piece arrived (ms since the request). */
export interface StreamedChunk {
	at: number;
	type: string;
	content?: string;
	metadata?: { nodeId: string; nodeName: string; itemIndex: number; runIndex: number };
}

/** The chunks of a streaming Webhook's or Chat Trigger's response, in order. */
export function streamedChunks(answer: HttpAnswer): StreamedChunk[] {
	const chunks: StreamedChunk[] = [];
	let buffered = '';
	for (const piece of answer.pieces) {
		buffered += piece.text;
		let newline;
		while ((newline = buffered.indexOf('\n')) >= 0) {
			const line = buffered.slice(0, newline).trim();
			buffered = buffered.slice(newline + 1);
			if (line) chunks.push({ at: piece.at, ...(JSON.parse(line) as Omit<StreamedChunk, 'at'>) });
		}
	}
	if (buffered.trim()) chunks.push({ at: answer.totalMs, ...(JSON.parse(buffered) as Omit<StreamedChunk, 'at'>) });
	return chunks;
}
