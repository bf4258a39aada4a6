// The TaskFlow client's waiting logic (rate limit, persist_failed, cancellation) with a scripted
// transport and a virtual clock: pure logic, so no real time passes. The same paths run against the
// real gateway in test/openclaw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TaskFlowClient } from '../../nodes/OpenClaw/protocol/client';
import { OpenClawAbortedError, OpenClawApiError, OpenClawRateLimitError } from '../../nodes/OpenClaw/protocol/errors';
import { RateGate } from '../../nodes/OpenClaw/protocol/rateGate';
import { retryAfterMs, type WebhookResponse } from '../../nodes/OpenClaw/protocol/transport';

const OK_LIST: WebhookResponse = { status: 200, text: '{"ok":true,"routeId":"r","result":{"flows":[]}}' };
const LIMITED: WebhookResponse = { status: 429, text: 'Too Many Requests' };
const PERSIST_FAILED: WebhookResponse = {
	status: 503,
	text: '{"ok":false,"routeId":"r","code":"persist_failed","error":"TaskFlow persistence failed.","result":{"created":false,"code":"persist_failed"}}',
};

const DRAINING: WebhookResponse = {
	status: 503,
	text: '{"error":{"message":"Gateway is temporarily unavailable while suspending or restarting","type":"service_unavailable","code":"gateway_unavailable"}}',
	retryAfterMs: 1000,
};

function scripted(answers: WebhookResponse[], options: { maxWaitMs?: number; abortAfterMs?: number; gate?: RateGate } = {}) {
	let now = 0;
	const sentAt: number[] = [];
	const client = new TaskFlowClient({
		transport: {
			post: async () => {
				sentAt.push(now);
				const next = answers.shift();
				if (!next) throw new Error('the script ran out');
				return next;
			},
		},
		runtime: {
			sleep: async (ms) => {
				now += ms;
			},
			now: () => now,
			isAborted: () => options.abortAfterMs !== undefined && now >= options.abortAfterMs,
		},
		route: 'http://gw/plugins/webhooks/r',
		timeoutMs: 1000,
		rateLimitMaxWaitMs: options.maxWaitMs ?? 150_000,
		gate: options.gate ?? new RateGate(),
	});
	return { client, sentAt, clock: () => now };
}

describe('OpenClaw client: waiting', () => {
	it('waits out 429s (no Retry-After) with growing pauses, then succeeds', async () => {
		const { client, sentAt } = scripted([LIMITED, LIMITED, LIMITED, OK_LIST]);
		assert.deepEqual(await client.listFlows(), []);
		assert.deepEqual(sentAt, [0, 1000, 3000, 7000]);
	});

	it('gives up when the 429s outlast Rate Limit Max Wait', async () => {
		const { client, sentAt } = scripted(Array(20).fill(LIMITED), { maxWaitMs: 20_000 });
		await assert.rejects(client.listFlows(), OpenClawRateLimitError);
		assert.ok(sentAt.at(-1)! <= 20_000);
	});

	it('waits out a draining gateway (503 with Retry-After: nothing was taken), then sends again', async () => {
		const { client, sentAt } = scripted([DRAINING, DRAINING, OK_LIST]);
		assert.deepEqual(await client.listFlows(), []);
		assert.deepEqual(sentAt, [0, 1000, 2000]);
	});

	it('reports the 503 once the drain outlasts Rate Limit Max Wait', async () => {
		const { client, sentAt } = scripted(Array(20).fill(DRAINING), { maxWaitMs: 3_500 });
		await assert.rejects(client.listFlows(), (error: unknown) => {
			assert.ok(error instanceof OpenClawApiError);
			assert.equal(error.details.httpStatus, 503);
			assert.match(error.message, /unavailable \(503\).*nothing was done/);
			return true;
		});
		assert.deepEqual(sentAt, [0, 1000, 2000, 3000]);
	});

	it('a 503 without Retry-After is reported at once', async () => {
		const { client, sentAt } = scripted([{ ...DRAINING, retryAfterMs: undefined }, OK_LIST]);
		await assert.rejects(client.listFlows(), OpenClawApiError);
		assert.deepEqual(sentAt, [0]);
	});

	it('a stopped execution ends the wait for a draining gateway', async () => {
		const { client, clock } = scripted(Array(20).fill(DRAINING), { abortAfterMs: 2_500 });
		await assert.rejects(client.listFlows(), OpenClawAbortedError);
		assert.ok(clock() <= 3_000);
	});

	it('a stopped execution ends the wait', async () => {
		const { client, clock } = scripted(Array(20).fill(LIMITED), { abortAfterMs: 2_500 });
		await assert.rejects(client.listFlows(), OpenClawAbortedError);
		assert.ok(clock() <= 3_000, `stopped at ${clock()} ms`);
	});

	it('keeps within 120 requests per window by itself: the 121st waits for the window', async () => {
		const gate = new RateGate();
		const { client, sentAt } = scripted(Array(121).fill(OK_LIST), { gate });
		for (let n = 0; n < 121; n++) await client.listFlows();
		assert.equal(sentAt[119], 0);
		assert.ok(sentAt[120] >= 60_000, `121st sent at ${sentAt[120]} ms`);
	});

	it('repeats persist_failed (nothing was written), then reports it', async () => {
		const { client, sentAt } = scripted([PERSIST_FAILED, OK_LIST]);
		assert.deepEqual(await client.listFlows(), []);
		assert.equal(sentAt.length, 2);
		const failing = scripted([PERSIST_FAILED, PERSIST_FAILED, PERSIST_FAILED]);
		await assert.rejects(failing.client.listFlows(), (error: unknown) => error instanceof OpenClawApiError && error.details.code === 'persist_failed');
		assert.equal(failing.sentAt.length, 3);
	});

	it('explains the plain-text refusals', async () => {
		for (const [status, text, message] of [
			[401, 'unauthorized', /refused the secret .*\(401\)/],
			[413, 'Payload too large', /256 KiB limit \(413\)/],
			[405, 'Method Not Allowed', /only POST/],
			[404, 'Not Found', /No webhook route answers/],
		] as const) {
			const { client } = scripted([{ status, text }]);
			await assert.rejects(client.listFlows(), (error: unknown) => error instanceof OpenClawApiError && message.test(error.message) && error.details.httpStatus === status);
		}
	});
});

describe('OpenClaw client: Retry-After', () => {
	it('reads delay-seconds and HTTP dates; ignores what it cannot read', () => {
		assert.equal(retryAfterMs('1', 0), 1000);
		assert.equal(retryAfterMs(['3'], 0), 3000);
		const now = Date.parse('2026-12-07T00:00:00Z');
		assert.equal(retryAfterMs('Mon, 07 Dec 2026 00:00:05 GMT', now), 5000);
		assert.equal(retryAfterMs('Mon, 06 Dec 2026 23:59:00 GMT', now), 0);
		assert.equal(retryAfterMs(undefined, now), undefined);
		assert.equal(retryAfterMs('soon', now), undefined);
	});
});
