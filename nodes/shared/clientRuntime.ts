/**
 * What the protocol clients need from their host: time, chance and whether the execution was
 * stopped. No n8n imports, so the protocol layers can be tested alone with a virtual clock.
 */
export interface ClientRuntime {
	sleep(ms: number): Promise<void>;
	now(): number;
	/** A number in [0, 1), for jitter. */
	random(): number;
	/** True once the n8n execution was stopped. */
	isAborted(): boolean;
}

/** A wait is cut into slices this long, so that a stopped execution ends it soon. */
export const PAUSE_SLICE_MS = 500;

/**
 * Waits `ms` by the runtime's clock, in slices, and throws `aborted()` as soon as the execution is
 * stopped (before, during or at the end of the wait).
 */
export async function pause(runtime: Pick<ClientRuntime, 'sleep' | 'now' | 'isAborted'>, ms: number, aborted: () => Error): Promise<void> {
	const until = runtime.now() + ms;
	for (;;) {
		if (runtime.isAborted()) throw aborted();
		const left = until - runtime.now();
		if (left <= 0) return;
		await runtime.sleep(Math.min(left, PAUSE_SLICE_MS));
	}
}
