/** Polling, for the harnesses that wait on processes and servers they started. */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Calls `check` every `everyMs` until it returns something other than `undefined`, and resolves
 * that. A `check` that throws counts as "not yet"; after `timeoutMs` the wait fails, naming `what`
 * and the last error.
 */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined | Promise<T | undefined>, everyMs = 250): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value !== undefined) return value;
		} catch (error) {
			last = error;
		}
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
		await sleep(everyMs);
	}
}

/** Whether `condition` turns true within `timeoutMs`: for waits with a next step (SIGKILL after SIGTERM) rather than a failure. */
export async function becomesTrue(condition: () => boolean, timeoutMs: number, everyMs: number): Promise<boolean> {
	return await waitFor('a condition', timeoutMs, () => (condition() ? true : undefined), everyMs).then(
		() => true,
		() => false,
	);
}
