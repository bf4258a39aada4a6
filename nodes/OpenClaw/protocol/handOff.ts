import { settle } from '../../shared/settle';
import type { TaskFlowClient } from './client';
import { isOutcomeUnknown, OpenClawInputError } from './errors';
import { biggestField } from './fields';
import { IDEMPOTENCY_FIELD, keyList, stateWithKeys, type CreateKeys } from './flowKeys';
import { createFlowOnce, type CreateOnceLabels, type FlowKeyIndex } from './flowOnce';
import type { ActionBody, CreateStatus, FlowView, JsonValue, NotifyPolicy, TaskView } from './types';
import { validateAction, validateField } from './validate';

/**
 * Hand-off: turn one result (e.g. a Coze run) into a TaskFlow, at most once per key (flowOnce.ts),
 * then give it its child task and waiting state once.
 */

export interface HandOffTask {
	runtime: 'subagent' | 'acp';
	task: string;
	label?: string;
	agentId?: string;
}

export interface HandOffWait {
	currentStep?: string;
	waitJson?: JsonValue;
}

export interface HandOffRequest {
	/** The Idempotency Key as entered: may be empty when `itemKey` is given. */
	key: string;
	/** Where the hand-off runs in n8n (workflow, execution, node, run, item), when n8n says. */
	itemKey?: string;
	goal: string;
	/** Stored as `stateJson`, with the keys added. */
	state: Record<string, JsonValue>;
	controllerId?: string;
	notifyPolicy?: NotifyPolicy;
	status?: CreateStatus;
	currentStep?: string;
	task?: HandOffTask;
	wait?: HandOffWait;
}

export interface HandOffResult {
	/** False when a flow with this key already existed (the item was handed off before). */
	created: boolean;
	/** The flow was created by a request whose answer was lost, and found again by its key. */
	recovered: boolean;
	flow: FlowView;
	task?: TaskView;
	/** The child task already existed on a flow that was handed off before. */
	taskExisted?: boolean;
}

const LABELS: CreateOnceLabels = { operation: 'Hand Off', key: 'Idempotency Key' };

/** The hand-off's keys: the trimmed Idempotency Key, and where it runs. Throws `OpenClawInputError` when it has neither. */
export function handOffKeys(request: Pick<HandOffRequest, 'key' | 'itemKey'>): CreateKeys {
	const trimmed = request.key.trim();
	if (!trimmed && !request.itemKey) {
		throw new OpenClawInputError(
			IDEMPOTENCY_FIELD,
			(label) =>
				`${label} is empty: it identifies the result so that it is handed off once. By default it is the Coze execute ID, read from executeId of a Coze Workflow item or body.executeId of a Coze Trigger item; this item has neither, so map ${label} to a field that identifies it.`,
		);
	}
	return { key: trimmed || undefined, itemKey: request.itemKey };
}

/** What create_flow sends: the state carries the keys. */
function createFields(request: HandOffRequest, keys: CreateKeys): Omit<ActionBody, 'action'> {
	return {
		goal: request.goal,
		stateJson: stateWithKeys(request.state, keys),
		controllerId: request.controllerId,
		notifyPolicy: request.notifyPolicy,
		status: request.status,
		currentStep: request.currentStep,
	};
}

/** What run_task sends: queued (an unbacked running task would block the gateway's shutdown). */
function taskFields(flowId: string, task: HandOffTask): Omit<ActionBody, 'action'> {
	return { flowId, runtime: task.runtime, task: task.task, label: task.label, agentId: task.agentId, status: 'queued' };
}

/** What set_waiting sends besides the flow and its revision. */
function waitFields(wait: HandOffWait): Omit<ActionBody, 'action'> {
	return { currentStep: wait.currentStep, waitJson: wait.waitJson };
}

/**
 * The plugin's fields that a hand-off fills from fields of its own, by the hand-off's names: the
 * state is made of the request's state entries (the biggest is named, e.g. `result`), and the
 * task's runtime is `taskRuntime`.
 */
const HAND_OFF_FIELDS = new Map<string, (request: HandOffRequest) => string | undefined>([
	['stateJson', (request) => biggestField(request.state)],
	['runtime', () => 'taskRuntime'],
]);

/** An input error named in the hand-off's fields, which its user filled in, not the plugin's. */
function inHandOffTerms(error: unknown, request: HandOffRequest): unknown {
	if (!(error instanceof OpenClawInputError)) return error;
	const field = HAND_OFF_FIELDS.get(error.field)?.(request);
	return field === undefined ? error : new OpenClawInputError(field, error.named.say);
}

/**
 * Checks all that a hand-off may send before it looks for an earlier flow (a list_flows request),
 * so that a bad field sends nothing. The flow does not exist yet: a placeholder ID and revision
 * stand in. Throws `OpenClawInputError`, in the hand-off's terms.
 */
export function validateHandOff(request: HandOffRequest): void {
	const { task, wait } = request;
	try {
		validateAction({ action: 'create_flow', ...createFields(request, handOffKeys(request)) });
		if (task) {
			// The runtime first: a wrong one is named even when the task text is missing too.
			validateField('run_task', 'runtime', task.runtime);
			validateAction({ action: 'run_task', ...taskFields('pending', task) });
		}
		if (wait) validateAction({ action: 'set_waiting', flowId: 'pending', expectedRevision: 0, ...waitFields(wait) });
	} catch (error) {
		throw inHandOffTerms(error, request);
	}
}

export async function handOff(
	client: TaskFlowClient,
	index: FlowKeyIndex,
	request: HandOffRequest,
	pause: (ms: number) => Promise<void>,
): Promise<HandOffResult> {
	validateHandOff(request);
	try {
		return await handOffChecked(client, index, request, pause);
	} catch (error) {
		throw inHandOffTerms(error, request);
	}
}

async function handOffChecked(
	client: TaskFlowClient,
	index: FlowKeyIndex,
	request: HandOffRequest,
	pause: (ms: number) => Promise<void>,
): Promise<HandOffResult> {
	const keys = handOffKeys(request);
	const once = await createFlowOnce(client, index, keys, createFields(request, keys), pause, LABELS);
	if (!once.created) return await completeEarlierHandOff(client, once.flow, request);
	const result: HandOffResult = { ...once };
	if (request.task) {
		const ran = await addChildTask(client, once.flow.flowId, request.task);
		result.task = ran.task;
		if (ran.flow) result.flow = ran.flow;
	}
	if (request.wait) result.flow = await setWaiting(client, result.flow, request.wait);
	index.remember(keyList(keys), result.flow);
	return result;
}

/**
 * A flow with this key exists. If it is untouched since its creation (revision 0), finish what
 * the earlier hand-off may not have done (its child task, its waiting state); a flow that has
 * moved on is left as it is.
 */
async function completeEarlierHandOff(client: TaskFlowClient, flow: FlowView, request: HandOffRequest): Promise<HandOffResult> {
	const result: HandOffResult = { created: false, recovered: false, flow };
	const current = (await client.getFlow(flow.flowId)) ?? flow;
	result.flow = current;
	if (current.revision !== 0) return result;
	if (request.task) {
		const summary = await client.getTaskSummary(current.flowId);
		if (summary && summary.total > 0) {
			result.taskExisted = true;
		} else {
			const ran = await addChildTask(client, current.flowId, request.task);
			result.task = ran.task;
		}
	}
	if (request.wait && current.status !== 'waiting' && current.status !== 'blocked') {
		result.flow = await setWaiting(client, current, request.wait);
	}
	return result;
}

/** run_task, once: after a lost answer, only a flow without tasks gets one again. */
async function addChildTask(client: TaskFlowClient, flowId: string, task: HandOffTask): Promise<{ task?: TaskView; flow?: FlowView }> {
	const fields = taskFields(flowId, task);
	const first: { task?: TaskView; flow?: FlowView } | Error = await settle(async () => await client.runTask(fields));
	if (!(first instanceof Error)) return first;
	if (!isOutcomeUnknown(first)) throw first;
	// The answer was lost: a task may exist now. Only a flow without tasks gets one again.
	const summary = await client.getTaskSummary(flowId);
	if (summary && summary.total > 0) return {};
	return await client.runTask(fields);
}

async function setWaiting(client: TaskFlowClient, flow: FlowView, wait: HandOffWait): Promise<FlowView> {
	const result = await client.mutate(
		'set_waiting',
		flow.flowId,
		waitFields(wait),
		{ revision: flow.revision, onConflict: 'fail', maxRetries: 0 },
	);
	return result.flow;
}
