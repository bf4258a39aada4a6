/**
 * n8n's queue mode on its supported stack: PostgreSQL and Redis from Debian's packages, a main
 * process, two workers and a webhook process (`n8n webhook`), the package installed in the one user
 * folder they share. Calls arrive at the webhook process, which enqueues them; the workers run a
 * Coze stream run and a Hand Off to the real gateway for each. Counted on the emulator and the gateway.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { runPool } from '../nodes/shared/itemRunner';
import type { CozeEmulator } from '../test/emulator';
import { httpRequest } from '../test/support/http';
import { freePort } from '../test/support/processes';
import { waitFor } from '../test/support/wait';
import { check } from './checks';
import { activate, importAll, onPostgres, readExecutions, startProcess, type N8nSetup, type RunningN8n } from './n8n';
import { startPostgres } from './postgres';
import { startRedis } from './redis';

/** Calls in the load; two workers of five each take ten at a time. */
export const QUEUE_CALLS = Number(process.env.E2E_QUEUE_CALLS ?? 300);
const CALLERS = 20;
const WORKER_CONCURRENCY = 5;

export const QUEUE_NAMES = {
	load: `Queue mode on Postgres: main + 2 workers + a webhook process, ${QUEUE_CALLS} calls to the webhook process, each a Coze stream run and a Hand Off to the gateway`,
};

const WORKFLOW_ID = 'queueStreamHand1';
const WEBHOOK_PATH = 'e2e-queue-stream-hand-off';
/** The workflow the emulator runs for each call (streams a few chunks). */
const COZE_WORKFLOW = '7400000000000000011';

export interface QueueContext {
	setup: N8nSetup;
	/** The credentials the SQLite user folder got (n8n encrypts them again for PostgreSQL). */
	credentials: object[];
	emu: CozeEmulator;
	/** The flows the line's gateway route holds. */
	gatewayFlows: () => Promise<Array<Record<string, unknown>>>;
	cacheDir: string;
	log: (line: string) => void;
}

/** Webhook (answers at once) → Coze Workflow (stream) → OpenClaw TaskFlow (Hand Off keyed by the Coze run). */
function streamHandOffWorkflow(cozeCredential: string, openClawCredential: string): object {
	const body = "$('Webhook').item.json.body";
	return {
		id: WORKFLOW_ID,
		name: 'e2e: Webhook → Coze Workflow (stream) → OpenClaw Hand Off, in queue mode',
		nodes: [
			{
				id: '7d1a0c50-0000-4000-8000-000000000001',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'onReceived', options: {} },
				webhookId: '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a51',
			},
			{
				id: '7d1a0c50-0000-4000-8000-000000000002',
				name: 'Coze Workflow',
				type: 'n8n-nodes-coze-openclaw.cozeWorkflow',
				typeVersion: 1.1,
				position: [240, 0],
				parameters: {
					authentication: 'accessToken',
					operation: 'run',
					workflowId: { __rl: true, mode: 'id', value: COZE_WORKFLOW },
					mode: 'stream',
					inputMode: 'json',
					parametersJson: `={{ JSON.stringify({ question: 'queue ' + ${body}.tag + ' ' + ${body}.n }) }}`,
					options: {},
				},
				credentials: { cozeAccessTokenApi: { id: cozeCredential, name: 'Coze emulator' } },
			},
			{
				id: '7d1a0c50-0000-4000-8000-000000000003',
				name: 'OpenClaw TaskFlow',
				type: 'n8n-nodes-coze-openclaw.openClawTaskFlow',
				typeVersion: 1,
				position: [480, 0],
				parameters: {
					operation: 'handOff',
					goal: `={{ 'e2e queue ' + ${body}.tag + ' call ' + ${body}.n + ': review run ' + $json.executeId }}`,
					idempotencyKey: '={{ $json.executeId }}',
					result: '={{ $json.output }}',
					executeId: '={{ $json.executeId }}',
					addTask: false,
					thenWait: false,
					handOffFields: {},
					// Two workers share the route's 120 requests a minute, each unaware of the other's:
					// a request may wait several windows for its turn.
					options: { rateLimitMaxWait: 900 },
				},
				credentials: { openClawWebhookApi: { id: openClawCredential, name: 'OpenClaw local gateway' } },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Coze Workflow', type: 'main', index: 0 }]] },
			'Coze Workflow': { main: [[{ node: 'OpenClaw TaskFlow', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

export async function queueOnPostgres(ctx: QueueContext): Promise<string> {
	const postgres = await startPostgres({ log: ctx.log });
	const redis = await startRedis({ log: ctx.log });
	const processes: RunningN8n[] = [];
	try {
		const setup = onPostgres(ctx.setup, postgres);
		const file = join(ctx.cacheDir, 'queue-stream-hand-off.json');
		writeFileSync(file, JSON.stringify(streamHandOffWorkflow('cozeEmulatorToken', 'openClawLocalGw01')));
		const migrated = Date.now();
		await importAll(setup, ctx.credentials, [file]);
		await activate(setup, WORKFLOW_ID);
		ctx.log(`queue: n8n migrated PostgreSQL and imported the workflow in ${((Date.now() - migrated) / 1000).toFixed(1)} s`);

		const webhookPort = await freePort();
		const queueEnv = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			// Workers build $execution.resumeUrl from it; the webhook process serves production URLs.
			WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/`,
			N8N_LOG_LEVEL: 'debug',
		};
		const main = await startProcess(setup, 'pg-queue-main', ['start'], { port: await freePort(), brokerPort: await freePort(), env: queueEnv });
		processes.push(main);
		await waitFor('the main process to answer /healthz', 120_000, async () => {
			const answer = await httpRequest('GET', `http://127.0.0.1:${main.port}/healthz`, { timeoutMs: 2_000 }).catch(() => undefined);
			return answer?.status === 200 ? true : undefined;
		}, 500);
		const workers: RunningN8n[] = [];
		for (const name of ['pg-queue-worker-1', 'pg-queue-worker-2']) {
			const port = await freePort();
			const worker = await startProcess(setup, name, ['worker', `--concurrency=${WORKER_CONCURRENCY}`], {
				port,
				brokerPort: await freePort(),
				env: { ...queueEnv, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port) },
			});
			workers.push(worker);
			processes.push(worker);
		}
		const webhook = await startProcess(setup, 'pg-queue-webhook', ['webhook'], { port: webhookPort, brokerPort: await freePort(), env: queueEnv });
		processes.push(webhook);
		for (const worker of workers) {
			await waitFor(`${worker.name} to answer /healthz`, 120_000, async () => {
				const answer = await httpRequest('GET', `http://127.0.0.1:${worker.port}/healthz`, { timeoutMs: 2_000 }).catch(() => undefined);
				return answer?.status === 200 ? true : undefined;
			}, 500);
		}

		const tag = `q${Date.now().toString(36)}`;
		const runsBefore = ctx.emu.runsStarted(COZE_WORKFLOW);
		const url = `http://127.0.0.1:${webhookPort}/webhook/${WEBHOOK_PATH}`;
		// The webhook process registers the active workflow's webhook after it says it is ready.
		await waitFor('the webhook process to serve the workflow', 120_000, async () => {
			const answer = await httpRequest('GET', url, { timeoutMs: 2_000 }).catch(() => undefined);
			// Registered for POST, a GET is answered 404 "… Did you mean to make a POST request?".
			return answer && (answer.status !== 404 || answer.body.includes('Did you mean')) ? true : undefined;
		}, 500);
		const started = Date.now();
		const responses = await runPool(QUEUE_CALLS, CALLERS, async (n) =>
			await httpRequest('POST', url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tag, n }) }),
		);
		const refused = responses.filter((r) => r.status !== 200);
		check(refused.length === 0, `${refused.length} calls refused: ${refused.slice(0, 3).map((r) => `${r.status} ${r.body.slice(0, 120)}`).join(' | ')}`);
		const accepted = (Date.now() - started) / 1000;

		const executions = await waitFor(`${QUEUE_CALLS} executions in PostgreSQL`, 1_200_000, async () => {
			const rows = await readExecutions(setup, WORKFLOW_ID);
			return rows.length >= QUEUE_CALLS && rows.every((r) => r.status !== 'new' && r.status !== 'running') ? rows : undefined;
		}, 5_000);
		const wall = (Date.now() - started) / 1000;
		const ok = executions.filter((r) => r.status === 'success');
		const failures = executions.filter((r) => r.status !== 'success').slice(0, 3).map((r) => `${r.id} ${r.status}: ${r.error ?? ''}`.slice(0, 200));
		check(executions.length === QUEUE_CALLS && ok.length === QUEUE_CALLS, `${executions.length} executions, ${ok.length} successful; ${failures.join(' | ')}`);

		const runs = ctx.emu.runsStarted(COZE_WORKFLOW) - runsBefore;
		check(runs === QUEUE_CALLS, `the emulator started ${runs} runs for ${QUEUE_CALLS} calls`);
		const flows = (await ctx.gatewayFlows()).filter((f) => String(f.goal ?? '').startsWith(`e2e queue ${tag} `));
		const calls = new Set(flows.map((f) => /call (\d+):/.exec(String(f.goal))?.[1]));
		check(flows.length === QUEUE_CALLS && calls.size === QUEUE_CALLS, `the gateway holds ${flows.length} flows for ${calls.size} distinct calls`);

		const perWorker = workers.map((worker) => {
			const ids = new Set([...worker.log().matchAll(/started execution (\d+)/gi)].map((m) => m[1]));
			return executions.filter((e) => ids.has(e.id)).length;
		});
		check(perWorker.every((n) => n > 0) && perWorker[0] + perWorker[1] === QUEUE_CALLS, `executions per worker: ${perWorker.join(' + ')}`);
		const enqueued = [...webhook.log().matchAll(/enqueued execution (\d+)/gi)].length;
		check(enqueued >= QUEUE_CALLS, `the webhook process logged ${enqueued} enqueued executions`);
		return (
			`${QUEUE_CALLS} calls accepted by the webhook process in ${accepted.toFixed(1)} s, all ${QUEUE_CALLS} executions successful after ${wall.toFixed(0)} s ` +
			`(worker 1 ran ${perWorker[0]}, worker 2 ran ${perWorker[1]}); the emulator started exactly ${runs} runs, the gateway holds exactly ${flows.length} flows (one per call); PostgreSQL ${postgres.port}, Redis ${redis.port}`
		);
	} finally {
		for (const p of processes.reverse()) await p.stop();
		await redis.stop();
		await postgres.stop();
	}
}
