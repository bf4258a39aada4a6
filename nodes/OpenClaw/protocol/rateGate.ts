/**
 * Keeps one process within a webhook route's fixed limits, which the gateway hard-codes (openclaw
 * `WEBHOOK_RATE_LIMIT_DEFAULTS`, `WEBHOOK_IN_FLIGHT_DEFAULTS`): 120 requests per 60 s window and 8
 * in flight, per route and client address. The gateway's window is fixed and starts at the
 * first request after the last one expired; at most 120 requests in every sliding 61 s guarantees
 * at most 120 in any of its windows, with a second to spare for latency. Other clients of the same
 * route still cause 429s, which the client answers by waiting (see client.ts).
 */

export const ROUTE_LIMIT = { requests: 120, windowMs: 60_000, inFlight: 8 } as const;
const SAFETY_MS = 1_000;

export interface GateClock {
	now(): number;
}

export class RateGate {
	private readonly sent: number[] = [];
	private inFlight = 0;

	constructor(
		private readonly limit = ROUTE_LIMIT.requests,
		private readonly windowMs = ROUTE_LIMIT.windowMs + SAFETY_MS,
		private readonly maxInFlight = ROUTE_LIMIT.inFlight,
	) {}

	/** How long until a request may go (0 = now). */
	waitMs(now: number): number {
		while (this.sent.length > 0 && this.sent[0] <= now - this.windowMs) this.sent.shift();
		if (this.sent.length >= this.limit) return this.sent[0] + this.windowMs - now;
		if (this.inFlight >= this.maxInFlight) return 50;
		return 0;
	}

	/** Takes a slot; call the returned function when the answer is in. */
	take(now: number): () => void {
		this.sent.push(now);
		this.inFlight += 1;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.inFlight -= 1;
		};
	}

	/** Requests counted in the current window. */
	get used(): number {
		return this.sent.length;
	}
}

/** One gate per route URL for the whole process: every execution shares the route's budget. */
const gates = new Map<string, RateGate>();

export function gateFor(routeUrl: string): RateGate {
	let gate = gates.get(routeUrl);
	if (!gate) {
		gate = new RateGate();
		gates.set(routeUrl, gate);
	}
	return gate;
}
