import type { FlowView, JsonValue } from './types';

/**
 * The plugin has no idempotency of its own, so the keys that let a create find its flow or task
 * again live in the flow's state:
 * - `idempotencyKey`: the key the user gives (Hand Off's Idempotency Key, e.g. the Coze execute ID);
 * - `n8nItemKey`: where the flow was created (workflow, execution, node, run and item), the same
 *   when n8n runs the item again: Retry On Fail, or n8n 1.x re-running a dead worker's execution;
 * - `taskKeys`: the tasks Run Task started on the flow, by key (see taskOnce.ts).
 */
export const IDEMPOTENCY_FIELD = 'idempotencyKey';
export const ITEM_KEY_FIELD = 'n8nItemKey';
export const TASK_KEYS_FIELD = 'taskKeys';
const KEY_FIELDS = [IDEMPOTENCY_FIELD, ITEM_KEY_FIELD, TASK_KEYS_FIELD];

/** The keys one create is known by: the user's, where it was made, or both. */
export interface CreateKeys {
	key?: string;
	itemKey?: string;
}

export function isStateObject(state: JsonValue | undefined): state is Record<string, JsonValue> {
	return state !== null && typeof state === 'object' && !Array.isArray(state);
}

/** The keys a flow's state holds, if any. */
export function keysOf(flow: FlowView): string[] {
	const state = flow.stateJson;
	if (!isStateObject(state)) return [];
	return [state[IDEMPOTENCY_FIELD], state[ITEM_KEY_FIELD]].filter((key): key is string => typeof key === 'string' && key !== '');
}

/** The keys of a create as a list (the ones given). */
export function keyList(keys: CreateKeys): string[] {
	return [keys.key, keys.itemKey].filter((key): key is string => key !== undefined && key !== '');
}

/** The state a create stores: the given state (an object, or none) with its keys. */
export function stateWithKeys(state: Record<string, JsonValue> | undefined, keys: CreateKeys): Record<string, JsonValue> {
	return {
		...state,
		...(keys.key ? { [IDEMPOTENCY_FIELD]: keys.key } : {}),
		...(keys.itemKey ? { [ITEM_KEY_FIELD]: keys.itemKey } : {}),
	};
}

/**
 * A later step (Finish Flow, Set Waiting, …) replaces the whole `stateJson`. When the new state is an
 * object without the keys and the flow has them, they are kept: without them, running the create's
 * item again would not find the flow (or its task) and would create a second one.
 */
export function keepFlowKeys(state: JsonValue | undefined, current: FlowView | undefined): JsonValue | undefined {
	if (!isStateObject(state)) return state;
	const stored = current?.stateJson;
	if (!isStateObject(stored)) return state;
	const kept = KEY_FIELDS.filter((field) => !(field in state) && stored[field] !== undefined);
	return kept.length === 0 ? state : { ...state, ...Object.fromEntries(kept.map((field) => [field, stored[field]!])) };
}

/** Whether `state` would replace a stored state without saying what became of its keys. */
export function mayDropFlowKeys(state: JsonValue | undefined): boolean {
	return isStateObject(state) && KEY_FIELDS.some((field) => !(field in state));
}
