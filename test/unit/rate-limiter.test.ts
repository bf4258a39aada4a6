import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CozeAbortedError } from '../../nodes/Coze/protocol/errors';
import { RequestRateLimiter } from '../../nodes/Coze/protocol/rateLimiter';

/** A virtual clock: sleeping moves time on at once. */
function runtime(aborted: () => boolean) {
	let now = 0;
	return { now: () => now, sleep: async (ms: number) => void (now += ms), isAborted: aborted };
}

describe('RequestRateLimiter', () => {
	it('after a stop, a request that must still go out (detached) waits its turn instead of failing', async () => {
		let stopped = false;
		const clock = runtime(() => stopped);
		const limiter = new RequestRateLimiter(50, clock);
		await limiter.acquire();
		stopped = true;
		// Within the 20 ms spacing: a normal request ends at once, a detached one waits and goes.
		await assert.rejects(limiter.acquire(), CozeAbortedError);
		const before = clock.now();
		await limiter.acquire(true);
		assert.ok(clock.now() > before, 'the detached request waited for its turn');
	});
});
