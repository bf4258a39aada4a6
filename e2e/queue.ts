/**
 * n8n's queue mode on its supported stack: PostgreSQL and Redis from Debian's packages, a main
 * process, two workers and a webhook process (`n8n webhook`), the package installed in the one user
 * folder they share. Calls arrive at the webhook process, which enqueues them; the workers run a
 * Coze stream run and a Hand Off to the real gateway for each. Counted on the emulator and the gateway.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { signWebhookBody } from '../nodes/Coze/trigger/webhookAuth';
import { runPool } from '../nodes/shared/itemRunner';
import type { CozeEmulator } from '../test/emulator';
import { httpRequest } from '../test/support/http';
import { freePort } from '../test/support/processes';
import { waitFor } from '../test/support/wait';
import { check } from './checks';
import { activate, importAll, onPostgres, readExecutions, servesPost, startProcess, type ExecutionRow, type N8nSetup, type RunningN8n } from './n8n';
import { startPostgres, type RunningPostgres } from './postgres';
import { startRedis, type RunningRedis } from './redis';

/** Calls in the load; two workers of five each take ten at a time. */
export const QUEUE_CALLS = Number(process.env.E2E_QUEUE_CALLS ?? 300);
const CALLERS = 20;
const WORKER_CONCURRENCY = 5;
/** Calls in flight when Redis or main restarts. */
const RESTART_CALLS = 40;

export const QUEUE_NAMES = {
	load: `Queue mode on Postgres: main + 2 workers + a webhook process, ${QUEUE_CALLS} calls to the webhook process, each a Coze stream run and a Hand Off to the gateway`,
	killed: 'Queue mode on Postgres: a worker killed (SIGKILL) while its Coze streams are in flight; every execution ends visibly, no flow is created twice',
	redisRestart: `Queue mode on Postgres: Redis (append-only file) restarted with ${RESTART_CALLS} executions under way; none lost without a trace, no flow created twice`,
	mainRestart: `Queue mode on Postgres: the main process restarted with ${RESTART_CALLS} executions under way; none lost without a trace, no flow created twice`,
	replay: 'Queue mode on Postgres: a signed Coze Trigger request replayed to the same and to the other process serving webhooks, within and after Tolerance',
	killedAfterCreates:
		'Queue mode on Postgres: a worker killed (SIGKILL) after its executions handed off, created a flow and ran a task (OpenClaw TaskFlow 1.1); run again from the start, they create no flow or task twice',
};

/** Calls in flight when a worker is killed: five on each worker. */
const KILL_CALLS = 2 * WORKER_CONCURRENCY;
/** Bull notices a dead worker's jobs within seconds instead of 60–90 s (n8n's lock settings). */
const FAST_STALL_CHECK = { QUEUE_WORKER_LOCK_DURATION: '10000', QUEUE_WORKER_LOCK_RENEW_TIME: '2000', QUEUE_WORKER_STALLED_INTERVAL: '5000' };

const WORKFLOW_ID = 'queueStreamHand1';
const WEBHOOK_PATH = 'e2e-queue-stream-hand-off';
/** The workflow the emulator runs for each call (streams a few chunks). */
const COZE_WORKFLOW = '7400000000000000011';
/** Webhook → Coze → Hand Off → Create Flow → Run Task → Coze (slow): a worker can die after the creates. */
const CREATES_WORKFLOW_ID = 'queueCreatesOnce1';
const CREATES_PATH = 'e2e-queue-creates-once';
/** The last node's Coze workflow, which the scenario holds silent while it kills the worker. */
const LAST_COZE_WORKFLOW = '7400000000000000010';

export interface QueueContext {
	setup: N8nSetup;
	/** How many tasks a flow of the line's gateway route has. */
	gatewayTasks: (flowId: string) => Promise<number>;
	/** The credentials the SQLite user folder got (n8n encrypts them again for PostgreSQL). */
	credentials: object[];
	emu: CozeEmulator;
	/** The flows the line's gateway route holds. */
	gatewayFlows: () => Promise<Array<Record<string, unknown>>>;
	cacheDir: string;
	log: (line: string) => void;
}

const SIGNED_WORKFLOW_ID = 'queueSignedTrig1';
const SIGNED_WEBHOOK_ID = '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a61';
const SIGNED_PATH = `webhook/${SIGNED_WEBHOOK_ID}/coze`;
/** The signed trigger's window: the shortest the node allows, so the scenario can outwait it. */
const SIGNED_TOLERANCE_S = 10;

/** A Coze Trigger that takes HMAC-signed requests only, answering at once. */
function signedTriggerWorkflow(secretCredential: string): object {
	return {
		id: SIGNED_WORKFLOW_ID,
		name: 'e2e: Coze Trigger (HMAC), in queue mode',
		nodes: [
			{
				id: '7d1a0c50-0000-4000-8000-000000000011',
				name: 'Coze Trigger',
				type: 'n8n-nodes-coze-openclaw.cozeTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { authentication: 'hmac', toleranceSeconds: SIGNED_TOLERANCE_S, responseMode: 'onReceived', options: {} },
				credentials: { cozeWebhookSecretApi: { id: secretCredential, name: 'Coze push secret' } },
				webhookId: SIGNED_WEBHOOK_ID,
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

/** Webhook (answers at once) → Coze Workflow (stream) → OpenClaw TaskFlow 1.1 (Hand Off keyed by the Coze run, and by where it ran). */
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
				typeVersion: 1.1,
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

/**
 * Webhook → Coze Workflow (stream) → OpenClaw TaskFlow 1.1: Hand Off with a child task, Create Flow,
 * Run Task on that flow → Coze Workflow (stream) again. The OpenClaw nodes keep their defaults: no
 * key is set on Create Flow or Run Task, and Hand Off's is the Coze execute ID, which a re-run changes.
 */
function createsWorkflow(cozeCredential: string, openClawCredential: string): object {
	const body = "$('Webhook').item.json.body";
	const call = `'e2e queue ' + ${body}.tag + ' call ' + ${body}.n`;
	const id = (n: number) => `7d1a0c50-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`;
	const coze = (n: number, name: string, workflowId: string, json: string) => ({
		id: id(n),
		name,
		type: 'n8n-nodes-coze-openclaw.cozeWorkflow',
		typeVersion: 1.1,
		position: [n * 240, 0],
		parameters: { authentication: 'accessToken', operation: 'run', workflowId: { __rl: true, mode: 'id', value: workflowId }, mode: 'stream', inputMode: 'json', parametersJson: json, options: {} },
		credentials: { cozeAccessTokenApi: { id: cozeCredential, name: 'Coze emulator' } },
	});
	const openClaw = (n: number, name: string, parameters: object) => ({
		id: id(n),
		name,
		type: 'n8n-nodes-coze-openclaw.openClawTaskFlow',
		typeVersion: 1.1,
		position: [n * 240, 0],
		// Two workers share the route's 120 requests a minute: a request may wait several windows.
		parameters: { ...parameters, options: { rateLimitMaxWait: 900 } },
		credentials: { openClawWebhookApi: { id: openClawCredential, name: 'OpenClaw local gateway' } },
	});
	const nodes = [
		{
			id: id(0),
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			position: [0, 0],
			parameters: { httpMethod: 'POST', path: CREATES_PATH, responseMode: 'onReceived', options: {} },
			webhookId: '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a71',
		},
		coze(1, 'Coze Workflow', COZE_WORKFLOW, `={{ JSON.stringify({ question: ${call} }) }}`),
		openClaw(2, 'Hand Off', {
			operation: 'handOff',
			goal: `={{ ${call} + ': review run ' + $json.executeId }}`,
			addTask: true,
			taskRuntime: 'subagent',
			taskText: 'Review the run',
			handOffFields: {},
		}),
		openClaw(3, 'Create Flow', { operation: 'createFlow', goal: `={{ ${call} + ': follow up' }}`, createFields: {} }),
		openClaw(4, 'Run Task', { operation: 'runTask', flowId: { __rl: true, mode: 'id', value: '={{ $json.flowId }}' }, runtime: 'subagent', task: 'Follow up', taskFields: {} }),
		coze(5, 'Coze Workflow (last)', LAST_COZE_WORKFLOW, `={{ JSON.stringify({ topic: ${call} }) }}`),
	];
	const connections: Record<string, object> = {};
	for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { id: CREATES_WORKFLOW_ID, name: 'e2e: Coze → Hand Off → Create Flow → Run Task → Coze, in queue mode', nodes, connections, settings: { executionOrder: 'v1' }, active: false };
}

interface QueueStack {
	setup: N8nSetup;
	main: RunningN8n;
	/** Stops main with SIGTERM and starts it again (same port and settings), ready once healthy. */
	restartMain(): Promise<void>;
	workers: RunningN8n[];
	webhook: RunningN8n;
	/** `http://127.0.0.1:<webhook process>/webhook/<path>` of the stream and Hand Off workflow. */
	url: string;
	/** The webhook process's URL of the Coze → creates → Coze workflow. */
	createsUrl: string;
	/** `webhook/<id>/coze` of the signed Coze Trigger, served by main and the webhook process. */
	signedPath: string;
	postgres: RunningPostgres;
	redis: RunningRedis;
}

/**
 * PostgreSQL and Redis of their own, the workflow imported and published, then main, two workers and
 * a webhook process; `body` gets them running and ready, and everything is stopped afterwards.
 */
async function withQueueStack<T>(
	ctx: QueueContext,
	prefix: string,
	env: Record<string, string>,
	body: (stack: QueueStack) => Promise<T>,
	persistRedis = false,
): Promise<T> {
	const postgres = await startPostgres({ log: ctx.log });
	const redis = await startRedis({ log: ctx.log, persist: persistRedis });
	const processes: RunningN8n[] = [];
	try {
		const setup = onPostgres(ctx.setup, postgres, prefix);
		const files = [
			[WORKFLOW_ID, 'queue-stream-hand-off.json', streamHandOffWorkflow('cozeEmulatorToken', 'openClawLocalGw01')],
			[SIGNED_WORKFLOW_ID, 'queue-signed-trigger.json', signedTriggerWorkflow('cozePushSecret001')],
			[CREATES_WORKFLOW_ID, 'queue-creates-once.json', createsWorkflow('cozeEmulatorToken', 'openClawLocalGw01')],
		] as const;
		for (const [, name, workflow] of files) writeFileSync(join(ctx.cacheDir, name), JSON.stringify(workflow));
		const migrated = Date.now();
		await importAll(setup, ctx.credentials, files.map(([, name]) => join(ctx.cacheDir, name)));
		for (const [id] of files) await activate(setup, id);
		ctx.log(`${prefix}: n8n migrated PostgreSQL and imported the workflows in ${((Date.now() - migrated) / 1000).toFixed(1)} s`);

		const webhookPort = await freePort();
		const queueEnv = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			// Workers build $execution.resumeUrl from it; the webhook process serves production URLs.
			WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/`,
			N8N_LOG_LEVEL: 'debug',
			...env,
		};
		const mainOptions = { port: await freePort(), brokerPort: await freePort(), env: queueEnv };
		let main = await startProcess(setup, `${prefix}-main`, ['start'], mainOptions);
		processes.push(main);
		await healthy(main, '/healthz');
		const restartMain = async () => {
			await main.stop();
			main = await startProcess(setup, `${prefix}-main-restarted`, ['start'], mainOptions);
			processes.push(main);
			await healthy(main, '/healthz');
		};
		const workers: RunningN8n[] = [];
		for (const n of [1, 2]) {
			const port = await freePort();
			const worker = await startProcess(setup, `${prefix}-worker-${n}`, ['worker', `--concurrency=${WORKER_CONCURRENCY}`], {
				port,
				brokerPort: await freePort(),
				env: { ...queueEnv, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port) },
			});
			workers.push(worker);
			processes.push(worker);
		}
		const webhook = await startProcess(setup, `${prefix}-webhook`, ['webhook'], { port: webhookPort, brokerPort: await freePort(), env: queueEnv });
		processes.push(webhook);
		for (const worker of workers) await healthy(worker, '/healthz');
		const url = `http://127.0.0.1:${webhookPort}/webhook/${WEBHOOK_PATH}`;
		for (const process of [webhook, main]) for (const path of [`webhook/${WEBHOOK_PATH}`, `webhook/${CREATES_PATH}`, SIGNED_PATH]) await servesPost(process, path);
		const createsUrl = `http://127.0.0.1:${webhookPort}/webhook/${CREATES_PATH}`;
		return await body({ setup, main, restartMain, workers, webhook, url, createsUrl, signedPath: SIGNED_PATH, postgres, redis });
	} finally {
		for (const p of processes.reverse()) await p.stop();
		await redis.stop();
		await postgres.stop();
	}
}

async function healthy(process: RunningN8n, path: string): Promise<void> {
	await waitFor(`${process.name} to answer ${path}`, 120_000, async () => {
		const answer = await httpRequest('GET', `http://127.0.0.1:${process.port}${path}`, { timeoutMs: 2_000 }).catch(() => undefined);
		return answer?.status === 200 ? true : undefined;
	}, 500);
}

/** Sends `calls` calls from `callers` callers; every one must be accepted. */
async function call(url: string, tag: string, calls: number, callers: number): Promise<void> {
	const responses = await runPool(calls, callers, async (n) =>
		await httpRequest('POST', url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tag, n }) }),
	);
	const refused = responses.filter((r) => r.status !== 200);
	check(refused.length === 0, `${refused.length} calls refused: ${refused.slice(0, 3).map((r) => `${r.status} ${r.body.slice(0, 120)}`).join(' | ')}`);
}

/** The executions once there are `count` and none is new or running. */
async function finishedExecutions(setup: N8nSetup, count: number, timeoutMs: number, workflowId = WORKFLOW_ID): Promise<ExecutionRow[]> {
	return await waitFor(`${count} finished executions in PostgreSQL`, timeoutMs, async () => {
		const rows = await readExecutions(setup, workflowId);
		return rows.length >= count && rows.every((r) => r.status !== 'new' && r.status !== 'running') ? rows : undefined;
	}, 2_000);
}

/** The flows the gateway holds for a tag, and for how many distinct calls. */
async function flowsOf(ctx: QueueContext, tag: string): Promise<{ flows: number; calls: Set<string> }> {
	const flows = (await ctx.gatewayFlows()).filter((f) => String(f.goal ?? '').startsWith(`e2e queue ${tag} `));
	return { flows: flows.length, calls: new Set(flows.map((f) => /call (\d+):/.exec(String(f.goal))?.[1] ?? '?')) };
}

/** Executions of a worker: the IDs it logged as started. */
function startedBy(worker: RunningN8n): Set<string> {
	return new Set([...worker.log().matchAll(/started execution (\d+)/gi)].map((m) => m[1]));
}

export async function queueOnPostgres(ctx: QueueContext): Promise<string> {
	return await withQueueStack(ctx, 'pg-queue', {}, async ({ setup, workers, webhook, url, postgres, redis }) => {
		const tag = `q${Date.now().toString(36)}`;
		const runsBefore = ctx.emu.runsStarted(COZE_WORKFLOW);
		const started = Date.now();
		await call(url, tag, QUEUE_CALLS, CALLERS);
		const accepted = (Date.now() - started) / 1000;

		const executions = await finishedExecutions(setup, QUEUE_CALLS, 1_200_000);
		const wall = (Date.now() - started) / 1000;
		const ok = executions.filter((r) => r.status === 'success');
		const failures = executions.filter((r) => r.status !== 'success').slice(0, 3).map((r) => `${r.id} ${r.status}: ${r.error ?? ''}`.slice(0, 200));
		check(executions.length === QUEUE_CALLS && ok.length === QUEUE_CALLS, `${executions.length} executions, ${ok.length} successful; ${failures.join(' | ')}`);

		const runs = ctx.emu.runsStarted(COZE_WORKFLOW) - runsBefore;
		check(runs === QUEUE_CALLS, `the emulator started ${runs} runs for ${QUEUE_CALLS} calls`);
		const { flows, calls } = await flowsOf(ctx, tag);
		check(flows === QUEUE_CALLS && calls.size === QUEUE_CALLS, `the gateway holds ${flows} flows for ${calls.size} distinct calls`);

		const perWorker = workers.map((worker) => {
			const ids = startedBy(worker);
			return executions.filter((e) => ids.has(e.id)).length;
		});
		check(perWorker.every((n) => n > 0) && perWorker[0] + perWorker[1] === QUEUE_CALLS, `executions per worker: ${perWorker.join(' + ')}`);
		const enqueued = [...webhook.log().matchAll(/enqueued execution (\d+)/gi)].length;
		check(enqueued >= QUEUE_CALLS, `the webhook process logged ${enqueued} enqueued executions`);
		return (
			`${QUEUE_CALLS} calls accepted by the webhook process in ${accepted.toFixed(1)} s, all ${QUEUE_CALLS} executions successful after ${wall.toFixed(0)} s ` +
			`(worker 1 ran ${perWorker[0]}, worker 2 ran ${perWorker[1]}); the emulator started exactly ${runs} runs, the gateway holds exactly ${flows} flows (one per call); PostgreSQL ${postgres.port}, Redis ${redis.port}`
		);
	});
}

/**
 * Ten calls to `url` whose runs of `cozeWorkflow` stay silent (PINGs only); once all ten wait there,
 * five on each worker, worker 1 is killed with SIGKILL. A run started again after the kill streams at once.
 */
async function killWorkerWhileSilent(
	ctx: QueueContext,
	workers: RunningN8n[],
	url: string,
	tag: string,
	cozeWorkflow: string,
	timeoutMs: number,
): Promise<{ victims: Set<string>; killedAt: number }> {
	const runsBefore = ctx.emu.runsStarted(cozeWorkflow);
	ctx.emu.setKnobs({ firstByteDelayMs: 120_000, pingIntervalMs: 5_000 }, { workflowId: cozeWorkflow, path: '/v1/workflow/stream_run', times: KILL_CALLS });
	try {
		await call(url, tag, KILL_CALLS, KILL_CALLS);
		await waitFor(`${KILL_CALLS} runs of Coze workflow ${cozeWorkflow} in flight, ${WORKER_CONCURRENCY} on each worker`, timeoutMs, async () =>
			ctx.emu.runsStarted(cozeWorkflow) - runsBefore >= KILL_CALLS && workers.every((w) => startedBy(w).size >= WORKER_CONCURRENCY) ? true : undefined,
		250);
	} finally {
		ctx.emu.clearKnobs();
	}
	const victims = startedBy(workers[0]);
	workers[0].kill();
	return { victims, killedAt: Date.now() };
}

/**
 * Ten calls whose Coze streams stay silent for a while (PINGs only), five on each worker; worker 1 is
 * killed with SIGKILL while all ten wait. n8n 2.x fails the dead worker's executions and never runs
 * them again; n8n 1.x runs them again from the start on the other worker under the same execution ID,
 * so their Coze runs start twice. Either way every execution must end in a state a user sees, and the
 * gateway must hold at most one flow per call (the Hand Off is keyed by the Coze run it hands off).
 */
export async function workerKilled(ctx: QueueContext): Promise<string> {
	const line = ctx.setup.install.line;
	return await withQueueStack(ctx, `pg-kill-${line}`, FAST_STALL_CHECK, async ({ setup, workers, url }) => {
		const tag = `k${Date.now().toString(36)}`;
		const runsBefore = ctx.emu.runsStarted(COZE_WORKFLOW);
		const { victims, killedAt } = await killWorkerWhileSilent(ctx, workers, url, tag, COZE_WORKFLOW, 60_000);

		const executions = await finishedExecutions(setup, KILL_CALLS, 600_000);
		const seconds = ((Date.now() - killedAt) / 1000).toFixed(0);
		const count = (status: string, ids?: Set<string>) => executions.filter((e) => e.status === status && (!ids || ids.has(e.id))).length;
		const ok = count('success');
		const runs = ctx.emu.runsStarted(COZE_WORKFLOW) - runsBefore;
		const twice = runs - KILL_CALLS;
		const { flows, calls } = await flowsOf(ctx, tag);
		check(flows === calls.size && flows === ok, `the gateway holds ${flows} flows for ${calls.size} calls, for ${ok} successful executions`);
		const states = [...new Set(executions.map((e) => e.status))].map((s) => `${count(s)} ${s}`).join(', ');
		if (line === 'v2') {
			const failed = executions.filter((e) => victims.has(e.id) && e.status === 'error');
			check(failed.length === victims.size && ok === KILL_CALLS - victims.size && twice === 0, `${states}; the killed worker's ${victims.size}: ${failed.length} error; Coze runs started twice: ${twice}`);
			return (
				`worker 1 killed with ${victims.size} executions on it; ${seconds} s later all ${KILL_CALLS} had ended: ${states}. ` +
				`The killed ones failed ("${(failed[0].error ?? '').slice(0, 90)}…") and were not run again; Coze runs started twice: 0; the gateway holds ${flows} flows, one per successful execution`
			);
		}
		check(ok === KILL_CALLS && twice === victims.size, `${states}; Coze runs ${runs} for ${KILL_CALLS} calls (expected ${victims.size} started twice)`);
		return (
			`worker 1 killed with ${victims.size} executions on it; ${seconds} s later worker 2 had run them again from the start under the same execution IDs: ${states}. ` +
			`Coze runs started twice: ${twice} (n8n 1.x re-runs a dead worker's job); the gateway holds ${flows} flows, one per call, none twice`
		);
	});
}

/**
 * n8n 1.x runs a dead worker's execution again from the start under the same execution ID. Ten calls
 * each hand off, create a flow and run a task on it (OpenClaw TaskFlow 1.1, defaults), then wait in
 * a silent Coze stream; worker 1 is killed then. The re-run starts the first Coze run again, with a
 * new execute ID, and passes the three creates again: each must find what the first attempt made.
 */
export async function workerKilledAfterCreates(ctx: QueueContext): Promise<string> {
	return await withQueueStack(ctx, 'pg-kill-creates', FAST_STALL_CHECK, async ({ setup, workers, createsUrl }) => {
		const tag = `c${Date.now().toString(36)}`;
		const runsBefore = ctx.emu.runsStarted(COZE_WORKFLOW);
		// The creates share the route's budget: reaching the last node may take the calls minutes.
		const { victims, killedAt } = await killWorkerWhileSilent(ctx, workers, createsUrl, tag, LAST_COZE_WORKFLOW, 600_000);

		const executions = await finishedExecutions(setup, KILL_CALLS, 900_000, CREATES_WORKFLOW_ID);
		const seconds = ((Date.now() - killedAt) / 1000).toFixed(0);
		const ok = executions.filter((e) => e.status === 'success').length;
		const firstTwice = ctx.emu.runsStarted(COZE_WORKFLOW) - runsBefore - KILL_CALLS;
		check(ok === KILL_CALLS && firstTwice === victims.size, `${ok} of ${KILL_CALLS} successful; first Coze runs started twice: ${firstTwice} (expected ${victims.size})`);

		const flows = (await ctx.gatewayFlows()).filter((f) => String(f.goal ?? '').startsWith(`e2e queue ${tag} `));
		const handOffs = flows.filter((f) => String(f.goal).includes(': review run '));
		const created = flows.filter((f) => String(f.goal).endsWith(': follow up'));
		const callsOf = (list: typeof flows) => new Set(list.map((f) => /call (\d+):/.exec(String(f.goal))?.[1]));
		check(
			handOffs.length === KILL_CALLS && callsOf(handOffs).size === KILL_CALLS && created.length === KILL_CALLS && callsOf(created).size === KILL_CALLS,
			`the gateway holds ${handOffs.length} hand-off flows and ${created.length} created flows for ${KILL_CALLS} calls`,
		);
		const tasks: number[] = [];
		for (const flow of [...handOffs, ...created]) tasks.push(await ctx.gatewayTasks(String(flow.flowId)));
		check(tasks.every((n) => n === 1), `tasks per flow: ${tasks.join(', ')}`);
		return (
			`worker 1 killed with ${victims.size} executions on it, after their creates; ${seconds} s later worker 2 had run them again from the start: ${ok} of ${KILL_CALLS} successful. ` +
			`Their first Coze runs started twice (${firstTwice}, new execute IDs), yet the gateway holds exactly ${handOffs.length} hand-off flows and ${created.length} created flows, one each per call, and every flow exactly 1 task`
		);
	});
}

/**
 * Forty calls whose Coze runs first stay silent for a moment, so that executions are under way on
 * both workers when `disrupt` strikes; then every call must have an execution in a state a user
 * sees (no `new` or `running` left), and no call more than one flow on the gateway.
 */
async function disruptedLoad(ctx: QueueContext, prefix: string, persistRedis: boolean, disrupt: (stack: QueueStack) => Promise<string>): Promise<string> {
	return await withQueueStack(
		ctx,
		prefix,
		{},
		async (stack) => {
			const tag = `r${Date.now().toString(36)}`;
			const runsBefore = ctx.emu.runsStarted(COZE_WORKFLOW);
			ctx.emu.setKnobs({ firstByteDelayMs: 12_000, pingIntervalMs: 2_000 }, { workflowId: COZE_WORKFLOW, path: '/v1/workflow/stream_run', times: RESTART_CALLS });
			let what: string;
			try {
				await call(stack.url, tag, RESTART_CALLS, 10);
				await waitFor(`Coze runs under way on both workers`, 60_000, async () =>
					ctx.emu.runsStarted(COZE_WORKFLOW) - runsBefore >= 2 * WORKER_CONCURRENCY && stack.workers.every((w) => startedBy(w).size > 0) ? true : undefined,
				200);
				what = await disrupt(stack);
			} finally {
				ctx.emu.clearKnobs();
			}
			const executions = await finishedExecutions(stack.setup, RESTART_CALLS, 600_000);
			const count = (status: string) => executions.filter((e) => e.status === status).length;
			const states = [...new Set(executions.map((e) => e.status))].map((s) => `${count(s)} ${s}`).join(', ');
			const runs = ctx.emu.runsStarted(COZE_WORKFLOW) - runsBefore;
			const { flows, calls } = await flowsOf(ctx, tag);
			check(executions.length === RESTART_CALLS, `${executions.length} executions for ${RESTART_CALLS} calls`);
			check(flows === calls.size, `the gateway holds ${flows} flows for ${calls.size} calls: some call has two`);
			const failures = executions.filter((e) => e.status !== 'success').slice(0, 2).map((e) => `${e.id} ${e.status}: ${(e.error ?? '').slice(0, 100)}`);
			return (
				`${what}; all ${RESTART_CALLS} executions ended: ${states}${failures.length ? ` (${failures.join(' | ')})` : ''}; ` +
				`Coze runs started: ${runs} for ${RESTART_CALLS} calls; the gateway holds ${flows} flows, one each for ${calls.size} calls`
			);
		},
		persistRedis,
	);
}

export async function redisRestarted(ctx: QueueContext): Promise<string> {
	return await disruptedLoad(ctx, 'pg-redis-restart', true, async ({ redis }) => {
		const before = redis.pid;
		const t0 = Date.now();
		await redis.restart();
		return `Redis (pid ${before}) stopped with SIGTERM and started again (pid ${redis.pid}) in ${Date.now() - t0} ms`;
	});
}

export async function mainRestarted(ctx: QueueContext): Promise<string> {
	return await disruptedLoad(ctx, 'pg-main-restart', false, async ({ main, restartMain }) => {
		const before = main.pid;
		const t0 = Date.now();
		await restartMain();
		return `main (pid ${before}) stopped with SIGTERM and started again, healthy after ${((Date.now() - t0) / 1000).toFixed(1)} s`;
	});
}

/**
 * The Coze Trigger refuses a signature it has seen, but it remembers signatures in the process that
 * received them: n8n gives a community node no store shared by main and the webhook processes. Measured
 * here: a replay to the same process, to the other one within Tolerance, and to both after it.
 */
export async function signedReplay(ctx: QueueContext): Promise<string> {
	const secret = (ctx.credentials.find((c) => (c as { id?: string }).id === 'cozePushSecret001') as { data: { secret: string } }).data.secret;
	return await withQueueStack(ctx, 'pg-replay', {}, async ({ setup, main, webhook, signedPath }) => {
		const tag = `s${Date.now().toString(36)}`;
		const body = JSON.stringify({ tag, executeId: '7499999999999999999' });
		const timestamp = String(Math.floor(Date.now() / 1000));
		const headers = { 'content-type': 'application/json', 'x-coze-timestamp': timestamp, 'x-coze-signature': signWebhookBody(secret, timestamp, body) };
		const send = async (process: RunningN8n) => (await httpRequest('POST', `http://127.0.0.1:${process.port}/${signedPath}`, { headers, body })).status;
		const first = await send(webhook);
		const again = await send(webhook);
		const other = await send(main);
		const otherAgain = await send(main);
		// Past the window every process refuses it, whatever it remembers.
		const sentAt = Number(timestamp) * 1000;
		await waitFor('the end of the Tolerance window', (SIGNED_TOLERANCE_S + 5) * 1000, async () => (Date.now() > sentAt + (SIGNED_TOLERANCE_S + 1) * 1000 ? true : undefined), 250);
		const lateWebhook = await send(webhook);
		const lateMain = await send(main);
		const executions = await waitFor('the accepted requests\' executions', 60_000, async () => {
			const rows = (await readExecutions(setup, SIGNED_WORKFLOW_ID)).filter((r) => JSON.stringify(r.json ?? r.stacked ?? '').includes(tag));
			return rows.length >= [first, again, other, otherAgain, lateWebhook, lateMain].filter((s) => s === 200).length ? rows : undefined;
		}, 1_000);
		check(first === 200 && again !== 200, `the webhook process answered ${first}, then ${again} to the replay`);
		check(otherAgain !== 200 && lateWebhook !== 200 && lateMain !== 200, `main's second replay ${otherAgain}; after the window: webhook process ${lateWebhook}, main ${lateMain}`);
		check(executions.length === (other === 200 ? 2 : 1), `${executions.length} executions for the request`);
		return (
			`signed request to the webhook process ${first}; replayed there ${again}; replayed to main within Tolerance (${SIGNED_TOLERANCE_S} s) ${other}` +
			`${other === 200 ? ' (accepted: each process remembers only the signatures it received)' : ''}, again to main ${otherAgain}; ` +
			`after the window: webhook process ${lateWebhook}, main ${lateMain}; ${executions.length} executions in all`
		);
	});
}
