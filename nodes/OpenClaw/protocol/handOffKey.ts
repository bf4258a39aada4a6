import type { FlowView, JsonValue } from './types';

/**
 * A hand-off stores its idempotency key in the flow's state, as `stateJson.idempotencyKey`: the
 * plugin has no idempotency of its own, so the key is how a hand-off finds its flow again.
 */
export const IDEMPOTENCY_FIELD = 'idempotencyKey';

/** The hand-off key a flow's state holds, if any. */
export function keyOf(flow: FlowView): string | undefined {
	const state = flow.stateJson;
	if (state === null || typeof state !== 'object' || Array.isArray(state)) return undefined;
	const key = state[IDEMPOTENCY_FIELD];
	return typeof key === 'string' ? key : undefined;
}

/**
 * A later step (Finish Flow, Set Waiting, …) replaces the whole `stateJson`. When the new state is an
 * object without the hand-off key and the flow has one, the key is kept: without it, running the
 * hand-off's item again would not find the flow and would create a second one.
 */
export function keepHandOffKey(state: JsonValue | undefined, current: FlowView | undefined): JsonValue | undefined {
	if (state === null || typeof state !== 'object' || Array.isArray(state) || IDEMPOTENCY_FIELD in state) return state;
	const key = current ? keyOf(current) : undefined;
	return key === undefined ? state : { ...state, [IDEMPOTENCY_FIELD]: key };
}

/** Whether `state` would replace a stored state without saying what became of a hand-off key. */
export function mayDropHandOffKey(state: JsonValue | undefined): boolean {
	return state !== null && typeof state === 'object' && !Array.isArray(state) && !(IDEMPOTENCY_FIELD in state);
}
