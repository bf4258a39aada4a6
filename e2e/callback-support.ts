/**
 * What the callback scenarios share: starting a Coze run through a callback workflow's webhook,
 * finding its execution in n8n's database by the tag the request carried, and what the emulator
 * saw of the run (callback attempts, history reads).
 */
import { randomBytes } from 'node:crypto';

import { CALLBACK_WORKFLOWS, type CallbackAttempt, type CozeEmulator, type Knobs } from '../test/emulator';
import { httpRequest, type HttpAnswer } from '../test/support/http';
import { waitFor } from '../test/support/wait';
import { CALLBACK_NODES, CALLBACK_PATHS, N8N_WORKFLOWS, requestOf, type CallbackRequest } from './callback-workflows';
import { check } from './checks';
import type { N8nLine } from './install';
import { readExecutions, webhookRequest, type ExecutionRow, type N8nSetup } from './n8n';

export interface CallbackContext {
	line: N8nLine;
	setup: N8nSetup;
	emu: CozeEmulator;
	wanted(name: string): boolean;
	scenario(name: string, body: () => Promise<string>): Promise<boolean>;
	log(line: string): void;
}

export type CozeCallbackWorkflow = keyof typeof CALLBACK_WORKFLOWS;

export const newTag = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

/** The same inputs for every run of a scenario, so a resumed item can be compared with a polled one. */
export const INPUTS = { topic: 'callbacks in n8n' };

/**
 * POSTs to one of the callback workflow's webhooks. n8n 2.x answers once the execution holds its
 * execution slot: a caller that must not wait for that does not await it.
 */
export async function trigger(base: string, path: string, body: Partial<CallbackRequest>): Promise<HttpAnswer> {
	const answer = await webhookRequest(`${base}/webhook/${path}`, JSON.stringify(body));
	check(answer.status === 200, `POST /webhook/${path} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
	return answer;
}

/** Knobs for the next run of a Coze workflow only (e.g. more callback retries). */
export function nextRunKnobs(emu: CozeEmulator, workflow: CozeCallbackWorkflow, knobs: Partial<Knobs>): void {
	emu.setKnobs(knobs, { times: 1, path: '/v1/workflow/run', workflowId: CALLBACK_WORKFLOWS[workflow] });
}

/** Starts a run of a Coze callback workflow through a webhook of the n8n workflow. */
export async function startRun(base: string, path: string, tag: string, workflow: CozeCallbackWorkflow): Promise<HttpAnswer> {
	// A polled run has no callback URL to give, but the workflow requires the input: one that leads nowhere (the emulator calls loopback only).
	const inputs = path === CALLBACK_PATHS.polled ? { ...INPUTS, callback_url: 'http://callback.invalid/' } : INPUTS;
	return await trigger(base, path, { tag, workflowId: CALLBACK_WORKFLOWS[workflow], inputs });
}

/** The execution the request with this tag started, once `ready` holds for it. */
export async function execution(setup: N8nSetup, tag: string, what: string, ready: (row: ExecutionRow) => boolean, timeoutMs = 120_000, workflowId = N8N_WORKFLOWS.coze): Promise<ExecutionRow> {
	let last: ExecutionRow | undefined;
	return await waitFor(`execution "${tag}" ${what}`, timeoutMs, async () => {
		last = (await readExecutions(setup, workflowId)).find((row) => requestOf(row)?.tag === tag);
		if (last && ready(last)) return last;
		throw new Error(`last seen: ${last ? `${last.id} ${last.status}` : 'none'}`);
	}, 500);
}

export const status = async (setup: N8nSetup, tag: string, workflowId = N8N_WORKFLOWS.coze) => (await execution(setup, tag, 'to exist', () => true, 30_000, workflowId)).status;
export const finished = (row: ExecutionRow) => !['new', 'running', 'waiting'].includes(row.status);
/** The first item of a node's run. */
export const item = (row: ExecutionRow, node: string, run = 0) => row.runs[node]?.[run]?.[0];
/** How many times each node ran, for the evidence. */
export const runCounts = (row: ExecutionRow) => Object.fromEntries(Object.entries(row.runs).map(([name, runs]) => [name, runs.length]));

/** The execution parked: status waiting, and the Coze node's pending item names the run. */
export async function parked(setup: N8nSetup, tag: string, node = CALLBACK_NODES.callback): Promise<{ row: ExecutionRow; executeId: string }> {
	const row = await execution(setup, tag, 'to wait or end', (r) => r.status === 'waiting' || finished(r));
	const pending = item(row, node);
	check(row.status === 'waiting', `execution ${row.id} is ${row.status}, not waiting: ${row.error ?? JSON.stringify(pending)}`);
	check(pending?.status === 'running' && typeof pending.executeId === 'string' && pending.output === null, `the pending item: ${JSON.stringify(pending)}`);
	return { row, executeId: pending.executeId };
}

/**
 * Starts a run and holds the emulator's callbacks until its execution waits: the emulated runs are
 * short, and a callback before the waiting state is saved is a case of its own. `whileHeld` runs
 * before the callbacks go (e.g. stopping n8n).
 */
export async function startParked(ctx: CallbackContext, base: string, tag: string, workflow: CozeCallbackWorkflow, whileHeld?: () => Promise<void>): Promise<{ row: ExecutionRow; executeId: string }> {
	const release = ctx.emu.holdCallbacks();
	try {
		await startRun(base, CALLBACK_PATHS.callback, tag, workflow);
		const parkedRun = await parked(ctx.setup, tag);
		await whileHeld?.();
		return parkedRun;
	} finally {
		release();
	}
}

/** The resumed execution: success, the Coze node ran once (not again on the resume) and its item is the run's result. */
export async function resumed(setup: N8nSetup, tag: string, executeId: string, timeoutMs = 120_000): Promise<{ row: ExecutionRow; result: Record<string, unknown> }> {
	const row = await execution(setup, tag, 'to end', finished, timeoutMs);
	const result = item(row, CALLBACK_NODES.callback);
	check(row.status === 'success', `execution ${row.id} ended ${row.status}: ${row.error ?? ''}`);
	check(row.runs[CALLBACK_NODES.callback]?.length === 1 && row.runs[CALLBACK_NODES.done]?.length === 1, `runs: ${JSON.stringify(runCounts(row))}`);
	check(result?.status === 'succeeded' && result.executeId === executeId, `the Coze item: ${JSON.stringify(result).slice(0, 300)}`);
	return { row, result };
}

/** The emulator's callback attempts for one run. */
export const attemptsOf = (emu: CozeEmulator, executeId: string): CallbackAttempt[] => emu.callbacks().filter((a) => a.executeId === executeId);

/** "200, 409 ×3, ECONNREFUSED": the answers the emulator's callbacks got, for the PASS line. */
export function answers(attempts: CallbackAttempt[]): string {
	const labels = attempts.map((a) => (a.status !== undefined ? String(a.status) : (a.error ?? 'error').split(' ')[0]));
	const grouped: string[] = [];
	for (let i = 0; i < labels.length; ) {
		let n = 1;
		while (labels[i + n] === labels[i]) n += 1;
		grouped.push(n > 1 ? `${labels[i]} ×${n}` : labels[i]);
		i += n;
	}
	return grouped.join(', ') || 'none';
}

/** POSTs a callback of our own to a run's callback URL (as a Coze HTTP node would) and returns n8n's answer. */
export async function callBack(url: string, body: object): Promise<{ status: number; body: string }> {
	const answer = await httpRequest('POST', url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), timeoutMs: 60_000 });
	return { status: answer.status, body: answer.body };
}

export function withoutIds(json: Record<string, unknown>): Record<string, unknown> {
	const { executeId: _executeId, debugUrl: _debugUrl, logId: _logId, ...rest } = json;
	return rest;
}

export function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (value === null || typeof value !== 'object') return value;
	return Object.fromEntries(
		Object.entries(value)
			.sort(([a], [b]) => a.localeCompare(b))
			.map(([k, v]) => [k, sortKeys(v)]),
	);
}

export { CALLBACK_PATHS, CALLBACK_NODES, N8N_WORKFLOWS };

/** Adds the emulator's callback attempts to a failure: what n8n answered them is most of the story. */
export async function explained<T>(emu: CozeEmulator, executeId: string, body: Promise<T>): Promise<T> {
	try {
		return await body;
	} catch (error) {
		const attempts = attemptsOf(emu, executeId).map((a) => `${a.delivery}.${a.attempt}: ${a.status ?? a.error ?? '?'}`);
		throw new Error(`${error instanceof Error ? error.message : String(error)}; callbacks: ${attempts.join(', ') || 'none'}; history reads ${emu.historyReads(executeId)}`);
	}
}
