import { readAnswer } from './answer';
import { isOutcomeUnknown, OpenClawAbortedError, OpenClawApiError, OpenClawChangedError, OpenClawInputError, OpenClawRateLimitError } from './errors';
import { biggestField } from './fields';
import { gateFor, type RateGate } from './rateGate';
import { pause, PAUSE_SLICE_MS, type ClientRuntime } from '../../shared/clientRuntime';
import { settle, settleNow } from '../../shared/settle';
import type { WebhookTransport } from './transport';
import type { ActionAnswer, ActionBody, FlowView, JsonValue, RevisedAction, TaskSummary, TaskView } from './types';
import { validateAction } from './validate';

/** The gateway reads at most 256 KiB of body, and refuses a longer one with 413. */
export const MAX_BODY_BYTES = 262_144;

export interface TaskFlowClientOptions {
	transport: WebhookTransport;
	runtime: Pick<ClientRuntime, 'sleep' | 'now' | 'isAborted'>;
	/** The route's URL, for messages and the per-route rate gate. Never holds the secret. */
	route: string;
	/** How long one request may take. */
	timeoutMs: number;
	/** How long a call may wait in all for the rate limit before it gives up. */
	rateLimitMaxWaitMs: number;
	/** How often a `persist_failed` answer (nothing was written) is tried again. */
	persistRetries?: number;
	gate?: RateGate;
}

export interface RevisionPolicy {
	/** A known revision, or `current` to read the flow first. */
	revision: number | 'current';
	onConflict: 'fail' | 'retry';
	/** Retries after a conflict, with the revision the gateway reports. */
	maxRetries: number;
}

/** How a change fills in `stateJson` from the flow as it is, when the caller's new state depends on it. */
export interface StateFromFlow {
	/** Read the flow before the change even when its revision is known: `stateFor` needs it. */
	needsCurrent?: boolean;
	/** The `stateJson` to send, given the flow as last seen (undefined when it was not read). */
	stateFor?: (current: FlowView | undefined) => JsonValue | undefined;
}

export interface MutationResult {
	flow: FlowView;
	/** The revision the change was applied on. */
	appliedOnRevision: number;
	/** Conflicts that were retried. */
	conflictRetries: number;
	/** The answer was lost, but reading the flow showed the change applied. */
	recovered: boolean;
}

export interface CancelResult {
	found: boolean;
	cancelled: boolean;
	/** 202 `cancel_pending`: child tasks are still active; the flow is cancelled once they settle. */
	cancelPending: boolean;
	reason?: string;
	flow?: FlowView;
	tasks: TaskView[];
}


function sameJson(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	const ka = Object.keys(a);
	const kb = Object.keys(b);
	if (ka.length !== kb.length) return false;
	return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Fields a change writes as sent; the gateway omits an empty text field, so "" and null read back as absent. */
const WRITTEN_TEXT = ['currentStep', 'blockedTaskId', 'blockedSummary'] as const;
const WRITTEN_JSON = ['stateJson', 'waitJson'] as const;

/** Whether the flow holds what `body` wrote: another writer's change gives the same status but other values. */
function holdsSentFields(body: ActionBody, flow: FlowView): boolean {
	for (const field of WRITTEN_TEXT) {
		const sent = body[field];
		if (sent === undefined) continue;
		if ((sent === null || sent === '' ? undefined : sent) !== flow[field]) return false;
	}
	for (const field of WRITTEN_JSON) {
		const sent = body[field];
		if (sent !== undefined && !sameJson(sent, flow[field] ?? null)) return false;
	}
	return true;
}

/** What an action's fields must look like after a change, to recognise a change whose answer was lost. */
function looksApplied(action: RevisedAction, body: ActionBody, flow: FlowView): boolean {
	return statusAfter(action, body, flow) && holdsSentFields(body, flow);
}

function statusAfter(action: RevisedAction, body: ActionBody, flow: FlowView): boolean {
	switch (action) {
		case 'finish_flow':
			return flow.status === 'succeeded';
		case 'fail_flow':
			return flow.status === 'failed';
		case 'set_waiting':
			return flow.status === 'waiting' || flow.status === 'blocked';
		case 'resume_flow':
			return flow.status === (body.status ?? 'queued');
		case 'request_cancel':
			return flow.cancelRequestedAt !== undefined;
	}
}

/**
 * The answer was lost and the flow moved on, but not to what was sent: another writer changed it,
 * so whether this change landed (and was overwritten) or not cannot be told.
 */
function changedByOther(lost: Error, flow: FlowView, revision: number): OpenClawChangedError {
	return new OpenClawChangedError(
		`${lost.message} Reading the flow afterwards found it at revision ${flow.revision} (${flow.status}), changed from revision ${revision} but not to the values sent: another writer changed it, so this change may not have been applied. Read the flow with Get Flow and decide whether to run the item again.`,
		flow,
	);
}

/** A client of one webhooks-plugin route: every action, the route's limits, revisions. */
export class TaskFlowClient {
	private readonly gate: RateGate;

	constructor(private readonly options: TaskFlowClientOptions) {
		this.gate = options.gate ?? gateFor(options.route);
	}

	get route(): string {
		return this.options.route;
	}

	private async pause(ms: number): Promise<void> {
		await pause(this.options.runtime, ms, () => new OpenClawAbortedError());
	}

	/**
	 * Sends one action: checks it, keeps within the route's limits, waits out a 429 (which has no
	 * Retry-After) and a 503 with Retry-After (a gateway that stops or restarts), and repeats a
	 * `persist_failed` (nothing was written). Throws `OpenClawError`s.
	 */
	async call<T>(body: ActionBody): Promise<ActionAnswer<T>> {
		validateAction(body);
		const bodyText = JSON.stringify(body);
		const bytes = Buffer.byteLength(bodyText);
		if (bytes > MAX_BODY_BYTES) {
			throw new OpenClawInputError(
				biggestField(body) ?? 'action',
				(field) =>
					`The request would be ${Math.ceil(bytes / 1024)} KiB, over the gateway's 256 KiB limit, so it was not sent: ${field} is the biggest part; make it smaller.`,
			);
		}
		const { runtime, transport, timeoutMs, rateLimitMaxWaitMs } = this.options;
		const started = runtime.now();
		let persistRetries = this.options.persistRetries ?? 2;
		let rateLimited = 0;
		for (;;) {
			let wait = this.gate.waitMs(runtime.now());
			while (wait > 0) {
				if (runtime.now() - started + wait > rateLimitMaxWaitMs) {
					throw new OpenClawRateLimitError(
						`The rate limit of ${this.route} (120 requests per 60 s) would need a wait of ${Math.ceil(wait / 1000)} s more, beyond Rate Limit Max Wait (${Math.round(rateLimitMaxWaitMs / 1000)} s).`,
					);
				}
				await this.pause(Math.min(wait, PAUSE_SLICE_MS));
				wait = this.gate.waitMs(runtime.now());
			}
			if (runtime.isAborted()) throw new OpenClawAbortedError();
			const release = this.gate.take(runtime.now());
			let response;
			try {
				response = await transport.post(bodyText, timeoutMs);
			} finally {
				release();
			}
			if (response.status === 429) {
				// Someone else (or 8 requests in flight) used the route's budget; the window ends
				// within 60 s. Back off 1, 2, 4, 8 s, then every 10 s; 429s count too, so not faster.
				const delay = Math.min(10_000, 1_000 * 2 ** rateLimited);
				rateLimited += 1;
				if (runtime.now() - started + delay > rateLimitMaxWaitMs) {
					throw new OpenClawRateLimitError(
						`The gateway's rate limit for ${this.route} stayed used up for ${Math.round((runtime.now() - started) / 1000)} s, the longest Rate Limit Max Wait allows (120 requests per 60 s and 8 at a time per route and client address).`,
					);
				}
				await this.pause(delay);
				continue;
			}
			if (response.status === 503 && response.retryAfterMs !== undefined) {
				// A gateway that drains for a stop or restart refuses new requests with 503 and
				// Retry-After before it admits them: nothing was done, so waiting and sending again
				// cannot do the work twice. The wait counts against Rate Limit Max Wait.
				const delay = Math.min(10_000, Math.max(250, response.retryAfterMs));
				if (runtime.now() - started + delay <= rateLimitMaxWaitMs) {
					await this.pause(delay);
					continue;
				}
			}
			const answer = settleNow(() => readAnswer<T>(response.status, response.text, body, this.route));
			if (answer instanceof OpenClawApiError && answer.details.code === 'persist_failed' && persistRetries > 0) {
				persistRetries -= 1;
				await this.pause(500);
				continue;
			}
			if (answer instanceof Error) throw answer;
			return answer;
		}
	}

	async createFlow(fields: Omit<ActionBody, 'action'>): Promise<FlowView> {
		const answer = await this.call<{ created: boolean; flow: FlowView }>({ action: 'create_flow', ...fields });
		return answer.result.flow;
	}

	async getFlow(flowId: string): Promise<FlowView | null> {
		return (await this.call<{ flow: FlowView | null }>({ action: 'get_flow', flowId })).result.flow ?? null;
	}

	async listFlows(): Promise<FlowView[]> {
		return (await this.call<{ flows: FlowView[] }>({ action: 'list_flows' })).result.flows ?? [];
	}

	async findLatestFlow(): Promise<FlowView | null> {
		return (await this.call<{ flow: FlowView | null }>({ action: 'find_latest_flow' })).result.flow ?? null;
	}

	async resolveFlow(token: string): Promise<FlowView | null> {
		return (await this.call<{ flow: FlowView | null }>({ action: 'resolve_flow', token })).result.flow ?? null;
	}

	async getTaskSummary(flowId: string): Promise<TaskSummary | null> {
		return (await this.call<{ summary: TaskSummary | null }>({ action: 'get_task_summary', flowId })).result.summary ?? null;
	}

	async runTask(fields: Omit<ActionBody, 'action'>): Promise<{ flow: FlowView; task: TaskView }> {
		const answer = await this.call<{ flow: FlowView; task: TaskView }>({ action: 'run_task', ...fields });
		return { flow: answer.result.flow, task: answer.result.task };
	}

	async cancelFlow(flowId: string): Promise<CancelResult> {
		const answer = await this.call<{ found?: boolean; cancelled?: boolean; reason?: string; flow?: FlowView; tasks?: TaskView[] }>({
			action: 'cancel_flow',
			flowId,
		});
		const result = answer.result;
		return {
			found: result.found !== false,
			cancelled: result.cancelled === true,
			cancelPending: answer.code === 'cancel_pending',
			reason: result.reason,
			flow: result.flow,
			tasks: result.tasks ?? [],
		};
	}

	private notFound(flowId: string): OpenClawApiError {
		return new OpenClawApiError(
			`TaskFlow ${flowId} was not found on ${this.route}: check Flow ID. A route only sees the flows of its own session.`,
			{ httpStatus: 200, code: 'not_found', route: this.route },
		);
	}

	/**
	 * A change that takes `expectedRevision`. With `current`, reads the flow first. A conflict fails
	 * or is retried with the revision the gateway reports. When the answer is lost, reads the flow:
	 * a change that landed is recognised (no second change), one that did not is sent again.
	 * `state` lets the caller build `stateJson` from the flow as it is, on every attempt.
	 */
	async mutate(
		action: RevisedAction,
		flowId: string,
		fields: Omit<ActionBody, 'action' | 'flowId' | 'expectedRevision'>,
		policy: RevisionPolicy,
		state: StateFromFlow = {},
	): Promise<MutationResult> {
		let revision: number;
		// The flow as it is, when needed: for its revision, or for the caller's state.
		let current: FlowView | undefined;
		if (policy.revision === 'current' || state.needsCurrent) {
			// Checked before the read, so that a bad field sends nothing (the revision is filled in after).
			validateAction({ action, flowId, expectedRevision: 0, ...fields });
			current = (await this.getFlow(flowId)) ?? undefined;
			if (!current) throw this.notFound(flowId);
		}
		if (policy.revision === 'current') revision = current!.revision;
		else revision = policy.revision;
		let conflictRetries = 0;
		let lostAnswers = 0;
		for (;;) {
			const stateJson = state.stateFor ? state.stateFor(current) : fields.stateJson;
			const body: ActionBody = { action, flowId, expectedRevision: revision, ...fields, ...(stateJson === undefined ? {} : { stateJson }) };
			const outcome = await settle(async () => (await this.call<{ applied: boolean; flow: FlowView }>(body)).result);
			if (!(outcome instanceof Error)) return { flow: outcome.flow, appliedOnRevision: revision, conflictRetries, recovered: false };
			if (outcome instanceof OpenClawApiError && outcome.details.code === 'revision_conflict') {
				const latest = (outcome.details.result as { current?: FlowView } | undefined)?.current;
				if (policy.onConflict === 'retry' && latest && conflictRetries < policy.maxRetries) {
					conflictRetries += 1;
					revision = latest.revision;
					current = latest;
					continue;
				}
				throw outcome;
			}
			if (isOutcomeUnknown(outcome) && lostAnswers < 2) {
				lostAnswers += 1;
				const flow = await this.getFlow(flowId);
				if (flow && flow.revision === revision + 1 && looksApplied(action, body, flow)) {
					return { flow, appliedOnRevision: revision, conflictRetries, recovered: true };
				}
				if (flow && flow.revision === revision) continue;
				if (flow && flow.revision > revision) throw changedByOther(outcome, flow, revision);
			}
			throw outcome;
		}
	}
}
