import { pause, type ClientRuntime } from '../../shared/clientRuntime';
import { CozeAbortedError } from './errors';

/**
 * A client-side limit on requests per second (Coze's free plan allows about 50 workflow requests
 * per second), shared by the items of one execution that run at the same time. Requests are
 * spaced evenly rather than sent in bursts.
 */
export class RequestRateLimiter {
	private nextAt = 0;

	constructor(
		private readonly perSecond: number,
		private readonly runtime: Pick<ClientRuntime, 'now' | 'sleep' | 'isAborted'>,
	) {}

	/**
	 * Waits until the next request may go; a stopped execution ends the wait at once, except for a
	 * detached request (one that must go out after a stop, such as cancelling a chat).
	 */
	async acquire(detached = false): Promise<void> {
		if (!(this.perSecond > 0) || !Number.isFinite(this.perSecond)) return;
		const interval = 1000 / this.perSecond;
		const now = this.runtime.now();
		const at = Math.max(now, this.nextAt);
		this.nextAt = at + interval;
		if (at <= now) return;
		if (detached) await this.runtime.sleep(at - now);
		else await pause(this.runtime, at - now, () => new CozeAbortedError());
	}
}
