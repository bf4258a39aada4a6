// 150 hand-offs from one execution against a real gateway, whose route allows 120 requests per
// 60 s with no Retry-After: all must succeed, with exactly 150 flows and no request repeated.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { listFlowsDirect, routeFor, runTaskFlow, type RouteUnderTest } from './helpers';

const COUNT = 150;

describe('OpenClaw TaskFlow: a burst through the rate limit', () => {
	let target: RouteUnderTest;
	let proxy: FaultProxy;
	before(async () => {
		target = await routeFor('burst');
		// The proxy only watches: it counts what reaches the gateway and what the gateway answers.
		proxy = await startFaultProxy(target.baseUrl);
	});
	after(async () => {
		await proxy?.close();
		await target?.release();
	});

	it(`${COUNT} hand-offs from one execution all succeed, creating exactly ${COUNT} flows`, { timeout: 300_000 }, async () => {
		const items = Array.from({ length: COUNT }, (_, n) => ({ executeId: String(7600000000000000000n + BigInt(n)), output: { n } }));
		const started = Date.now();
		const result = await runTaskFlow(
			target,
			{ operation: 'handOff', goal: '=Burst {{ $json.executeId }}', idempotencyKey: '={{ $json.executeId }}' },
			{ items, credentialOverrides: { gatewayUrl: proxy.url } },
		);
		const seconds = (Date.now() - started) / 1000;
		assert.equal(result.status, 'success', result.error?.message);
		assert.equal(result.items.length, COUNT);
		assert.ok(result.items.every((i) => i.json.created === true));
		assert.equal(new Set(result.items.map((i) => i.json.flowId)).size, COUNT);

		const creates = proxy.requests.filter((r) => r.body.includes('"create_flow"'));
		assert.equal(creates.filter((r) => r.status === 200).length, COUNT, 'one successful create per item');
		const limited = proxy.requests.filter((r) => r.status === 429).length;
		// 301 requests (a look-up, then a create and a check per item) need more than one window: the node waited.
		assert.ok(seconds > 45, `took ${seconds} s`);
		console.log(`burst: ${COUNT} hand-offs in ${seconds.toFixed(1)} s, ${proxy.requests.length} requests, ${limited} answered 429`);

		const flows = await listFlowsDirect(target);
		const keys = new Set(flows.map((f) => (f.stateJson as { idempotencyKey?: string } | undefined)?.idempotencyKey));
		assert.equal(flows.length, COUNT);
		assert.ok(items.every((i) => keys.has(i.executeId)));
	});
});
