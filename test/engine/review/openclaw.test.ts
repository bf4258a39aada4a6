import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode, TestCredentialsHelper } from '../../harness/engine';
import { runSurfaces } from '../../support/secret-surfaces';
import { fake, json } from './fake';
import { IDS, run, runParams, withEmulator, workflow } from '../helpers';

const SECRET = 'whsec-canary-0123456789abcdef';
const taskFlow = (url: string, parameters: INodeParameters, items?: IDataObject[], continueOnFail = false) =>
	runNode({ node: 'openClawTaskFlow', credentialTypes: ['openClawWebhookApi'], items, continueOnFail, parameters: { options: {}, ...parameters },
		credentials: new TestCredentialsHelper({ openClawWebhookApi: { gatewayUrl: url, routePath: '/plugins/webhooks/n8n', secret: SECRET, headerStyle: 'bearer' } }) });
const HAND_OFF = { operation: 'handOff', goal: '=Review run {{ $json.executeId }}', idempotencyKey: '={{ $json.executeId }}' };

/** A gateway that keeps flows in memory (list_flows newest first, create_flow, get_flow), a few ms per request. */
async function gateway() {
	const flows: IDataObject[] = [];
	const server = await fake(async (_req, res, text) => {
		const body = JSON.parse(text);
		await new Promise((r) => setTimeout(r, 30));
		if (body.action === 'list_flows') return json(res, { ok: true, result: { flows: [...flows].reverse() } });
		if (body.action === 'get_flow') return json(res, { ok: true, result: { flow: flows.find((f) => f.flowId === body.flowId) ?? null } });
		const flow = { flowId: randomUUID(), syncMode: 'managed', revision: 0, status: 'queued', notifyPolicy: 'done_only', goal: body.goal, stateJson: body.stateJson, createdAt: Date.now(), updatedAt: Date.now() };
		flows.push(flow);
		return json(res, { ok: true, result: { created: true, flow } });
	});
	return { server, flows };
}

it('D2: the same Coze result handed off by two executions at once gives one flow', async () => {
	const { server, flows } = await gateway();
	const item = { executeId: '7606656416483336418', output: { a: 1 } };
	await Promise.all([taskFlow(server.url, HAND_OFF, [item]), taskFlow(server.url, HAND_OFF, [item])]);
	await server.close();
	assert.equal(flows.length, 1); // today: 2, both items say created: true
});

it('D8: the final result of a resumed run is not swallowed by the flow of its interrupt (same default key)', async () => {
	const { server, flows } = await gateway();
	await withEmulator(async (emu) => {
		const asked = (await run(emu, runParams(IDS.tripQuestion))).items[0].json as IDataObject & { interrupt: { eventId: string } };
		await taskFlow(server.url, HAND_OFF, [asked]);
		const done = (await run(emu, { operation: 'resume', workflowId: workflow(IDS.tripQuestion), eventId: asked.interrupt.eventId, interruptType: 2, resumeData: '杭州，2024-08-20', resumeVia: 'stream', options: {} })).items[0].json;
		const second = await taskFlow(server.url, HAND_OFF, [done]);
		assert.equal(second.items[0].json.created, true, `flows: ${flows.length}, stored result: ${JSON.stringify((flows[0].stateJson as IDataObject).result)}`); // today: created false, the question text stays the result
	});
	await server.close();
});

it('D11: an error page that echoes the request does not put the route secret into the error or the item', async () => {
	const proxy = await fake((req, res) => (res.writeHead(502), res.end(`upstream failed; request: POST ${req.url} authorization=${req.headers.authorization}`)));
	for (const continueOnFail of [false, true]) {
		const result = await taskFlow(proxy.url, { operation: 'listFlows', returnAll: true }, undefined, continueOnFail);
		assert.ok(!runSurfaces(result).includes(SECRET), `secret leaked (continueOnFail=${continueOnFail})`);
	}
	await proxy.close();
});

it('D12: a change whose answer was lost is not reported applied when another writer changed the flow', async () => {
	const flowId = '7afdcf98-f58a-46cd-848c-845233772f87';
	let flow: IDataObject = { flowId, syncMode: 'managed', revision: 3, status: 'running', notifyPolicy: 'done_only', goal: 'g', createdAt: 1, updatedAt: 1 };
	const gw = await fake((req, res, text) => {
		if (JSON.parse(text).action === 'get_flow') return json(res, { ok: true, result: { flow } });
		flow = { ...flow, revision: 4, status: 'succeeded', stateJson: { result: 'OTHER WRITER' } }; // someone else's finish lands first
		req.socket.destroy(); // and the answer to ours is lost
	});
	const result = await taskFlow(gw.url, { operation: 'finishFlow', flowId: { __rl: true, mode: 'id', value: flowId } as unknown as string, revision: 'current', finishFields: { stateJson: '{"result":"MINE"}' } });
	await gw.close();
	assert.notEqual(result.items[0]?.json.applied, true, JSON.stringify(result.items[0]?.json)); // today: applied, recoveredAfterLostAnswer, state OTHER WRITER
});
