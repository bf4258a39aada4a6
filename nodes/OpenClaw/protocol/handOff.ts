import { settle } from '../../shared/settle';
import type { TaskFlowClient } from './client';
import { isOutcomeUnknown, OpenClawAbortedError, OpenClawConnectionError, OpenClawDuplicateError, OpenClawInputError, OpenClawTimeoutError } from './errors';
import { biggestField } from './fields';
import { IDEMPOTENCY_FIELD, keyOf } from './handOffKey';
import type { ActionBody, CreateStatus, FlowView, JsonValue, NotifyPolicy, TaskView } from './types';
import { validateAction, validateField } from './validate';

/**
 * Hand-off: turn one result (e.g. a Coze run) into a TaskFlow, at most once per idempotency key.
 * The key is stored in the flow's state (handOffKey.ts) and looked up with `list_flows` before
 * anything is created, and again after a create, so that of two hand-offs of one key at the same
 * time only the older flow stays. After a request whose outcome is unknown (a timeout, a lost
 * answer) the list is read again before anything is repeated.
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
	key: string;
	goal: string;
	/** Stored as `stateJson`, with the key added. */
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

/** The route's flows by idempotency key, read once per execution and kept up to date by the hand-offs. */
export class HandOffIndex {
	private byKey: Map<string, FlowView> | undefined;

	constructor(private readonly client: TaskFlowClient) {}

	async find(key: string, options: { fresh?: boolean } = {}): Promise<FlowView | undefined> {
		if (!this.byKey || options.fresh) {
			const flows = await this.client.listFlows();
			this.byKey = new Map();
			// list_flows is newest first: keep the oldest flow of a key, the one handed off first.
			for (const flow of flows) {
				const key = keyOf(flow);
				if (key !== undefined) this.byKey.set(key, flow);
			}
		}
		return this.byKey.get(key);
	}

	remember(key: string, flow: FlowView): void {
		this.byKey?.set(key, flow);
	}
}

const RECHECK_DELAY_MS = 1_000;

/**
 * The look-up after a create of unknown outcome failed too (e.g. the gateway went down): the
 * create's outcome stays unknown, so that is what the error says, with the create's error class.
 * The look-up's own error alone ("connection refused") would read as if nothing had happened.
 */
function lookUpFailed(created: Error, lookUp: Error): Error {
	if (lookUp instanceof OpenClawAbortedError) return lookUp;
	const message = `${created.message} Hand Off could not look the flow up by its Idempotency Key afterwards either: run the item again once the gateway answers; it finds the flow if it was created, and creates it otherwise.`;
	if (created instanceof OpenClawConnectionError) return new OpenClawConnectionError(message, true, created.code);
	return new OpenClawTimeoutError(message);
}

/** The trimmed key. Throws `OpenClawInputError` when it is empty. */
export function requireIdempotencyKey(key: string): string {
	const trimmed = key.trim();
	if (!trimmed) {
		throw new OpenClawInputError(
			IDEMPOTENCY_FIELD,
			(label) =>
				`${label} is empty: it identifies the result so that it is handed off once. By default it is the Coze execute ID, read from executeId of a Coze Workflow item or body.executeId of a Coze Trigger item; this item has neither, so map ${label} to a field that identifies it.`,
		);
	}
	return trimmed;
}

/** What create_flow sends: the state carries the key. */
function createFields(request: HandOffRequest, key: string): Omit<ActionBody, 'action'> {
	return {
		goal: request.goal,
		stateJson: { ...request.state, [IDEMPOTENCY_FIELD]: key },
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
		const key = requireIdempotencyKey(request.key);
		validateAction({ action: 'create_flow', ...createFields(request, key) });
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
	index: HandOffIndex,
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
	index: HandOffIndex,
	request: HandOffRequest,
	pause: (ms: number) => Promise<void>,
): Promise<HandOffResult> {
	const key = request.key.trim();
	const existing = await index.find(key);
	if (existing) return await completeEarlierHandOff(client, existing, request);

	const fields = createFields(request, key);
	let flow: FlowView | undefined;
	let recovered = false;
	for (let attempt = 1; !flow; attempt++) {
		const created = await settle(async () => await client.createFlow(fields));
		if (!(created instanceof Error)) {
			flow = created;
			break;
		}
		if (!isOutcomeUnknown(created) || attempt >= 3) throw created;
		// The flow may exist now. Give the gateway a moment to finish, then look before creating.
		await pause(RECHECK_DELAY_MS);
		const found = await settle(async () => await index.find(key, { fresh: true }));
		if (found instanceof Error) throw lookUpFailed(created, found);
		if (found) {
			flow = found;
			recovered = true;
		}
	}
	// A flow found again after a lost answer came from a fresh list: it is the oldest already.
	const kept = recovered ? undefined : await keepOldest(client, index, key, flow);
	if (kept) return kept;
	index.remember(key, flow);
	const result: HandOffResult = { created: true, recovered, flow };
	if (request.task) {
		const ran = await runTaskOnce(client, flow.flowId, request.task);
		result.task = ran.task;
		if (ran.flow) result.flow = ran.flow;
	}
	if (request.wait) result.flow = await setWaiting(client, result.flow, request.wait);
	index.remember(key, result.flow);
	return result;
}

/**
 * The plugin has no idempotency of its own: two executions that hand off the same key at once both
 * find nothing and both create. Each lists again after its create; the one whose flow is not the
 * oldest with the key cancels its own flow (it has no tasks yet) and returns the oldest. Of any two
 * creates, the later one's list sees both flows, so one flow stays.
 */
async function keepOldest(client: TaskFlowClient, index: HandOffIndex, key: string, flow: FlowView): Promise<HandOffResult | undefined> {
	const oldest = await index.find(key, { fresh: true });
	if (!oldest || oldest.flowId === flow.flowId) return undefined;
	const cancelled = await settle(async () => await client.cancelFlow(flow.flowId));
	if (cancelled instanceof Error || !cancelled.cancelled) {
		const reason = cancelled instanceof Error ? cancelled.message : (cancelled.reason ?? 'the gateway did not cancel it');
		throw new OpenClawDuplicateError(
			`Another execution handed off the same Idempotency Key at the same time: flow ${oldest.flowId} is the one kept, and this execution's second flow ${flow.flowId} could not be cancelled (${reason}). Cancel it with the Cancel Flow operation.`,
		);
	}
	return { created: false, recovered: false, flow: oldest };
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
			const ran = await runTaskOnce(client, current.flowId, request.task);
			result.task = ran.task;
		}
	}
	if (request.wait && current.status !== 'waiting' && current.status !== 'blocked') {
		result.flow = await setWaiting(client, current, request.wait);
	}
	return result;
}

/** run_task, once: after a lost answer, only a flow without tasks gets one again. */
async function runTaskOnce(client: TaskFlowClient, flowId: string, task: HandOffTask): Promise<{ task?: TaskView; flow?: FlowView }> {
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
