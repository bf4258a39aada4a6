// Lost answers against a real gateway, through a proxy that forwards a request and then never
// answers: the outcome is unknown to the node, which must find what it did instead of repeating it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { INodeParameters } from 'n8n-workflow';

import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { flowRef, listFlowsDirect, routeFor, runTaskFlow, type RouteUnderTest } from './helpers';

const isAction = (action: string) => (body: unknown) => (body as { action?: string } | undefined)?.action === action;

describe('OpenClaw TaskFlow: lost answers', () => {
	let target: RouteUnderTest;
	let proxy: FaultProxy;
	before(async () => {
		target = await routeFor('retry');
		proxy = await startFaultProxy(target.baseUrl);
	});
	after(async () => {
		await proxy?.close();
		await target?.release();
	});

	const handOff = (key: string) => ({
		operation: 'handOff',
		goal: 'Lost answer test',
		idempotencyKey: key,
		options: { timeout: 1 },
	});
	const run = async (parameters: INodeParameters) => await runTaskFlow(target, parameters, { credentialOverrides: { gatewayUrl: proxy.url } });
	const flowsWithKey = async (key: string) =>
		(await listFlowsDirect(target)).filter((f) => (f.stateJson as { idempotencyKey?: string } | undefined)?.idempotencyKey === key);

	it('a create whose answer is lost is found again by its key, not repeated', async () => {
		proxy.faults.push({ when: isAction('create_flow'), times: 1, kind: 'swallow-response' });
		const result = await run(handOff('lost-create-1'));
		assert.equal(result.status, 'success', result.error?.message);
		assert.equal(result.items[0].json.created, true);
		assert.equal(result.items[0].json.recoveredAfterLostAnswer, true);
		assert.equal(proxy.requests.filter((r) => r.body.includes('"create_flow"')).length, 1, 'create_flow was sent once');
		assert.equal((await flowsWithKey('lost-create-1')).length, 1);
	});

	it('a hand-off retried after it failed on a timeout finds its flow instead of creating a second', async () => {
		// The create's answer is lost, and so is the look-up after it: the execution fails with the
		// outcome unknown. Running the item again (n8n's Retry On Fail, or a manual re-run) must not
		// create a second flow.
		let lists = 0;
		proxy.faults.push({ when: isAction('create_flow'), times: 1, kind: 'swallow-response' });
		proxy.faults.push({ when: (body) => isAction('list_flows')(body) && ++lists === 2, times: 1, kind: 'swallow-response' });
		const failed = await run(handOff('lost-create-2'));
		assert.equal(failed.status, 'error');
		assert.match(failed.error!.message, /did not answer within 1 s/);
		assert.match(String(failed.error!.description), /outcome is unknown/);

		const retried = await run(handOff('lost-create-2'));
		assert.equal(retried.status, 'success', retried.error?.message);
		assert.equal(retried.items[0].json.created, false, 'the retry found the flow of the first attempt');
		assert.equal((await flowsWithKey('lost-create-2')).length, 1);
	});

	it('a change whose answer is lost is recognised by reading the flow, not applied twice', async () => {
		const created = await run({ operation: 'createFlow', goal: 'Finish me' });
		const flowId = created.items[0].json.flowId as string;
		proxy.faults.push({ when: isAction('finish_flow'), times: 1, kind: 'swallow-response' });
		const finished = await run({ operation: 'finishFlow', flowId: flowRef(flowId), revision: 'expected', expectedRevision: 0, options: { timeout: 1 } });
		assert.equal(finished.status, 'success', finished.error?.message);
		assert.equal(finished.items[0].json.recoveredAfterLostAnswer, true);
		assert.equal(finished.items[0].json.revision, 1, 'applied once');
		assert.equal(finished.items[0].json.status, 'succeeded');
	});

	it('a child task whose answer is lost is not added twice', async () => {
		proxy.faults.push({ when: isAction('run_task'), times: 1, kind: 'swallow-response' });
		const result = await run({ ...handOff('lost-task-1'), addTask: true, taskRuntime: 'subagent', taskText: 'Only once' });
		assert.equal(result.status, 'success', result.error?.message);
		const flowId = result.items[0].json.flowId as string;
		const summary = await run({ operation: 'getTaskSummary', flowId: flowRef(flowId) });
		assert.equal(summary.items[0].json.total, 1);
	});
});
