import { settle } from '../../shared/settle';
import type { TaskFlowClient } from './client';
import { isOutcomeUnknown, OpenClawAbortedError, OpenClawConnectionError, OpenClawDuplicateError, OpenClawTimeoutError } from './errors';
import { keyList, keysOf, type CreateKeys } from './flowKeys';
import type { ActionBody, FlowView } from './types';

/**
 * create_flow at most once per key. The keys are stored in the flow's state (flowKeys.ts) and
 * looked up with `list_flows` before anything is created, and again after a create, so that of two
 * creates of one key at the same time only the older flow stays. After a request whose outcome is
 * unknown (a timeout, a lost answer) the list is read again before anything is repeated.
 */

/** The route's flows by key, read once per execution and kept up to date by the creates. */
export class FlowKeyIndex {
	private byKey: Map<string, FlowView> | undefined;

	constructor(private readonly client: TaskFlowClient) {}

	/** The oldest flow known by any of `keys`. */
	async find(keys: string[], options: { fresh?: boolean } = {}): Promise<FlowView | undefined> {
		if (!this.byKey || options.fresh) {
			const flows = await this.client.listFlows();
			this.byKey = new Map();
			// list_flows is newest first: keep the oldest flow of a key, the one created first.
			for (const flow of flows) for (const key of keysOf(flow)) this.byKey.set(key, flow);
		}
		let oldest: FlowView | undefined;
		for (const key of keys) {
			const flow = this.byKey.get(key);
			if (flow && (!oldest || flow.createdAt < oldest.createdAt)) oldest = flow;
		}
		return oldest;
	}

	remember(keys: string[], flow: FlowView): void {
		for (const key of keys) this.byKey?.set(key, flow);
	}
}

export interface CreateOnceResult {
	/** False when a flow with one of the keys already existed. */
	created: boolean;
	/** The flow was created by a request whose answer was lost, and found again by its key. */
	recovered: boolean;
	flow: FlowView;
}

/** How errors name the operation and its key, e.g. "Hand Off" and "Idempotency Key". */
export interface CreateOnceLabels {
	operation: string;
	key: string;
}

const RECHECK_DELAY_MS = 1_000;

/**
 * The look-up after a create of unknown outcome failed too (e.g. the gateway went down): the
 * create's outcome stays unknown, so that is what the error says, with the create's error class.
 * The look-up's own error alone ("connection refused") would read as if nothing had happened.
 */
function lookUpFailed(created: Error, lookUp: Error, who: CreateOnceLabels): Error {
	if (lookUp instanceof OpenClawAbortedError) return lookUp;
	const message = `${created.message} ${who.operation} could not look the flow up by its ${who.key} afterwards either: run the item again once the gateway answers; it finds the flow if it was created, and creates it otherwise.`;
	if (created instanceof OpenClawConnectionError) return new OpenClawConnectionError(message, true, created.code);
	return new OpenClawTimeoutError(message);
}

/** `fields.stateJson` must already hold the keys (stateWithKeys). */
export async function createFlowOnce(
	client: TaskFlowClient,
	index: FlowKeyIndex,
	keys: CreateKeys,
	fields: Omit<ActionBody, 'action'>,
	pause: (ms: number) => Promise<void>,
	who: CreateOnceLabels,
): Promise<CreateOnceResult> {
	const list = keyList(keys);
	const existing = await index.find(list);
	if (existing) return { created: false, recovered: false, flow: existing };

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
		const found = await settle(async () => await index.find(list, { fresh: true }));
		if (found instanceof Error) throw lookUpFailed(created, found, who);
		if (found) {
			flow = found;
			recovered = true;
		}
	}
	// A flow found again after a lost answer came from a fresh list: it is the oldest already.
	const kept = recovered ? undefined : await keepOldest(client, index, list, flow, who);
	if (kept) return kept;
	index.remember(list, flow);
	return { created: true, recovered, flow };
}

/**
 * Two executions that create with the same key at once both find nothing and both create. Each
 * lists again after its create; the one whose flow is not the oldest with the key cancels its own
 * flow (it has no tasks yet) and returns the oldest. Of any two creates, the later one's list sees
 * both flows, so one flow stays.
 */
async function keepOldest(client: TaskFlowClient, index: FlowKeyIndex, keys: string[], flow: FlowView, who: CreateOnceLabels): Promise<CreateOnceResult | undefined> {
	const oldest = await index.find(keys, { fresh: true });
	if (!oldest || oldest.flowId === flow.flowId) return undefined;
	const cancelled = await settle(async () => await client.cancelFlow(flow.flowId));
	if (cancelled instanceof Error || !cancelled.cancelled) {
		const reason = cancelled instanceof Error ? cancelled.message : (cancelled.reason ?? 'the gateway did not cancel it');
		throw new OpenClawDuplicateError(
			`Another execution ran ${who.operation} with the same ${who.key} at the same time: flow ${oldest.flowId} is the one kept, and this execution's second flow ${flow.flowId} could not be cancelled (${reason}). Cancel it with the Cancel Flow operation.`,
		);
	}
	return { created: false, recovered: false, flow: oldest };
}
