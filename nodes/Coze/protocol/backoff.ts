/** Retry backoff: exponential, with jitter so that many items retrying at once do not do so in lockstep. */

export interface BackoffPolicy {
	initialMs: number;
	maxMs: number;
	/** Growth per attempt. */
	factor: number;
	/** 0..1: the delay is drawn from [d·(1-jitter), d·(1+jitter)], then capped at maxMs. */
	jitter: number;
}


export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
	const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt));
	const spread = base * policy.jitter;
	return Math.max(0, Math.min(policy.maxMs, Math.round(base - spread + random() * 2 * spread)));
}
