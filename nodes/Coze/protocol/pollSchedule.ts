/**
 * When to poll a running async run's history (`GET /v1/workflows/{workflow_id}/run_histories/{execute_id}`).
 *
 * Each poll spends Coze's request quota (shared with runs, 50 QPS on the free tier), and each wait
 * delays noticing that a run has ended. Without knowing a run's length, no schedule keeps both low
 * for every length: noticing the end within 10% of the run's length means waiting at most 10% of the
 * time elapsed, which is about 76 polls for a 10-minute run. So the schedule uses what earlier runs
 * of the same workflow showed:
 *
 * - **Nothing known** (a workflow's first run in this n8n process, or a run read later with Get Run):
 *   wait 10% of the time elapsed, kept between the shortest and the longest interval. The end is
 *   noticed within about 10% of the run's length (at most the longest interval).
 * - **Earlier runs known**: sparse polls (each wait 1.5× the time elapsed) until shortly before the
 *   shortest earlier run's length, then polls as far apart as 10% of the typical length allows
 *   (at most the longest interval) until well past it; after that, as if nothing were known. A
 *   10-minute run takes about 16 polls and is noticed within 15 s; a run much shorter than every
 *   earlier one is noticed later (at worst 1.5× its length), and the shortest length is updated.
 *
 * Jitter only shortens waits (by up to 20%), so that items started together do not poll in
 * lockstep and the lateness bounds above still hold.
 */

export interface PollPolicy {
	/** The shortest wait between two polls (also the first wait). */
	minIntervalMs: number;
	/** The longest wait between two polls, except in the sparse early phase of a run whose workflow is known to take longer. */
	maxIntervalMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = { minIntervalMs: 500, maxIntervalMs: 15_000 };

/** What earlier runs of a workflow took, in milliseconds. */
export interface DurationEstimate {
	shortestMs: number;
	typicalMs: number;
}

/** The share of a run's length by which its end may be noticed late. */
const LATENESS_SHARE = 0.1;
/** Sparse phase: each wait is this multiple of the time elapsed. */
const SPARSE_GROWTH = 1.5;
/** The dense phase starts at this share of the shortest earlier run... */
const DENSE_FROM = 0.85;
/** ...and ends at this multiple of the typical one. */
const DENSE_UNTIL = 1.5;
const JITTER = 0.2;

/** The wait before the next poll, `elapsedMs` after the run started. */
export function nextPollDelay(elapsedMs: number, policy: PollPolicy, estimate: DurationEstimate | undefined, random: () => number): number {
	const { minIntervalMs: min, maxIntervalMs: max } = policy;
	const clamp = (ms: number) => Math.min(max, Math.max(min, ms));
	const jitter = (ms: number) => Math.max(min, Math.round(ms * (1 - JITTER * random())));
	const elapsed = Math.max(0, elapsedMs);
	if (estimate) {
		const denseFrom = estimate.shortestMs * DENSE_FROM;
		if (elapsed + min < denseFrom) {
			// Sparse: grow with the time elapsed, but land on the start of the dense phase.
			return Math.max(min, Math.min(Math.max(min, elapsed * SPARSE_GROWTH), denseFrom - elapsed));
		}
		if (elapsed < estimate.typicalMs * DENSE_UNTIL) return jitter(clamp(estimate.typicalMs * LATENESS_SHARE));
	}
	return jitter(clamp(elapsed * LATENESS_SHARE));
}

/**
 * How long recent runs of each workflow took, remembered in this process (runs of one workflow tend
 * to take alike). Bounded: a few lengths per workflow, a few hundred workflows, oldest dropped.
 */
export class RunDurations {
	private readonly byKey = new Map<string, number[]>();

	constructor(
		private readonly perKey = 5,
		private readonly maxKeys = 500,
	) {}

	record(key: string, durationMs: number): void {
		if (!Number.isFinite(durationMs) || durationMs <= 0) return;
		const list = this.byKey.get(key) ?? [];
		this.byKey.delete(key); // re-inserted last: the Map's order is the recency order
		list.push(durationMs);
		if (list.length > this.perKey) list.shift();
		this.byKey.set(key, list);
		if (this.byKey.size > this.maxKeys) this.byKey.delete(this.byKey.keys().next().value as string);
	}

	estimate(key: string): DurationEstimate | undefined {
		const list = this.byKey.get(key);
		if (!list?.length) return undefined;
		const sorted = [...list].sort((a, b) => a - b);
		return { shortestMs: sorted[0]!, typicalMs: sorted[Math.floor(sorted.length / 2)]! };
	}
}
