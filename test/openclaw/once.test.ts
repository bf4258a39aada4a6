// Node version 1.1 against a real gateway: Create Flow, Run Task and Hand Off create nothing twice
// when n8n runs the same item again — n8n 1.x re-running a dead worker's execution under the same
// execution ID, or Retry On Fail — while another execution, or another item, creates anew.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { flowRef, listFlowsDirect, routeFor, runTaskFlow, type RouteUnderTest } from './helpers';

const isAction = (action: string) => (body: unknown) => (body as { action?: string } | undefined)?.action === action;

describe('OpenClaw TaskFlow 1.1: nothing created twice when n8n runs an item again', () => {
	let target: RouteUnderTest;
	let proxy: FaultProxy;
	before(async () => {
		target = await routeFor('once');
		proxy = await startFaultProxy(target.baseUrl);
	});
	after(async () => {
		await proxy?.close();
		await target?.release();
	});

	let executions = 0;
	const newExecution = () => `once-${Date.now().toString(36)}-${++executions}`;
	const run = async (parameters: INodeParameters, extra: { executionId?: string; items?: IDataObject[]; typeVersion?: number; retryOnFail?: boolean } = {}) =>
		await runTaskFlow(target, parameters, { typeVersion: 1.1, credentialOverrides: { gatewayUrl: proxy.url }, ...extra });
	const flowsWithGoal = async (goal: string) => (await listFlowsDirect(target)).filter((f) => f.goal === goal);
	const taskTotal = async (flowId: string) => {
		const summary = await run({ operation: 'getTaskSummary', flowId: flowRef(flowId) });
		return summary.items[0].json.total as number;
	};

	it('Create Flow: the same execution run again finds its flows; another execution creates its own', async () => {
		const goal = `create once ${newExecution()}`;
		const executionId = newExecution();
		const items = [{ n: 1 }, { n: 2 }];
		const first = await run({ operation: 'createFlow', goal: `={{ "${goal} " + $json.n }}` }, { executionId, items });
		assert.equal(first.status, 'success', first.error?.message);
		assert.deepEqual(first.items.map((i) => i.json.created), [true, true]);
		const state = first.items[0].json.stateJson as IDataObject;
		// The instance (from n8n's encryption key), then workflow, execution, node, run and item.
		assert.match(String(state.n8nItemKey), new RegExp(`^n8n:[0-9a-f]{16}:wf-test:${executionId}:node-under-test:0:0$`));

		const again = await run({ operation: 'createFlow', goal: `={{ "${goal} " + $json.n }}` }, { executionId, items });
		assert.deepEqual(again.items.map((i) => i.json.created), [false, false]);
		assert.deepEqual(again.items.map((i) => i.json.flowId), first.items.map((i) => i.json.flowId), 'each item found its own flow');
		assert.equal((await flowsWithGoal(`${goal} 1`)).length, 1);

		const other = await run({ operation: 'createFlow', goal: `${goal} 1` }, { items: [{}] });
		assert.equal(other.items[0].json.created, true, 'another execution is another item');
		assert.equal((await flowsWithGoal(`${goal} 1`)).length, 2);
	});

	it('Create Flow: version 1 keeps creating, as it did', async () => {
		const goal = `create v1 ${newExecution()}`;
		const executionId = newExecution();
		await run({ operation: 'createFlow', goal }, { executionId, typeVersion: 1 });
		await run({ operation: 'createFlow', goal }, { executionId, typeVersion: 1 });
		assert.equal((await flowsWithGoal(goal)).length, 2);
	});

	it('Create Flow: Retry On Fail after a create of unknown outcome finds the flow instead of creating a second', async () => {
		const goal = `create retry ${newExecution()}`;
		// The create's answer is lost and so is the look-up after it: the first try fails with the
		// outcome unknown, and n8n's Retry On Fail runs the node again in the same execution.
		let lists = 0;
		proxy.faults.push({ when: isAction('create_flow'), times: 1, kind: 'swallow-response' });
		proxy.faults.push({ when: (body) => isAction('list_flows')(body) && ++lists === 2, times: 1, kind: 'swallow-response' });
		const result = await run({ operation: 'createFlow', goal, options: { timeout: 1 } }, { retryOnFail: true });
		assert.equal(result.status, 'success', result.error?.message);
		assert.equal(result.items[0].json.created, false, 'the second try found the flow of the first');
		assert.equal((await flowsWithGoal(goal)).length, 1);
	});

	it('Create Flow: a state that is not an object is refused before anything is sent', async () => {
		const sent = proxy.requests.length;
		const result = await run({ operation: 'createFlow', goal: 'array state', createFields: { stateJson: '[1,2]' } });
		assert.equal(result.status, 'error');
		assert.match(result.error!.message, /State \(JSON\) is not an object/);
		assert.equal(proxy.requests.length, sent);
	});

	it('Run Task: the same execution run again starts no second task and gives the first task\'s ID; the flow keeps its status, step and wait', async () => {
		const created = await run({
			operation: 'createFlow',
			goal: `run task once ${newExecution()}`,
			status: 'waiting',
			createFields: { currentStep: 'review', waitJson: '{"for":"a person"}', stateJson: '{"ticket":7}' },
		});
		const flowId = created.items[0].json.flowId as string;
		const executionId = newExecution();
		const task = { operation: 'runTask', flowId: flowRef(flowId), runtime: 'subagent', task: 'Review ticket 7' };
		const first = await run(task, { executionId });
		assert.equal(first.status, 'success', first.error?.message);
		assert.equal(first.items[0].json.created, true);
		const taskId = first.items[0].json.taskId as string;
		assert.ok(taskId);
		const flow = first.items[0].json.flow as IDataObject;
		assert.equal(flow.status, 'waiting');
		assert.equal(flow.currentStep, 'review');
		assert.deepEqual(flow.waitJson, { for: 'a person' });
		assert.equal((flow.stateJson as IDataObject).ticket, 7);

		const again = await run(task, { executionId });
		assert.equal(again.status, 'success', again.error?.message);
		assert.equal(again.items[0].json.created, false);
		assert.equal(again.items[0].json.taskId, taskId);
		assert.equal(await taskTotal(flowId), 1);

		const other = await run(task);
		assert.equal(other.items[0].json.created, true, 'another execution starts another task');
		assert.equal(await taskTotal(flowId), 2);
	});

	it('Run Task: an answer lost after the gateway started the task is told by the count, then and when the item runs again', async () => {
		const created = await run({ operation: 'createFlow', goal: `run task lost ${newExecution()}`, createFields: { currentStep: 'triage' } });
		const flowId = created.items[0].json.flowId as string;
		const executionId = newExecution();
		const task = { operation: 'runTask', flowId: flowRef(flowId), runtime: 'subagent', task: 'Once', options: { timeout: 1 } };
		proxy.faults.push({ when: isAction('run_task'), times: 1, kind: 'swallow-response' });
		const first = await run(task, { executionId });
		assert.equal(first.status, 'success', first.error?.message);
		assert.equal(await taskTotal(flowId), 1);
		const again = await run(task, { executionId });
		assert.equal(again.items[0].json.created, false);
		assert.equal(await taskTotal(flowId), 1);
		const flow = again.items[0].json.flow as IDataObject;
		assert.equal(flow.status, created.items[0].json.status, 'queued, as created');
		assert.equal(flow.currentStep, 'triage', 'the ledger write keeps the step');
	});

	it('Run Task: an Idempotency Key starts one task per key, across executions and on version 1 too', async () => {
		const created = await run({ operation: 'createFlow', goal: `run task keyed ${newExecution()}` });
		const flowId = created.items[0].json.flowId as string;
		const task = { operation: 'runTask', flowId: flowRef(flowId), runtime: 'subagent', task: 'Keyed', taskFields: { idempotencyKey: 'ticket-9' } };
		await run(task, { typeVersion: 1 });
		const again = await run(task);
		assert.equal(again.items[0].json.created, false);
		assert.equal(await taskTotal(flowId), 1);
	});

	it('Hand Off: the same execution run again finds its flow even when its Coze run started again with another execute ID', async () => {
		const executionId = newExecution();
		const goal = `hand off once ${executionId}`;
		const handOff = { operation: 'handOff', goal, addTask: true, taskRuntime: 'subagent', taskText: 'Review' };
		const first = await run(handOff, { executionId, items: [{ executeId: '7500000000000000101' }] });
		assert.equal(first.status, 'success', first.error?.message);
		assert.equal(first.items[0].json.created, true);
		const again = await run(handOff, { executionId, items: [{ executeId: '7500000000000000102' }] });
		assert.equal(again.items[0].json.created, false);
		assert.equal(again.items[0].json.flowId, first.items[0].json.flowId);
		assert.equal((await flowsWithGoal(goal)).length, 1);
		assert.equal(await taskTotal(first.items[0].json.flowId as string), 1);

		// Another execution with the first execute ID (a Coze Trigger delivering the same run twice) finds it by its key.
		const repeated = await run(handOff, { items: [{ executeId: '7500000000000000101' }] });
		assert.equal(repeated.items[0].json.created, false);
		assert.equal((await flowsWithGoal(goal)).length, 1);
	});

	it('Hand Off: an item without an execute ID is handed off once by where it ran', async () => {
		const executionId = newExecution();
		const goal = `hand off no key ${executionId}`;
		const first = await run({ operation: 'handOff', goal }, { executionId, items: [{}] });
		assert.equal(first.status, 'success', first.error?.message);
		assert.equal(first.items[0].json.idempotencyKey, undefined);
		const again = await run({ operation: 'handOff', goal }, { executionId, items: [{}] });
		assert.equal(again.items[0].json.created, false);
		assert.equal((await flowsWithGoal(goal)).length, 1);
	});
});
