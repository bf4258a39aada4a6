import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { callWebhook, runNode, TestCredentialsHelper } from '../../harness/engine';
import { runSurfaces } from '../../support/secret-surfaces';
import { fake, json } from './fake';
import { IDS, run, runParams, withEmulator, workflow } from '../helpers';

const SECRET = 'whsec-canary-0123456789abcdef';
const taskFlow = (url: string, parameters: INodeParameters, items?: IDataObject[], continueOnFail = false) =>
	runNode({ node: 'openClawTaskFlow', credentialTypes: ['openClawWebhookApi'], items, continueOnFail, parameters: { options: {}, ...parameters },
		credentials: new TestCredentialsHelper({ openClawWebhookApi: { gatewayUrl: url, routePath: '/plugins/webhooks/n8n', secret: SECRET, headerStyle: 'bearer' } }) });
const HAND_OFF = { operation: 'handOff', goal: '=Review run {{ $json.executeId }}', idempotencyKey: '={{ $json.executeId }}' };

/** A gateway that keeps flows in memory (list_flows newest first, create_flow, get_flow, cancel_flow), a few ms per request. */
async function gateway() {
	const flows: IDataObject[] = [];
	const server = await fake(async (_req, res, text) => {
		const body = JSON.parse(text);
		await new Promise((r) => setTimeout(r, 30));
		if (body.action === 'list_flows') return json(res, { ok: true, result: { flows: [...flows].reverse() } });
		if (body.action === 'get_flow') return json(res, { ok: true, result: { flow: flows.find((f) => f.flowId === body.flowId) ?? null } });
		if (body.action === 'cancel_flow') {
			const flow = flows.find((f) => f.flowId === body.flowId)!;
			Object.assign(flow, { status: 'cancelled', revision: Number(flow.revision) + 1, endedAt: Date.now() });
			return json(res, { ok: true, result: { found: true, cancelled: true, flow } });
		}
		const flow = { flowId: randomUUID(), syncMode: 'managed', revision: 0, status: 'queued', notifyPolicy: 'done_only', goal: body.goal, stateJson: body.stateJson, createdAt: Date.now(), updatedAt: Date.now() };
		flows.push(flow);
		return json(res, { ok: true, result: { created: true, flow } });
	});
	return { server, flows };
}

it('the same Coze result handed off by two executions at once leaves one live flow, which both items name', async () => {
	const { server, flows } = await gateway();
	const item = { executeId: '7606656416483336418', output: { a: 1 } };
	const results = await Promise.all([taskFlow(server.url, HAND_OFF, [item]), taskFlow(server.url, HAND_OFF, [item])]);
	await server.close();
	const live = flows.filter((f) => f.status !== 'cancelled');
	assert.equal(live.length, 1, JSON.stringify(flows));
	assert.equal(live[0].flowId, flows[0].flowId, 'the oldest flow is kept');
	const outputs = results.map((r) => r.items[0]?.json ?? {});
	assert.deepEqual(outputs.map((o) => o.flowId), [live[0].flowId, live[0].flowId]);
	assert.deepEqual(outputs.map((o) => o.created).sort(), [false, true]);
});

it('with the default key, the final result of a resumed run gets a flow of its own, apart from the flow of its question', async () => {
	const { server, flows } = await gateway();
	await withEmulator(async (emu) => {
		const asked = (await run(emu, runParams(IDS.tripQuestion))).items[0].json as IDataObject & { interrupt: { eventId: string } };
		const first = await taskFlow(server.url, { operation: 'handOff' }, [asked]);
		assert.equal(first.items[0]?.json.created, true, first.error?.message);
		const done = (await run(emu, { operation: 'resume', workflowId: workflow(IDS.tripQuestion), eventId: asked.interrupt.eventId, interruptType: 2, resumeData: '杭州，2024-08-20', resumeVia: 'stream', options: {} })).items[0].json;
		const second = await taskFlow(server.url, { operation: 'handOff' }, [done]);
		assert.equal(second.items[0]?.json.created, true, `flows: ${flows.length}, stored result: ${JSON.stringify((flows[0].stateJson as IDataObject).result)}`);
		assert.deepEqual((second.items[0].json.stateJson as IDataObject).result, done.output);
		assert.equal(second.items[0].json.idempotencyKey, asked.executeId);
		assert.equal(first.items[0].json.idempotencyKey, `${String(asked.executeId)}:interrupt:${asked.interrupt.eventId}`);
	});
	await server.close();
});

it('a Coze Trigger item hands off with the defaults: key, result, execute ID and debug URL come from its body', async () => {
	const { server } = await gateway();
	const triggerSecret = 'whsec-trigger-0123456789abcdef0123';
	const pushed = await callWebhook({
		node: 'cozeTrigger',
		parameters: { authentication: 'header', headerName: 'Authorization', responseMode: 'onReceived', options: {} },
		credentials: new TestCredentialsHelper({ cozeWebhookSecretApi: { secret: triggerSecret } }),
		credentialTypes: ['cozeWebhookSecretApi'],
		headers: { 'content-type': 'application/json', authorization: `Bearer ${triggerSecret}` },
		rawBody: Buffer.from('{"executeId":7606656416483336999,"output":{"city":"杭州"},"debugUrl":"https://www.coze.cn/work_flow?execute_id=7606656416483336999"}'),
	});
	const item = pushed.result.workflowData![0][0].json;
	const result = await taskFlow(server.url, { operation: 'handOff' }, [item]);
	await server.close();
	assert.equal(result.status, 'success', result.error?.message);
	const out = result.items[0].json;
	assert.equal(out.created, true);
	assert.equal(out.idempotencyKey, '7606656416483336999');
	assert.equal(out.goal, 'Follow up on the Coze run 7606656416483336999');
	assert.deepEqual(out.stateJson, {
		result: { city: '杭州' },
		executeId: '7606656416483336999',
		debugUrl: 'https://www.coze.cn/work_flow?execute_id=7606656416483336999',
		idempotencyKey: '7606656416483336999',
	});
});

it('an item with no execute ID anywhere is refused by the default key, saying where the key is read from', async () => {
	const { server, flows } = await gateway();
	const result = await taskFlow(server.url, { operation: 'handOff' }, [{ body: { text: 'hello' } }]);
	await server.close();
	assert.equal(flows.length, 0);
	assert.match(result.error?.message ?? '', /^Idempotency Key is empty: .*executeId of a Coze Workflow item or body\.executeId of a Coze Trigger item/);
});

it('an error page that echoes the request does not put the route secret into the error or the item', async () => {
	const proxy = await fake((req, res) => (res.writeHead(502), res.end(`upstream failed; request: POST ${req.url} authorization=${req.headers.authorization}`)));
	for (const continueOnFail of [false, true]) {
		const result = await taskFlow(proxy.url, { operation: 'listFlows', returnAll: true }, undefined, continueOnFail);
		assert.ok(!runSurfaces(result).includes(SECRET), `secret leaked (continueOnFail=${continueOnFail})`);
	}
	await proxy.close();
});

it('a change whose answer was lost is not reported applied when another writer changed the flow meanwhile', async () => {
	const flowId = '7afdcf98-f58a-46cd-848c-845233772f87';
	let flow: IDataObject = { flowId, syncMode: 'managed', revision: 3, status: 'running', notifyPolicy: 'done_only', goal: 'g', createdAt: 1, updatedAt: 1 };
	const gw = await fake((req, res, text) => {
		if (JSON.parse(text).action === 'get_flow') return json(res, { ok: true, result: { flow } });
		flow = { ...flow, revision: 4, status: 'succeeded', stateJson: { result: 'OTHER WRITER' } }; // someone else's finish lands first
		req.socket.destroy(); // and the answer to ours is lost
	});
	const result = await taskFlow(gw.url, { operation: 'finishFlow', flowId: { __rl: true, mode: 'id', value: flowId } as unknown as string, revision: 'current', finishFields: { stateJson: '{"result":"MINE"}' } });
	await gw.close();
	assert.notEqual(result.items[0]?.json.applied, true, JSON.stringify(result.items[0]?.json));
	assert.match(result.error?.message ?? '', /revision 4 \(succeeded\).*another writer changed it, so this change may not have been applied/);
});
