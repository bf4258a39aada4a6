import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import type { GatewayRoute } from './gateway';
import { useGateway } from './shared-gateway';

// Self-test of the OpenClaw harness against the real gateway. The route's rate limit (120
// requests / 60 s, 401s included) is shared with the readiness check: this file sends 7 requests.

interface Answer {
	status: number;
	text: string;
}

async function postTo(url: string, body: unknown, headers: Record<string, string>, timeoutMs = 10_000): Promise<Answer> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	return { status: response.status, text: await response.text() };
}

function json(answer: Answer): { ok: boolean; routeId?: string; result: Record<string, unknown> } {
	return JSON.parse(answer.text) as { ok: boolean; routeId?: string; result: Record<string, unknown> };
}

describe('OpenClaw gateway harness', () => {
	let route: GatewayRoute;
	let release: () => Promise<void> = async () => {};
	let proxy: FaultProxy | undefined;
	const bearer = () => ({ authorization: `Bearer ${route.secret}` });
	const run = randomBytes(4).toString('hex');

	before(async () => {
		const used = await useGateway('spare', { log: (line) => console.log(`[openclaw] ${line}`) });
		route = used.route;
		release = used.release;
		assert.equal(route.url, `${used.baseUrl}/plugins/webhooks/spare`);
		assert.equal(route.sessionKey, 'agent:main:spare');
	});

	after(async () => {
		await proxy?.close();
		await release();
	});

	it('creates a flow and reads it back (Bearer secret), and accepts the x-openclaw-webhook-secret header', async () => {
		const created = await postTo(route.url, { action: 'create_flow', goal: `harness round-trip ${run}`, stateJson: { run } }, bearer());
		assert.equal(created.status, 200, created.text);
		const createdBody = json(created);
		assert.equal(createdBody.ok, true);
		assert.equal(createdBody.routeId, 'spare');
		const flow = (createdBody.result as { created: boolean; flow: { flowId: string; revision: number; status: string; controllerId: string } }).flow;
		assert.equal(flow.revision, 0);
		assert.equal(flow.status, 'queued');
		assert.equal(flow.controllerId, 'webhooks/spare');

		const read = await postTo(route.url, { action: 'get_flow', flowId: flow.flowId }, bearer());
		assert.equal(read.status, 200, read.text);
		assert.deepEqual((json(read).result as { flow: unknown }).flow, { ...flow, stateJson: { run } });

		const viaHeader = await postTo(route.url, { action: 'get_flow', flowId: flow.flowId }, { 'x-openclaw-webhook-secret': route.secret });
		assert.equal(viaHeader.status, 200, viaHeader.text);
		assert.equal((json(viaHeader).result as { flow: { flowId: string } }).flow.flowId, flow.flowId);
	});

	it('answers a wrong secret with 401 text "unauthorized"', async () => {
		const denied = await postTo(route.url, { action: 'list_flows' }, { authorization: `Bearer ${route.secret}x` });
		assert.equal(denied.status, 401);
		assert.equal(denied.text, 'unauthorized');
	});

	it('fault proxy: a swallowed response times the client out although the flow was created upstream', async () => {
		proxy = await startFaultProxy(new URL(route.url).origin);
		proxy.faults.push({ when: (body) => (body as { action?: string } | undefined)?.action === 'create_flow', times: 1, kind: 'swallow-response' });
		const goal = `harness swallowed ${run}`;
		const started = Date.now();
		await assert.rejects(postTo(`${proxy.url}${route.path}`, { action: 'create_flow', goal }, bearer(), 1_000), (error: Error) => {
			assert.equal(error.name, 'TimeoutError');
			return true;
		});
		assert.ok(Date.now() - started >= 900, 'the client gave up after its own timeout');
		assert.equal(proxy.faults[0].times, 0);
		assert.equal(proxy.requests.length, 1);
		assert.equal(proxy.requests[0].path, route.path);
		assert.equal(proxy.requests[0].fault, 'swallow-response');
		assert.equal(proxy.requests[0].status, 200, 'the gateway answered the proxy');
		assert.deepEqual(JSON.parse(proxy.requests[0].body), { action: 'create_flow', goal });

		const listed = await postTo(route.url, { action: 'list_flows' }, bearer());
		assert.equal(listed.status, 200, listed.text);
		const flows = (json(listed).result as { flows: Array<{ goal: string }> }).flows;
		assert.equal(flows.filter((flow) => flow.goal === goal).length, 1, 'the swallowed create_flow did create the flow');
	});
});
