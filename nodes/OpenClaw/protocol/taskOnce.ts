import { settle } from '../../shared/settle';
import type { TaskFlowClient } from './client';
import { isOutcomeUnknown, OpenClawApiError, OpenClawInputError } from './errors';
import { isStateObject, TASK_KEYS_FIELD } from './flowKeys';
import type { ActionBody, FlowView, JsonValue, TaskView } from './types';

/**
 * run_task at most once per key. The plugin cannot list a flow's tasks (only count them), so the
 * flow's state keeps a ledger, `taskKeys`: before the task is started its key is claimed with the
 * task count of that moment, and afterwards the task's ID is recorded. Both writes name the flow's
 * revision, so of two runs of one key only one claims it. Running the key again then finds the task
 * ID, or, when the earlier run stopped between claim and record, tells by the count whether the
 * task was started.
 *
 * The writes keep the flow's status: resume_flow with the status it has for a queued or running
 * flow, set_waiting with its wait and block for a waiting or blocked one. Each raises the revision.
 */

interface LedgerEntry {
	tasksBefore: number;
	taskId?: string;
}

export interface TaskOnceResult {
	/** False when a task with this key was started before. */
	created: boolean;
	flow: FlowView;
	/** The new task; for one started before, only its ID, when the ledger has it. */
	task?: TaskView;
	taskId?: string;
}

const MAX_CONFLICTS = 5;
const ACTIVE = new Set(['queued', 'running', 'waiting', 'blocked']);

function ledgerOf(flow: FlowView): Record<string, LedgerEntry> {
	const state = flow.stateJson;
	const ledger = isStateObject(state) ? state[TASK_KEYS_FIELD] : undefined;
	if (!isStateObject(ledger)) return {};
	const entries: Record<string, LedgerEntry> = {};
	for (const [key, value] of Object.entries(ledger)) {
		if (!isStateObject(value) || typeof value.tasksBefore !== 'number') continue;
		entries[key] = { tasksBefore: value.tasksBefore, ...(typeof value.taskId === 'string' ? { taskId: value.taskId } : {}) };
	}
	return entries;
}

/** Writes `entry` for every key into the flow's ledger, keeping its status. A revision conflict is returned, not thrown. */
async function writeLedger(client: TaskFlowClient, flow: FlowView, keys: string[], entry: LedgerEntry): Promise<FlowView | OpenClawApiError> {
	const state = isStateObject(flow.stateJson) ? flow.stateJson : {};
	const ledger: Record<string, JsonValue> = { ...(ledgerOf(flow) as unknown as Record<string, JsonValue>) };
	for (const key of keys) ledger[key] = { ...entry };
	const stateJson = { ...state, [TASK_KEYS_FIELD]: ledger };
	const waiting = flow.status === 'waiting' || flow.status === 'blocked';
	const fields: Omit<ActionBody, 'action' | 'flowId' | 'expectedRevision'> = waiting
		? { stateJson, waitJson: flow.waitJson ?? null, blockedTaskId: flow.blockedTaskId, blockedSummary: flow.blockedSummary }
		: { stateJson, status: flow.status };
	const written = await settle(async () =>
		await client.mutate(waiting ? 'set_waiting' : 'resume_flow', flow.flowId, fields, { revision: flow.revision, onConflict: 'fail', maxRetries: 0 }),
	);
	if (written instanceof OpenClawApiError && written.details.code === 'revision_conflict') return written;
	if (written instanceof Error) throw written;
	return written.flow;
}

function notAnObject(flowId: string): OpenClawInputError {
	return new OpenClawInputError(
		'Flow',
		`The state of flow ${flowId} is not an object: Run Task keeps its key there (${TASK_KEYS_FIELD}) to start the task once. Give the flow an object state (e.g. with Set Waiting), or leave Idempotency Key empty on node version 1.`,
	);
}

export async function runTaskOnce(client: TaskFlowClient, keys: string[], fields: Omit<ActionBody, 'action'> & { flowId: string }): Promise<TaskOnceResult> {
	for (let conflicts = 0; ; conflicts++) {
		const flow = await client.getFlow(fields.flowId);
		// A flow that is missing, finished or being cancelled gets no task: the gateway says why.
		if (!flow || !ACTIVE.has(flow.status) || flow.cancelRequestedAt !== undefined) return { created: true, ...(await client.runTask(fields)) };
		if (flow.stateJson !== undefined && flow.stateJson !== null && !isStateObject(flow.stateJson)) throw notAnObject(flow.flowId);
		const ledger = ledgerOf(flow);
		const entry = keys.map((key) => ledger[key]).find((found) => found !== undefined);
		if (entry?.taskId) return { created: false, flow, taskId: entry.taskId };
		const summary = await client.getTaskSummary(flow.flowId);
		const total = summary?.total ?? 0;
		// Claimed by a run that stopped before it recorded the task: the count tells whether it started it.
		if (entry && total > entry.tasksBefore) return { created: false, flow };
		const claimed = entry ? flow : await writeLedger(client, flow, keys, { tasksBefore: total });
		if (claimed instanceof Error) {
			if (conflicts >= MAX_CONFLICTS) throw claimed;
			continue;
		}
		const ran = await settle(async () => await client.runTask(fields));
		if (ran instanceof Error) {
			if (!isOutcomeUnknown(ran)) throw ran;
			// The answer was lost: the count tells whether the task started; running the item again finds out too.
			const after = await client.getTaskSummary(flow.flowId);
			if (after && after.total > total) return { created: true, flow: claimed };
			return { created: true, ...(await client.runTask(fields)) };
		}
		return { created: true, task: ran.task, flow: (await recordTask(client, ran.flow, keys, total, ran.task.taskId)) ?? ran.flow };
	}
}

/** Records the task's ID in the ledger; a flow changed meanwhile is read again. Undefined if it could not be. */
async function recordTask(client: TaskFlowClient, flow: FlowView, keys: string[], tasksBefore: number, taskId: string): Promise<FlowView | undefined> {
	let current: FlowView | null = flow;
	for (let attempt = 0; current && attempt < 3; attempt++) {
		const written = await settle(async () => await writeLedger(client, current!, keys, { tasksBefore, taskId }));
		// The task is started either way; without its ID in the ledger the count still tells.
		if (written instanceof OpenClawApiError && written.details.code === 'revision_conflict') current = await client.getFlow(flow.flowId);
		else return written instanceof Error ? undefined : written;
	}
	return undefined;
}
