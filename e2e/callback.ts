/**
 * Coze Workflow → Run → Async with "Wait for Callback" in real n8n: the execution parks (status
 * `waiting`, no execution slot held), the emulator's run POSTs the callback URL from its HTTP node, and
 * n8n resumes the execution with the run's result. Also after an n8n restart and in queue mode;
 * the wrong, second and early callbacks and the time-out are in callback-cases.ts.
 *
 * Every n8n process gets WEBHOOK_URL: n8n builds the callback URL from it in the process that runs
 * the node (a worker in queue mode). N8N_CONCURRENCY_PRODUCTION_LIMIT=1 makes "holds no slot"
 * observable: another execution can only run while the parked one holds nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { freePort } from '../test/support/processes';
import { waitFor } from '../test/support/wait';
import { earlyCallback, secondCallback, timeOut, wrongExecuteId } from './callback-cases';
import {
	answers,
	attemptsOf,
	CALLBACK_NODES,
	CALLBACK_PATHS,
	execution,
	explained,
	finished,
	item,
	N8N_WORKFLOWS,
	newTag,
	nextRunKnobs,
	parked,
	resumed,
	sortKeys,
	startParked,
	startRun,
	status,
	trigger,
	withoutIds,
	type CallbackContext,
} from './callback-support';
import { check } from './checks';
import { gate, type Gate } from './gate';
import type { N8nLine } from './install';
import { activate, importAll, onPostgres, servesPost, startProcess, type RunningN8n } from './n8n';
import { startPostgres } from './postgres';
import { startRedis } from './redis';

export type { CallbackContext } from './callback-support';
export { N8N_WORKFLOWS as CALLBACK_N8N_WORKFLOWS } from './callback-workflows';
import { cozeCallbackWorkflow, otherWorkflow } from './callback-workflows';

export const CALLBACK_NAMES = {
	parked: 'Coze callback: Webhook → Coze Workflow (async, Wait for Callback) → Done waits in the DB without holding the only execution slot and is resumed by the callback with the item polling gives',
	wrongId: 'Coze callback with a wrong execute ID: accepted:false, the execution keeps waiting, Coze is not read',
	twice: 'Coze callback sent twice: one resume; n8n answers 409 to the second',
	early: 'Coze callback sent before n8n saved the waiting state: n8n answers 409 and the outcome is still right',
	timeout: 'Coze callback time-out: no callback within Max Wait Time; n8n resumes the execution itself and Get Run follows the run to its end',
	restart: 'Coze callback across a restart: n8n stopped (SIGTERM) while the execution waits and started again; the retried callback resumes it',
	queue: 'Coze callback in queue mode on Postgres: the execution parks on a worker, main receives the callback, a worker runs the rest',
};

/** The callback scenarios of a line; v1 runs the basic one. */
export function callbackNames(line: N8nLine, queue: boolean): string[] {
	const { parked: basic, queue: inQueue, ...v2Only } = CALLBACK_NAMES;
	return line === 'v1' ? [basic] : [basic, ...Object.values(v2Only), ...(queue ? [inQueue] : [])];
}

/**
 * `n8n start` with what every callback scenario needs; ready once its webhooks answer. WEBHOOK_URL
 * may point at a gate in front of n8n (the port of the callback URLs, which stays through a restart).
 */
async function startN8n(ctx: CallbackContext, name: string, port: number, webhookPort: number, env: Record<string, string> = {}): Promise<RunningN8n> {
	const n8n = await startProcess(ctx.setup, name, ['start'], {
		port,
		brokerPort: await freePort(),
		env: { WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/`, N8N_CONCURRENCY_PRODUCTION_LIMIT: '1', ...env },
	});
	await servesPost(n8n, `webhook/${CALLBACK_PATHS.callback}`);
	return n8n;
}

/** The callback scenarios of one line, on one n8n (restarted once); the time-out runs beside the others. */
/** `queue`: what the queue-mode scenario imports into its own PostgreSQL database; without it, it is left out. */
export async function runCallbackLine(ctx: CallbackContext, queue?: { credentials: object[]; cacheDir: string }): Promise<void> {
	const names = callbackNames(ctx.line, false);
	const run = async (name: string, body: () => Promise<string>) => names.includes(name) && (await ctx.scenario(name, body));
	if (names.some(ctx.wanted)) {
		const port = await freePort();
		const base = `http://127.0.0.1:${port}`;
		const front = gate(await freePort(), port);
		let n8n = await startN8n(ctx, `callback-${ctx.line}`, port, front.port);
		await front.open();
		try {
			// The time-out waits up to a minute for n8n's wait tracker: it runs beside the first scenario.
			// Not beside the callbacks that count history reads: its resume takes the only slot for a moment,
			// and a callback whose resume waits for the slot could meet a second callback still waiting.
			const timeout = run(CALLBACK_NAMES.timeout, async () => await timeOut(ctx, base));
			await run(CALLBACK_NAMES.parked, async () => await parkedAndCompared(ctx, base));
			await timeout;
			await run(CALLBACK_NAMES.wrongId, async () => await wrongExecuteId(ctx, base));
			await run(CALLBACK_NAMES.twice, async () => await secondCallback(ctx, base));
			await run(CALLBACK_NAMES.early, async () => await earlyCallback(ctx, base));
			await run(CALLBACK_NAMES.restart, async () => {
				const { detail, restarted } = await acrossRestart(ctx, base, n8n, front, async () => await startN8n(ctx, `callback-${ctx.line}-restarted`, port, front.port));
				n8n = restarted;
				return detail;
			});
		} finally {
			await front.close();
			await n8n.stop();
		}
	}
	if (queue && ctx.line === 'v2') await ctx.scenario(CALLBACK_NAMES.queue, async () => await inQueueMode(ctx, queue.credentials, queue.cacheDir));
}

/**
 * Parked while another workflow runs in the only slot, resumed by the callback; a polled run of the
 * same inputs gives the same item. The emulator holds its callbacks until the checks that need the
 * runs unfinished are done: nothing here depends on how fast n8n is.
 */
async function parkedAndCompared(ctx: CallbackContext, base: string): Promise<string> {
	const { setup, emu } = ctx;
	const tag = newTag('parked');
	const polledTag = newTag('polled');
	const release = emu.holdCallbacks();
	let polledAnswer: Promise<unknown> = Promise.resolve();
	let queuedAnswer: Promise<unknown> = Promise.resolve();
	const seen: string[] = [];
	let executeId = '';
	try {
		await startRun(base, CALLBACK_PATHS.callback, tag, 'end');
		const { row: waiting, executeId: run } = await parked(setup, tag);
		executeId = run;
		// One slot only: if the parked execution held it, the other one could not run.
		const otherTag = newTag('other');
		await trigger(base, CALLBACK_PATHS.other, { tag: otherTag });
		const other = await execution(setup, otherTag, 'to end', finished, 60_000, N8N_WORKFLOWS.other);
		const meanwhile = await status(setup, tag);
		check(other.status === 'success' && meanwhile === 'waiting', `the other workflow's execution ${other.id} ended ${other.status} while execution ${waiting.id} was ${meanwhile}`);
		seen.push(`execution ${waiting.id} waiting (run ${executeId}, Coze read ${emu.historyReads(executeId)}×) while execution ${other.id} of another workflow ran to success in the only slot`);

		// The control: a polled run holds the slot while it polls (its run cannot end while the callbacks are held).
		polledAnswer = startRun(base, CALLBACK_PATHS.polled, polledTag, 'end').catch((error: unknown) => error);
		const polling = await execution(setup, polledTag, 'to poll', (r) => r.status === 'running');
		const queuedTag = newTag('queued');
		queuedAnswer = trigger(base, CALLBACK_PATHS.other, { tag: queuedTag }).catch((error: unknown) => error);
		const queued = await execution(setup, queuedTag, 'to be received', () => true, 60_000, N8N_WORKFLOWS.other);
		const pollingNow = await status(setup, polledTag);
		check(queued.status === 'new' && pollingNow === 'running', `while execution ${polling.id} was ${pollingNow}, execution ${queued.id} was ${queued.status}, not new (queued for the slot)`);
		seen.push(`control: while polled execution ${polling.id} ran, execution ${queued.id} of the other workflow stayed queued (new)`);
	} finally {
		release();
	}
	const { row, result } = await explained(emu, executeId, resumed(setup, tag, executeId));
	const attempts = attemptsOf(emu, executeId);
	const reads = emu.historyReads(executeId);
	check(attempts.length === 1 && attempts[0].status === 200, `callbacks: ${JSON.stringify(attempts)}`);
	check(reads === 2, `history reads: ${reads} (expected 1 before parking and 1 on the resume)`);
	const polled = await execution(setup, polledTag, 'to end', finished);
	await Promise.all([polledAnswer, queuedAnswer]);
	check(polled.status === 'success', `the polled execution ${polled.id} ended ${polled.status}: ${polled.error ?? ''}`);

	const polledItem = item(polled, CALLBACK_NODES.polled) ?? {};
	const [mine, theirs] = [JSON.stringify(sortKeys(withoutIds(result))), JSON.stringify(sortKeys(withoutIds(polledItem)))];
	check(mine === theirs, `the callback item ${mine.slice(0, 400)} differs from the polled item ${theirs.slice(0, 400)}`);
	return (
		`${seen[0]}; callback answered ${answers(attempts)}, execution ${row.id} resumed to ${row.status}; history reads ${reads} (1 before parking, 1 on the resume); ${seen[1]}; ` +
		`callback item = polled item in all ${Object.keys(withoutIds(result)).length} fields but executeId/debugUrl/logId (status ${String(result.status)})`
	);
}

/**
 * Stops n8n while the execution waits; the emulator's callback is refused until n8n is back, then
 * resumes it. The gate stands for the load balancer that routes to n8n only while it is ready.
 */
async function acrossRestart(ctx: CallbackContext, base: string, n8n: RunningN8n, front: Gate, restart: () => Promise<RunningN8n>): Promise<{ detail: string; restarted: RunningN8n }> {
	const { setup, emu } = ctx;
	const tag = newTag('restart');
	// Retries every 2 s for a minute: n8n takes about 20 s to start again.
	nextRunKnobs(emu, 'end', { callbackRetries: 30, callbackRetryDelayMs: 4000 });
	const stoppedPid = n8n.pid;
	let whileDown = '';
	const { row, executeId } = await startParked(ctx, base, tag, 'end', async () => {
		await front.close();
		await n8n.stop();
		whileDown = await status(setup, tag);
	});
	const refused = await waitFor('a callback refused while n8n is down', 60_000, () => (attemptsOf(emu, executeId).some((a) => a.status === undefined) ? true : undefined), 250);
	const restarted = await restart();
	await front.open();
	const { row: done } = await explained(emu, executeId, resumed(setup, tag, executeId, 180_000));
	const attempts = attemptsOf(emu, executeId);
	const reads = emu.historyReads(executeId);
	check(refused && whileDown === 'waiting', `while n8n was down the execution was ${whileDown}`);
	check(attempts.at(-1)?.status === 200 && reads === 2, `callbacks ${JSON.stringify(attempts)}, ${reads} history reads`);
	return {
		restarted,
		detail: `execution ${row.id} waiting; n8n (PID ${stoppedPid}) stopped with SIGTERM, the execution still waiting in the DB; callbacks answered ${answers(attempts)}; after the restart (PID ${restarted.pid}) execution ${done.id} resumed to ${done.status}; history reads ${reads} (1 before parking, 1 on the resume)`,
	};
}

/** The callback scenarios' n8n workflows, written into `cacheDir` for `n8n import:workflow`. */
export function callbackWorkflowFiles(cacheDir: string, cozeCredential: string): string[] {
	return [cozeCallbackWorkflow(cozeCredential), otherWorkflow()].map((workflow, n) => {
		const file = join(cacheDir, `callback-${n}.json`);
		writeFileSync(file, JSON.stringify(workflow));
		return file;
	});
}

/**
 * Queue mode on PostgreSQL and Redis: the worker parks the execution and ends its job, main takes
 * the callback, a worker runs the rest.
 */
async function inQueueMode(lineCtx: CallbackContext, credentials: object[], cacheDir: string): Promise<string> {
	const postgres = await startPostgres({ log: lineCtx.log });
	const redis = await startRedis({ log: lineCtx.log });
	const processes: RunningN8n[] = [];
	try {
		const ctx = { ...lineCtx, setup: onPostgres(lineCtx.setup, postgres, 'callback-queue') };
		const { setup, emu } = ctx;
		await importAll(setup, credentials, callbackWorkflowFiles(cacheDir, 'cozeEmulatorToken'));
		for (const id of Object.values(N8N_WORKFLOWS)) await activate(setup, id);
		const port = await freePort();
		const base = `http://127.0.0.1:${port}`;
		const env = { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(redis.port), N8N_LOG_LEVEL: 'debug' };
		const main = await startN8n(ctx, 'callback-queue-main', port, port, env);
		processes.push(main);
		const workerPort = await freePort();
		const worker = await startProcess(setup, 'callback-queue-worker', ['worker', '--concurrency=5'], {
			port: workerPort,
			brokerPort: await freePort(),
			env: { ...env, WEBHOOK_URL: `${base}/`, QUEUE_HEALTH_CHECK_PORT: String(workerPort) },
		});
		processes.push(worker);
		const tag = newTag('queue');
		const { row, executeId } = await startParked(ctx, base, tag, 'end');
		const { row: done } = await explained(emu, executeId, resumed(setup, tag, executeId));
		const id = done.id;
		const started = [...worker.log().matchAll(new RegExp(`started execution ${id} \\(job (\\d+)\\)`, 'gi'))].map((m) => m[1]);
		const finishedJobs = [...worker.log().matchAll(new RegExp(`finished execution ${id} \\(job (\\d+)\\)`, 'gi'))].map((m) => m[1]);
		const enqueued = [...main.log().matchAll(new RegExp(`enqueued execution ${id} \\(job (\\d+)\\)`, 'gi'))].map((m) => m[1]);
		const attempts = attemptsOf(emu, executeId);
		const reads = emu.historyReads(executeId);
		check(started.length === 2 && new Set(started).size === 2 && finishedJobs.length === 2, `worker log: started execution ${id} in jobs [${started.join(', ')}], finished in [${finishedJobs.join(', ')}]`);
		check(enqueued.length === 2 && enqueued[1] === started[1], `main log: enqueued execution ${id} as jobs [${enqueued.join(', ')}]`);
		check(attempts.at(-1)?.status === 200 && reads === 2, `callbacks ${JSON.stringify(attempts)}, ${reads} history reads`);
		return (
			`execution ${row.id} waiting after worker job ${started[0]} finished; callbacks answered ${answers(attempts)} by main, which enqueued job ${enqueued[1]}; ` +
			`the worker logged "started execution ${id}" for jobs ${started.join(' and ')}; ${done.status}; history reads ${reads}`
		);
	} finally {
		for (const p of processes.reverse()) await p.stop();
		await redis.stop();
		await postgres.stop();
	}
}
