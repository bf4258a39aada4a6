import type { FlowStatus, FlowView, JsonValue } from './types';

/**
 * What the TaskFlow trigger remembers between polls, and which changes of the route's flows it
 * reports. Pure: the trigger node reads and writes the state in n8n's static data.
 */

export const WATCH_EVENTS = ['created', 'waiting', 'blocked', 'succeeded', 'failed', 'cancelled', 'lost', 'anyChange'] as const;
export type WatchEvent = (typeof WATCH_EVENTS)[number];

const STATUS_EVENTS = new Set<string>(['waiting', 'blocked', 'succeeded', 'failed', 'cancelled', 'lost']);

export interface SeenFlow {
	revision: number;
	status: FlowStatus;
}

export interface WatchState {
	/** False until the first successful poll, which only records what exists. */
	baseline: boolean;
	/** Flow ID → what the last poll saw. Only flows still listed are kept, so it stays bounded. */
	flows: Record<string, SeenFlow>;
}

export interface WatchFilters {
	controllerId?: string;
	goalContains?: string;
	/** A dotted path in `stateJson`, and the value it must equal (compared as text). */
	stateField?: { path: string; equals: string };
}

export interface Transition {
	event: WatchEvent;
	flow: FlowView;
	previousStatus: FlowStatus | null;
	previousRevision: number | null;
}

export function emptyWatchState(): WatchState {
	return { baseline: false, flows: {} };
}

function stateValue(state: JsonValue | undefined, path: string): JsonValue | undefined {
	let current: JsonValue | undefined = state;
	for (const key of path.split('.')) {
		// Own keys only: a path through "constructor" or "__proto__" must not reach Object.prototype.
		if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, key)) return undefined;
		current = current[key];
	}
	return current;
}

export function matchesFilters(flow: FlowView, filters: WatchFilters): boolean {
	if (filters.controllerId && flow.controllerId !== filters.controllerId) return false;
	if (filters.goalContains && !flow.goal.toLowerCase().includes(filters.goalContains.toLowerCase())) return false;
	if (filters.stateField) {
		const value = stateValue(flow.stateJson, filters.stateField.path);
		const text = typeof value === 'string' ? value : value === undefined ? undefined : JSON.stringify(value);
		if (text !== filters.stateField.equals) return false;
	}
	return true;
}

/** The event a change stands for, among those chosen: the new status first, then creation, then any change. */
function eventFor(flow: FlowView, seen: SeenFlow | undefined, events: ReadonlySet<WatchEvent>): WatchEvent | undefined {
	const statusChanged = !seen || seen.status !== flow.status;
	if (statusChanged && STATUS_EVENTS.has(flow.status) && events.has(flow.status as WatchEvent)) return flow.status as WatchEvent;
	if (!seen && events.has('created')) return 'created';
	if (events.has('anyChange')) return 'anyChange';
	return undefined;
}

/**
 * Compares one `list_flows` answer with the state. Returns one transition per changed flow (at
 * most one per flow and poll) and the next state; the caller stores the state only once the
 * poll has succeeded, so a failed poll repeats nothing and loses nothing.
 */
export function diffFlows(
	state: WatchState,
	flows: FlowView[],
	options: { events: ReadonlySet<WatchEvent>; filters: WatchFilters; emitExisting: boolean },
): { transitions: Transition[]; next: WatchState } {
	const next: WatchState = { baseline: true, flows: {} };
	const transitions: Transition[] = [];
	// list_flows is newest first; report in the order things happened.
	for (const flow of [...flows].reverse()) {
		// Flow IDs come from the gateway: defined, not assigned, and read as own keys only, so that an ID
		// such as "__proto__" or "constructor" is remembered like any other instead of reported on every poll.
		Object.defineProperty(next.flows, flow.flowId, { value: { revision: flow.revision, status: flow.status }, writable: true, enumerable: true, configurable: true });
		const seen = Object.hasOwn(state.flows, flow.flowId) ? state.flows[flow.flowId] : undefined;
		if (!state.baseline && !options.emitExisting) continue;
		if (seen && seen.revision === flow.revision && seen.status === flow.status) continue;
		if (!matchesFilters(flow, options.filters)) continue;
		const event = eventFor(flow, seen, options.events);
		if (event) transitions.push({ event, flow, previousStatus: seen?.status ?? null, previousRevision: seen?.revision ?? null });
	}
	return { transitions, next };
}

/**
 * A sample for a test in the editor: the newest flow that matches the filters and would be
 * reported under the chosen events if it had just been seen (its status, else created, else any
 * change). Undefined when no flow fits.
 */
export function sampleTransition(flows: FlowView[], events: ReadonlySet<WatchEvent>, filters: WatchFilters): Transition | undefined {
	for (const flow of flows) {
		if (!matchesFilters(flow, filters)) continue;
		const event = eventFor(flow, undefined, events);
		if (event) return { event, flow, previousStatus: null, previousRevision: null };
	}
	return undefined;
}
