// The TaskFlow client's waiting logic (rate limit, persist_failed, cancellation) with a scripted
// transport and a virtual clock: pure logic, so no real time passes. The same paths run against the
// real gateway in test/openclaw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TaskFlowClient } from '../../nodes/OpenClaw/protocol/client';
import { OpenClawAbortedError, OpenClawApiError, OpenClawRateLimitError } from '../../nodes/OpenClaw/protocol/errors';
import { RateGate } from '../../nodes/OpenClaw/protocol/rateGate';
import type { WebhookResponse } from '../../nodes/OpenClaw/protocol/transport';

const OK_LIST: WebhookResponse = { status: 200, text: '{"ok":true,"routeId":"r","result":{"flows":[]}}' };
const LIMITED: WebhookResponse = { status: 429, text: 'Too Many Requests' };
const PERSIST_FAILED: WebhookResponse = {
	status: 503,
	text: '{"ok":false,"routeId":"r","code":"persist_failed","error":"TaskFlow persistence failed.","result":{"created":false,"code":"persist_failed"}}',
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
