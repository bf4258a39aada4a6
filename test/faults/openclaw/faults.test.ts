// The OpenClaw fault matrix: the OpenClaw TaskFlow node against a real gateway that is stopped,
// killed and restarted mid-request, held at its in-flight limit, its body timeout and its body size
// limit. One test per cell of cells.ts; docs/faults-openclaw.md is rendered from the same data. The
// gateway is this file's own, started with startGateway (the shared one must not be stopped).
import { N8N_LOG_FILE } from '../../engine/debug-logging';

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { inspect } from 'node:util';

import type { INodeParameters } from 'n8n-workflow';

import { runNode, TestCredentialsHelper, type NodeRunResult } from '../../harness/engine';
import { isGatewayOf, readPid, routeAction, startGateway, type RunningGateway } from '../../openclaw/gateway';
import { CACHE_DIR, isAlive, REPO_ROOT } from '../../support/cache';
import { activeResources, assertNoLeaks } from '../../support/leaks';
import { captureLoggerLines, runSurfaces } from '../../support/secret-surfaces';
import { FAULT_CELLS, type ErrorExpectation, type FaultCell } from './cells';
import { FAULT_DOC_PATH, renderFaultDoc } from './doc';
import { startFront, type Front, type FrontRequest } from './front';

const ROUTE_IDS = FAULT_CELLS.map((cell) => cell.id);
const FAULTS_DIR = join(CACHE_DIR, 'openclaw-faults');
/** The most the gateway may take to log a signal it got (only an upper bound for a wait). */
const LOG_WAIT_MS = 20_000;

const cellById = (id: string): FaultCell => {
	const cell = FAULT_CELLS.find((c) => c.id === id);
	if (!cell) throw new Error(`no cell ${id}`);
	return cell;
};

// ---------------------------------------------------------------------------------------------
// Secrets: the canary the node's credential holds, the real route secrets, and what the runs showed

const canary = `whsec-canary-${randomBytes(12).toString('hex')}`;
const secrets = new Set<string>([canary]);
/** Everything the node runs showed (errors with stack and cause, items, hints), for the final sweep. */
const shown: string[] = [];
let logLines: string[] = [];

/** What one run showed, plus the error's nested causes as util.inspect prints them. */
function surfaces(result: NodeRunResult): string {
	return [runSurfaces(result), inspect(result.run.data.resultData.error, { depth: 8 })].join('\n');
}

function assertNoSecretIn(text: string, where: string): void {
	for (const secret of secrets) {
		const at = text.indexOf(secret);
		assert.equal(at, -1, `a secret appears in ${where}: …${text.slice(Math.max(0, at - 160), at)}<SECRET>`);
	}
}

// ---------------------------------------------------------------------------------------------
// The gateway (restartable on its state folder) and the front the node talks to

let gateway: RunningGateway | undefined;
let front: Front;
let runDir: string;

function gatewayLogCount(pattern: string): number {
	try {
		return readFileSync(join(runDir, 'logs', 'gateway.out'), 'utf8').split(pattern).length - 1;
	} catch {
		return 0;
	}
}

async function startOurGateway(fresh: boolean): Promise<RunningGateway> {
	const started = await startGateway({ routeIds: ROUTE_IDS, dir: runDir, fresh });
	for (const route of Object.values(started.routes)) secrets.add(route.secret);
	await front.up({ baseUrl: started.baseUrl, secrets: Object.fromEntries(Object.values(started.routes).map((r) => [r.path, r.secret])) });
	gateway = started;
	return started;
}

function live(): RunningGateway {
	assert.ok(gateway, 'the gateway is running');
	return gateway;
}

/** A crash: SIGKILL, and the address refuses connections at once (as the gateway's own port would). */
async function killGateway(): Promise<void> {
	const running = live();
	gateway = undefined;
	process.kill(running.pid, 'SIGKILL');
	await front.down();
	await running.stop(); // waits for the exit, removes the lock files
}

/** A normal stop: SIGTERM; the address is closed once the gateway has exited. */
async function stopGateway(running = live()): Promise<void> {
	gateway = undefined;
	await running.stop();
	await front.down();
}

/** Gateways of earlier runs of this file that were killed with it (SIGKILL leaves no exit hook). */
function cleanUpEarlierRuns(): void {
	if (!existsSync(FAULTS_DIR)) return;
	for (const name of readdirSync(FAULTS_DIR)) {
		const dir = join(FAULTS_DIR, name);
		const owner = readPid(join(dir, 'owner.pid'));
		if (owner !== undefined && owner !== process.pid && isAlive(owner)) continue;
		const pid = readPid(join(dir, 'gateway.pid'));
		if (pid !== undefined && isGatewayOf(pid, join(dir, 'openclaw.json'))) process.kill(pid, 'SIGKILL');
		rmSync(dir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// Running the node, reading the flows, and a raw client

const routePath = (id: string) => `/plugins/webhooks/${id}`;
const routeUrl = (id: string) => `${front.url}${routePath(id)}`;

async function runOn(id: string, parameters: INodeParameters): Promise<NodeRunResult> {
	const result = await runNode({
		node: 'openClawTaskFlow',
		credentialTypes: ['openClawWebhookApi'],
		credentials: new TestCredentialsHelper({
			openClawWebhookApi: { gatewayUrl: front.url, routePath: routePath(id), secret: canary, headerStyle: 'bearer' },
		}),
		parameters: { options: {}, ...parameters },
	});
	const text = surfaces(result);
	shown.push(`### ${id}\n${text}`);
	assertNoSecretIn(text, `the run of ${id}`);
	return result;
}

type Flow = Record<string, unknown> & { flowId: string; goal: string; revision: number; status: string; stateJson?: { idempotencyKey?: string } };

/** The route's flows, read from the gateway directly with its real secret. */
async function flowsOf(id: string): Promise<Flow[]> {
	const answer = await routeAction(live().routes[id], { action: 'list_flows' });
	assert.equal(answer.status, 200, `list_flows on ${id}: ${answer.body}`);
	return (JSON.parse(answer.body) as { result: { flows: Flow[] } }).result.flows;
}

function countByAction(requests: FrontRequest[], id: string): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const r of requests) if (r.path === routePath(id)) counts[r.action ?? '?'] = (counts[r.action ?? '?'] ?? 0) + 1;
	return counts;
}

function templateRegExp(template: string, values: { route?: string; id?: string }): RegExp {
	const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const source = literal(template)
		.replace(/\\\{route\\\}/g, literal(values.route ?? ''))
		.replace(/\\\{id\\\}/g, literal(values.id ?? ''))
		.replace(/\\\{n\\\}/g, '\\d+');
	return new RegExp(`^${source}$`);
}

function assertError(result: NodeRunResult, expected: ErrorExpectation | undefined, values: { route?: string; id?: string }): void {
	assert.ok(expected, 'the cell names this error');
	assert.equal(result.status, 'error', `expected an error, got ${JSON.stringify(result.items.map((i) => i.json))}`);
	const error = result.error!;
	assert.equal(error.name, expected.class);
	assert.match(error.message, templateRegExp(expected.message, values));
	if (expected.description !== undefined) assert.equal(error.description, expected.description);
	if (expected.httpCode !== undefined) assert.equal(error.httpCode, expected.httpCode);
	assert.doesNotMatch(String(error.description ?? ''), /\n\s+at /, 'no stack trace in the description');
}

interface RawAnswer {
	status: number;
	headers: Record<string, string>;
	body: string;
	/** From the first byte sent to the connection's close. */
	ms: number;
}

/**
 * One POST on its own connection straight to the gateway: headers and the first `sendBytes` of
 * the body now, more with `send()` (or never). The gateway closes the connection after its
 * answer (`Connection: close`), which ends the answer.
 */
function rawPost(id: string, body: string, sendBytes = Buffer.byteLength(body)): { answer: Promise<RawAnswer>; send(count?: number): void } {
	const running = live();
	const route = running.routes[id];
	const bytes = Buffer.from(body);
	const socket = connect(running.port, '127.0.0.1');
	const started = Date.now();
	const chunks: Buffer[] = [];
	const answer = new Promise<RawAnswer>((resolve, reject) => {
		socket.on('data', (chunk: Buffer) => chunks.push(chunk));
		socket.on('error', reject);
		socket.on('close', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			const [head, ...rest] = text.split('\r\n\r\n');
			const [statusLine, ...headerLines] = head.split('\r\n');
			const headers: Record<string, string> = {};
			for (const line of headerLines) {
				const colon = line.indexOf(':');
				if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
			}
			resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body: rest.join('\r\n\r\n'), ms: Date.now() - started });
		});
	});
	socket.write(
		`POST ${route.path} HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${route.secret}\r\n` +
			`Content-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`,
	);
	let sent = Math.min(sendBytes, bytes.length);
	socket.write(bytes.subarray(0, sent));
	const send = (count = bytes.length - sent) => {
		if (socket.destroyed || sent >= bytes.length) return;
		socket.write(bytes.subarray(sent, sent + count));
		sent += count;
	};
	return { answer, send };
}

/** `count` raw create_flow requests whose bodies stay open until `finish()`; resolves once the gateway counts them in flight. */
async function holdSlots(id: string, count: number, goal: (n: number) => string): Promise<{ finish(): void; answers: Promise<RawAnswer[]> }> {
	const held = Array.from({ length: count }, (_, n) => rawPost(id, JSON.stringify({ action: 'create_flow', goal: goal(n) }), 10));
	// The gateway counts a request in flight once it has read its headers: a probe answered 429
	// shows that all of them are in. A probe answered 200 came too early; it creates nothing.
	for (let attempt = 0; ; attempt++) {
		const probe = await rawPost(id, '{"action":"list_flows"}').answer;
		if (probe.status === 429) break;
		assert.ok(attempt < 50, `the gateway never answered 429 with ${count} requests in flight (last probe: ${probe.status})`);
		await delay(100);
	}
	return { finish: () => held.forEach((h) => h.send()), answers: Promise.all(held.map((h) => h.answer)) };
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
	let resolve!: (value: T) => void;
	const promise = new Promise<T>((r) => (resolve = r));
	return { promise, resolve };
}

const createFlowParams = (goal: string): INodeParameters => ({ operation: 'createFlow', goal });
const handOffParams = (key: string, extra: INodeParameters = {}): INodeParameters => ({
	operation: 'handOff',
	goal: `Hand off ${key}`,
	idempotencyKey: key,
	...extra,
});
const flowRef = (flowId: string): INodeParameters => ({ __rl: true, mode: 'id', value: flowId }) as unknown as INodeParameters;
const createdBody = (goal: string) => JSON.stringify({ action: 'create_flow', goal, status: 'queued', notifyPolicy: 'done_only' });

/** What the cells measured, printed at the end (for the report, not asserted as times). */
const measured: string[] = [];

// ---------------------------------------------------------------------------------------------

describe('OpenClaw faults against the real gateway', { timeout: 20 * 60_000 }, () => {
	before(async () => {
		logLines = captureLoggerLines();
		cleanUpEarlierRuns();
		runDir = join(FAULTS_DIR, `${process.pid}-${randomBytes(3).toString('hex')}`);
		mkdirSync(runDir, { recursive: true });
		front = await startFront(canary);
		const started = Date.now();
		await startOurGateway(true);
		measured.push(`gateway start (${ROUTE_IDS.length} routes): ${((Date.now() - started) / 1000).toFixed(1)} s`);
		// One run first, so that what n8n creates once per process (its logger's file) is not taken for a leak.
		const warm = await runOn('size-at-limit', { operation: 'findLatestFlow' });
		assert.equal(warm.status, 'success', warm.error?.message);
	});

	after(async () => {
		await front?.close();
		if (gateway) await stopGateway(gateway);
		if (runDir) rmSync(runDir, { recursive: true, force: true });
		if (measured.length) console.log(`openclaw faults, measured:\n  ${measured.join('\n  ')}`);
	});

	const registered = new Set<string>();

	/** One cell: the gateway is up and the route empty at its start; its checks, then nothing left open. */
	const cell = (id: string, body: (data: FaultCell, since: () => FrontRequest[]) => Promise<void>) => {
		const data = cellById(id);
		registered.add(id);
		it(`${id}: ${data.fault}`, async () => {
			if (!gateway) await startOurGateway(false); // an earlier cell failed with the gateway down
			const before = activeResources();
			const mark = front.requests.length;
			const since = () => front.requests.slice(mark).filter((r) => r.path === routePath(id));
			try {
				assert.equal((await flowsOf(id)).length, 0, 'the route has no flows yet');
				await body(data, since);
				if (data.requests) assert.deepEqual(countByAction(since(), id), data.requests, 'requests that reached the gateway');
			} finally {
				front.plan = () => undefined;
			}
			await assertNoLeaks(before, { label: id });
		});
	};

	const isCreate = (id: string) => (r: FrontRequest) => r.path === routePath(id) && r.action === 'create_flow';
	const never = () => new Promise<void>(() => {});

	cell('sigterm-in-flight', async (data, since) => {
		const body = deferred();
		let heldOne = false;
		front.plan = (r) => {
			if (heldOne || !isCreate(data.id)(r)) return undefined;
			heldOne = true;
			return { holdBody: body.promise };
		};
		const first = runOn(data.id, createFlowParams('in flight at SIGTERM'));
		// Admitted: the gateway answered 100 Continue, so it counts the request as its work.
		await front.when((r) => isCreate(data.id)(r) && r.continued === true);
		const running = live();
		gateway = undefined;
		const sigterms = gatewayLogCount('received SIGTERM');
		const stopping = running.stop();
		for (const deadline = Date.now() + LOG_WAIT_MS; gatewayLogCount('received SIGTERM') === sigterms; ) {
			assert.ok(Date.now() < deadline, 'the gateway logs the SIGTERM');
			await delay(50);
		}
		// Draining: the gateway still listens, but admits nothing new; the node waits and asks again.
		const draining = (r: FrontRequest) => isCreate(data.id)(r) && r.body.includes('sent while draining');
		const second = runOn(data.id, { ...createFlowParams('sent while draining'), options: { timeout: 120 } });
		const refusals = () => since().filter((r) => draining(r) && r.status === 503);
		await front.when(() => refusals().length >= 2);
		for (const refused of refusals()) {
			assert.equal((JSON.parse(refused.answerText ?? '{}') as { error?: { code?: string } }).error?.code, 'gateway_unavailable');
			assert.equal(refused.answerHeaders?.['retry-after'], '1');
		}
		// From here the front holds new requests until the gateway is back, as a restart behind a
		// waiting proxy would; then the admitted request may finish and the gateway exit.
		front.holdNew();
		body.resolve();
		const completed = await first;
		assert.equal(completed.status, 'success', completed.error?.message);
		assert.equal(completed.items[0].json.goal, 'in flight at SIGTERM');
		await stopping;
		await startOurGateway(false);
		const later = await second;
		assert.equal(later.status, 'success', later.error?.message);
		assert.equal(later.items[0].json.goal, 'sent while draining');
		assert.equal(since().filter(draining).length, 3, 'two refused while draining, one taken after the restart');
		const flows = await flowsOf(data.id);
		assert.equal(flows.length, data.flows.after);
		assert.deepEqual(
			flows.map((f) => f.goal).sort(),
			['in flight at SIGTERM', 'sent while draining'],
			'the admitted create is kept; the refused one was sent again and created its flow once',
		);
	});

	cell('sigkill-body-in-flight', async (data) => {
		const key = 'key-body-in-flight';
		front.plan = (r) => (isCreate(data.id)(r) ? { holdBody: never() } : undefined);
		const run = runOn(data.id, handOffParams(key));
		await front.when((r) => isCreate(data.id)(r) && r.headSent === true);
		await killGateway();
		assertError(await run, data.errors?.first, { route: routeUrl(data.id) });
		front.plan = () => undefined;
		await startOurGateway(false);
		assert.equal((await flowsOf(data.id)).length, data.flows.after, 'the incomplete request created nothing');
		const rerun = await runOn(data.id, handOffParams(key));
		assert.equal(rerun.status, 'success', rerun.error?.message);
		assert.equal(rerun.items[0].json.created, true);
		const flows = await flowsOf(data.id);
		assert.equal(flows.length, data.flows.afterRerun);
		assert.deepEqual(
			flows.map((f) => f.stateJson?.idempotencyKey),
			[key],
		);
	});

	/** The gateway carries out the create, and is killed before its answer reaches the node. */
	async function killAfterCreate(id: string, parameters: INodeParameters): Promise<{ failed: NodeRunResult; flowId: string }> {
		const killed = deferred();
		front.plan = (r) =>
			isCreate(id)(r)
				? {
						onAnswer: async (): Promise<'drop'> => {
							await killed.promise;
							return 'drop';
						},
					}
				: undefined;
		const run = runOn(id, parameters);
		const answered = await front.when((r) => isCreate(id)(r) && r.status !== undefined);
		assert.equal(answered.status, 200, answered.answerText);
		const flowId = (JSON.parse(answered.answerText ?? '{}') as { result: { flow: { flowId: string } } }).result.flow.flowId;
		await killGateway();
		killed.resolve();
		const failed = await run;
		front.plan = () => undefined;
		await startOurGateway(false);
		return { failed, flowId };
	}

	cell('sigkill-answer-lost-handoff', async (data) => {
		const key = 'key-answer-lost';
		const { failed, flowId } = await killAfterCreate(data.id, handOffParams(key));
		assertError(failed, data.errors?.first, { route: routeUrl(data.id) });
		assert.deepEqual(
			(await flowsOf(data.id)).map((f) => f.flowId),
			[flowId],
			'the flow survived the kill and the restart',
		);
		assert.equal((await flowsOf(data.id)).length, data.flows.after);
		const rerun = await runOn(data.id, handOffParams(key));
		assert.equal(rerun.status, 'success', rerun.error?.message);
		assert.equal(rerun.items[0].json.created, false, 'the re-run found the flow');
		assert.equal(rerun.items[0].json.flowId, flowId);
		const flows = await flowsOf(data.id);
		assert.equal(flows.length, data.flows.afterRerun);
		assert.deepEqual(
			flows.map((f) => f.flowId),
			[flowId],
		);
	});

	cell('sigkill-answer-lost-create', async (data) => {
		const { failed, flowId } = await killAfterCreate(data.id, createFlowParams('lost in the kill'));
		assertError(failed, data.errors?.first, { route: routeUrl(data.id) });
		const flows = await flowsOf(data.id);
		assert.equal(flows.length, data.flows.after);
		assert.deepEqual(
			flows.map((f) => f.flowId),
			[flowId],
		);
	});

	cell('restart-between-calls', async (data) => {
		const finish = (flowId: string) => ({ operation: 'finishFlow', flowId: flowRef(flowId), revision: 'expected', expectedRevision: 1 });
		const created = await runOn(data.id, createFlowParams('restart between calls'));
		assert.equal(created.status, 'success', created.error?.message);
		const flowId = created.items[0].json.flowId as string;
		const waiting = await runOn(data.id, { operation: 'setWaiting', flowId: flowRef(flowId), revision: 'expected', expectedRevision: 0 });
		assert.equal(waiting.items[0].json.revision, 1, waiting.error?.message);
		const beforeRestart = await flowsOf(data.id);
		assert.equal(beforeRestart.length, data.flows.before);
		await stopGateway();
		assertError(await runOn(data.id, finish(flowId)), data.errors?.whileDown, { route: routeUrl(data.id) });
		await startOurGateway(false);
		assert.deepEqual(await flowsOf(data.id), beforeRestart, 'the flows are all there, unchanged');
		const finished = await runOn(data.id, finish(flowId));
		assert.equal(finished.status, 'success', finished.error?.message);
		assert.equal(finished.items[0].json.revision, 2);
		assert.equal(finished.items[0].json.status, 'succeeded');
		assert.equal(finished.items[0].json.appliedOnRevision, 1);
		assertError(await runOn(data.id, finish(flowId)), data.errors?.stale, { route: routeUrl(data.id), id: flowId });
		const flows = await flowsOf(data.id);
		assert.equal(flows.length, data.flows.after);
		assert.equal(flows[0].revision, 2, 'applied once');
	});

	cell('inflight-node', async (data, since) => {
		front.resetPeak();
		front.plan = (r) => (isCreate(data.id)(r) ? { holdBody: delay(1_500) } : undefined);
		const goals = Array.from({ length: 12 }, (_, n) => `parallel ${n + 1}`);
		const runs = await Promise.all(goals.map((goal) => runOn(data.id, createFlowParams(goal))));
		for (const run of runs) assert.equal(run.status, 'success', run.error?.message);
		measured.push(`in flight at the gateway from 12 parallel executions: peak ${front.peakAtGateway}`);
		assert.equal(front.peakAtGateway, 8, 'at most 8 at the gateway, and the gate lets 8 through');
		assert.deepEqual(
			since().map((r) => r.status),
			goals.map(() => 200),
			'no 429',
		);
		const flows = await flowsOf(data.id);
		assert.equal(flows.length, data.flows.after);
		assert.deepEqual(flows.map((f) => f.goal).sort(), [...goals].sort());
	});

	cell('inflight-raw', async (data) => {
		const goals = Array.from({ length: 8 }, (_, n) => `raw in flight ${n + 1}`);
		const slots = await holdSlots(data.id, 8, (n) => goals[n]);
		const ninth = await rawPost(data.id, JSON.stringify({ action: 'create_flow', goal: 'raw ninth' })).answer;
		assert.equal(ninth.status, 429);
		assert.equal(ninth.body, 'Too Many Requests');
		slots.finish();
		assert.deepEqual(
			(await slots.answers).map((a) => a.status),
			goals.map(() => 200),
		);
		const flows = await flowsOf(data.id);
		assert.equal(flows.length, data.flows.after);
		assert.deepEqual(flows.map((f) => f.goal).sort(), [...goals].sort(), 'the 9th created nothing');
	});

	cell('inflight-other-client', async (data, since) => {
		const slots = await holdSlots(data.id, 8, (n) => `other client ${n + 1}`);
		const refused = front.when((r) => isCreate(data.id)(r) && r.status === 429);
		const run = runOn(data.id, createFlowParams('behind the other client'));
		await refused;
		slots.finish();
		await slots.answers;
		const result = await run;
		assert.equal(result.status, 'success', result.error?.message);
		assert.deepEqual(
			since().map((r) => r.status),
			[429, 200],
		);
		const flows = await flowsOf(data.id);
		assert.equal(flows.length, data.flows.after);
		assert.equal(flows.filter((f) => f.goal === 'behind the other client').length, 1);
	});

	cell('body-timeout-raw', async (data) => {
		const stalled = rawPost(data.id, JSON.stringify({ action: 'create_flow', goal: 'stalled' }), 10);
		// A body that keeps coming, one byte every 500 ms (it would take 30 s in all).
		const trickleBody = JSON.stringify({ action: 'create_flow', goal: 'trickled' }).padEnd(60, ' ');
		const trickle = rawPost(data.id, trickleBody, 0);
		const timer = setInterval(() => trickle.send(1), 500);
		let answers: RawAnswer[];
		try {
			answers = await Promise.all([stalled.answer, trickle.answer]);
		} finally {
			clearInterval(timer);
		}
		for (const answer of answers) {
			assert.equal(answer.status, 408);
			assert.equal(answer.body, 'Request body timeout');
			assert.equal(answer.headers.connection, 'close');
		}
		measured.push(`body timeout: 408 after ${(answers[0].ms / 1000).toFixed(1)} s (stalled), ${(answers[1].ms / 1000).toFixed(1)} s (trickling)`);
		assert.equal((await flowsOf(data.id)).length, data.flows.after);
	});

	cell('body-timeout-node', async (data) => {
		front.plan = (r) => (isCreate(data.id)(r) ? { holdBody: never() } : undefined);
		assertError(await runOn(data.id, createFlowParams('held upload')), data.errors?.first, { route: routeUrl(data.id) });
		assert.equal((await flowsOf(data.id)).length, data.flows.after);
	});

	const LIMIT = 262_144;
	const limitGoal = (bytes: number) => 'g'.repeat(bytes - Buffer.byteLength(createdBody('')));

	cell('size-at-limit', async (data, since) => {
		const goal = limitGoal(LIMIT);
		const result = await runOn(data.id, createFlowParams(goal));
		assert.equal(result.status, 'success', result.error?.message);
		assert.deepEqual(
			since().map((r) => r.bytes),
			[LIMIT],
			'the body sent was exactly 256 KiB',
		);
		const flows = await flowsOf(data.id);
		assert.equal(flows.length, data.flows.after);
		assert.equal(flows[0].goal, goal);
	});

	cell('size-over-limit', async (data) => {
		assertError(await runOn(data.id, createFlowParams(limitGoal(LIMIT + 1))), data.errors?.first, {});
		assert.equal((await flowsOf(data.id)).length, data.flows.after);
	});

	cell('size-over-handoff', async (data) => {
		assertError(await runOn(data.id, handOffParams('key-too-big', { result: 'r'.repeat(270_000) })), data.errors?.first, {});
		assert.equal((await flowsOf(data.id)).length, data.flows.after);
	});

	cell('size-raw', async (data) => {
		const body = (bytes: number) =>
			JSON.stringify({ action: 'create_flow', goal: 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify({ action: 'create_flow', goal: '' }))) });
		assert.equal(Buffer.byteLength(body(LIMIT)), LIMIT);
		const atLimit = await rawPost(data.id, body(LIMIT)).answer;
		assert.equal(atLimit.status, 200, atLimit.body.slice(0, 200));
		const over = await rawPost(data.id, body(LIMIT + 1)).answer;
		assert.equal(over.status, 413);
		assert.equal(over.body, 'Payload too large');
		assert.equal(over.headers.connection, 'close');
		assert.equal((await flowsOf(data.id)).length, data.flows.after);
	});

	it('the leak check notices a socket or a timer left open', async () => {
		const before = activeResources();
		const timer = setTimeout(() => {}, 60_000);
		const socket = connect(Number(new URL(front.url).port), '127.0.0.1');
		await new Promise((resolve) => socket.once('connect', resolve));
		await assert.rejects(assertNoLeaks(before, { settleMs: 200 }), /left resources open: .*TCPSocketWrap.*Timeout/);
		clearTimeout(timer);
		socket.destroy();
		await assertNoLeaks(before);
	});

	it(`${FAULT_DOC_PATH} is the table of the cells, and every cell has its test`, () => {
		assert.deepEqual([...registered].sort(), [...ROUTE_IDS].sort());
		const path = join(REPO_ROOT, FAULT_DOC_PATH);
		const rendered = renderFaultDoc();
		if (process.env.UPDATE_FAULT_DOCS === '1') {
			mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
			writeFileSync(path, rendered);
		}
		assert.ok(existsSync(path), `${FAULT_DOC_PATH} is missing: run UPDATE_FAULT_DOCS=1 npm test -- test/faults/openclaw/faults.test.ts`);
		assert.equal(
			readFileSync(path, 'utf8'),
			rendered,
			`${FAULT_DOC_PATH} differs from the cells: run UPDATE_FAULT_DOCS=1 npm test -- test/faults/openclaw/faults.test.ts`,
		);
	});

	it('no canary or route secret appears in any error, output or log line', () => {
		if (existsSync(N8N_LOG_FILE)) logLines.push(...readFileSync(N8N_LOG_FILE, 'utf8').split('\n'));
		// The sweep must have material: the runs of every cell, n8n's debug lines, the secrets of every start.
		assert.ok(shown.length >= 25, `only ${shown.length} runs recorded`);
		assert.ok(
			logLines.some((line) => /debug/i.test(line)),
			"n8n's debug logging was captured",
		);
		assert.ok(secrets.size >= 1 + ROUTE_IDS.length * 2, 'the route secrets of every start are searched for');
		const everything = [...shown, ...logLines].join('\n');
		assertNoSecretIn(everything, 'the runs or the logs');
		assert.match(everything, /may or may not have been carried out/, 'the failures are in the material');
	});
});
