// How the OpenClaw TaskFlow node fails against a real gateway: wrong secret or route, bodies over
// the limit, the plugin's rules, unknown flows; and that the route secret never shows.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { INodeParameters } from 'n8n-workflow';

import { testCredentialLikeN8n, type NodeRunResult } from '../harness/engine';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { flowRef, listFlowsDirect, routeFor, runTaskFlow, type RouteUnderTest } from './helpers';

/** Everything a run shows: error (with description and stack), items. */
function shown(result: NodeRunResult): string {
	const error = result.run.data.resultData.error as (Error & Record<string, unknown>) | undefined;
	return JSON.stringify({ error: error && { ...error, message: error.message, stack: error.stack }, items: result.items });
}

describe('OpenClaw TaskFlow: failures against a real gateway', () => {
	let target: RouteUnderTest;
	let proxy: FaultProxy;
	before(async () => {
		target = await routeFor('errors');
		proxy = await startFaultProxy(target.baseUrl);
	});
	after(async () => {
		await proxy?.close();
		await target?.release();
	});
	const viaProxy = { gatewayUrl: '' };
	before(() => {
		viaProxy.gatewayUrl = proxy.url;
	});

	it('a wrong secret gives the 401 message, and neither secret appears anywhere', async () => {
		const canary = `whsec-canary-${randomBytes(12).toString('hex')}`;
		for (const headerStyle of ['bearer', 'header']) {
			const result = await runTaskFlow(target, { operation: 'listFlows', returnAll: true }, { credentialOverrides: { secret: canary, headerStyle } });
			assert.equal(result.status, 'error');
			assert.match(result.error!.message, /refused the secret for .*\/plugins\/webhooks\/errors \(401\): check Secret, Header Style and Route Path/);
			assert.equal(result.error!.httpCode, '401');
			const failed = await runTaskFlow(target, { operation: 'listFlows', returnAll: true }, { credentialOverrides: { secret: canary, headerStyle }, continueOnFail: true });
			assert.equal(failed.items[0].json.httpStatus, 401);
			for (const text of [shown(result), shown(failed)]) {
				assert.ok(!text.includes(canary), 'the wrong secret leaked');
				assert.ok(!text.includes(target.route.secret), 'the route secret leaked');
			}
		}
	});

	it('the secret in the x-openclaw-webhook-secret header works too', async () => {
		const result = await runTaskFlow(target, { operation: 'findLatestFlow' }, { credentialOverrides: { headerStyle: 'header' } });
		assert.equal(result.status, 'success', result.error?.message);
	});

	it('a wrong route path gives the 404 message; an unreachable gateway says so', async () => {
		const wrongPath = await runTaskFlow(target, { operation: 'findLatestFlow' }, { credentialOverrides: { routePath: '/plugins/webhooks/nope' } });
		assert.match(wrongPath.error!.message, /No webhook route answers at .*\/plugins\/webhooks\/nope \(404\): check Gateway URL and Route Path/);
		const down = await runTaskFlow(target, { operation: 'findLatestFlow' }, { credentialOverrides: { gatewayUrl: 'http://127.0.0.1:9' } });
		assert.match(down.error!.message, /Could not connect to the OpenClaw gateway at http:\/\/127\.0\.0\.1:9\/plugins\/webhooks\/errors: the connection was refused/);
	});

	it('a body over 256 KiB is refused before sending, naming the biggest field', async () => {
		const before = proxy.requests.length;
		const big = JSON.stringify({ blob: 'x'.repeat(270_000) });
		const result = await runTaskFlow(target, { operation: 'createFlow', goal: 'too big', createFields: { stateJson: big } }, { credentialOverrides: viaProxy });
		assert.equal(result.status, 'error');
		assert.match(result.error!.message, /would be 264 KiB, over the gateway's 256 KiB limit, so it was not sent: State \(JSON\) is the biggest part/);
		assert.equal(proxy.requests.length, before, 'nothing reached the gateway');
	});

	it('the plugin\'s rules are checked before sending, with the field named', async () => {
		const before = proxy.requests.length;
		const cases: Array<[INodeParameters, RegExp]> = [
			[{ operation: 'createFlow', goal: '   ' }, /^Goal must not be empty/],
			[
				{ operation: 'runTask', flowId: flowRef('00000000-0000-4000-8000-000000000000'), runtime: 'acp', task: 'x', taskStatus: 'queued', taskFields: { progressSummary: 'half' } },
				/^Progress Summary can only be set when Status is running/,
			],
			[{ operation: 'createFlow', goal: 'g', createFields: { stateJson: '{"a":' } }, /^State \(JSON\) is not valid JSON/],
			[{ operation: 'finishFlow', flowId: flowRef('00000000-0000-4000-8000-000000000000'), revision: 'expected', expectedRevision: -1 }, /^Expected Revision must be a whole number/],
			[{ operation: 'resolveFlow', flowOrSessionKey: ' ' }, /^Flow ID or Session Key must not be empty/],
		];
		for (const [parameters, message] of cases) {
			const result = await runTaskFlow(target, parameters, { credentialOverrides: viaProxy });
			assert.equal(result.status, 'error', JSON.stringify(parameters));
			assert.match(result.error!.message, message);
		}
		assert.equal(proxy.requests.length, before, 'nothing reached the gateway');
	});

	it('a change of an unknown flow says not found', async () => {
		const result = await runTaskFlow(target, { operation: 'finishFlow', flowId: flowRef('00000000-0000-4000-8000-000000000000'), revision: 'expected', expectedRevision: 0 });
		assert.match(result.error!.message, /TaskFlow 00000000-0000-4000-8000-000000000000 was not found .* \(not_found\)/);
		assert.equal(result.error!.httpCode, '404');
		const current = await runTaskFlow(target, { operation: 'finishFlow', flowId: flowRef('00000000-0000-4000-8000-000000000000'), revision: 'current' });
		assert.match(current.error!.message, /was not found/);
	});

	it('the credential test: right secret passes, wrong secret and wrong path fail with their messages', async () => {
		const data = { gatewayUrl: target.baseUrl, routePath: target.route.path, secret: target.route.secret, headerStyle: 'bearer' };
		assert.equal((await testCredentialLikeN8n('openClawWebhookApi', data)).status, 'OK');
		assert.equal((await testCredentialLikeN8n('openClawWebhookApi', { ...data, headerStyle: 'header' })).status, 'OK');
		const wrong = await testCredentialLikeN8n('openClawWebhookApi', { ...data, secret: 'wrong' });
		assert.deepEqual(wrong, { status: 'Error', message: 'The gateway refused the secret (401): check Secret, Header Style and Route Path.' });
		const path = await testCredentialLikeN8n('openClawWebhookApi', { ...data, routePath: 'plugins/webhooks/none' });
		assert.match(path.message, /No webhook route answers at this path \(404\)/);
		// The flows of this route are untouched by all of the above.
		assert.ok(Array.isArray(await listFlowsDirect(target)));
	});
});
