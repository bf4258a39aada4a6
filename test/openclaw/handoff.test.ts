// Hand Off against a real gateway, fed with real Coze Workflow results from the emulator:
// one flow per result, however often the items run.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import { IDS, run, runParams, withEmulator } from '../engine/helpers';
import { flowRef, listFlowsDirect, routeFor, runTaskFlow, type RouteUnderTest } from './helpers';

describe('OpenClaw TaskFlow: Hand Off', () => {
	let target: RouteUnderTest;
	let cozeItems: IDataObject[];
	before(async () => {
		target = await routeFor('handoff');
		// Three real Coze runs (stream mode) give the items, with their execute IDs and debug URLs.
		cozeItems = await withEmulator(async (emu) => {
			const result = await run(emu, runParams(IDS.story, { parametersJson: '={{ JSON.stringify({ topic: $json.topic }) }}' }), {
				items: [{ topic: 'sea' }, { topic: 'sky' }, { topic: 'sand' }],
			});
			assert.equal(result.items.length, 3, result.error?.message);
			return result.items.map((i) => i.json);
		});
	});
	after(async () => await target?.release());

	const handOffParams = { operation: 'handOff', goal: '=Review the story of run {{ $json.executeId }}', idempotencyKey: '={{ $json.executeId }}' };

	it('turns each Coze result into one flow holding the result, execute ID and debug URL', async () => {
		const result = await runTaskFlow(
			target,
			{
				...handOffParams,
				result: '={{ $json.output }}',
				executeId: '={{ $json.executeId }}',
				debugUrl: '={{ $json.debugUrl }}',
				addTask: true,
				taskRuntime: 'subagent',
				taskText: 'Review the story',
				thenWait: true,
				waitJson: '{"for":"review"}',
				waitStep: 'await-review',
			},
			{ items: cozeItems },
		);
		assert.equal(result.status, 'success', result.error?.message);
		assert.equal(result.items.length, 3);
		for (const [index, item] of result.items.entries()) {
			const coze = cozeItems[index];
			assert.equal(item.json.created, true);
			assert.equal(item.json.idempotencyKey, coze.executeId);
			assert.equal(item.json.goal, `Review the story of run ${String(coze.executeId)}`);
			assert.deepEqual(item.json.stateJson, { result: coze.output, executeId: coze.executeId, debugUrl: coze.debugUrl, idempotencyKey: coze.executeId } as IDataObject);
			assert.equal(item.json.status, 'waiting');
			assert.equal(item.json.currentStep, 'await-review');
			assert.deepEqual(item.json.waitJson, { for: 'review' });
			assert.equal((item.json.task as IDataObject).status, 'queued');
			assert.deepEqual(item.pairedItem, { item: index });
		}
		assert.match(String(cozeItems[0].executeId), /^\d{19}$/, 'Coze execute IDs stay strings with all their digits');
	});

	it('running the same items again finds their flows: no second flow, no second task', async () => {
		const before = await listFlowsDirect(target);
		const again = await runTaskFlow(target, { ...handOffParams, addTask: true, taskRuntime: 'subagent', taskText: 'Review the story' }, { items: cozeItems });
		assert.equal(again.status, 'success', again.error?.message);
		assert.deepEqual(
			again.items.map((i) => i.json.created),
			[false, false, false],
		);
		const after = await listFlowsDirect(target);
		assert.equal(after.length, before.length);
		for (const item of again.items) {
			const flow = after.find((f) => f.flowId === item.json.flowId);
			assert.ok(flow, 'the output names an existing flow');
		}
	});

	it('a later step that replaces the state keeps the hand-off key, so running the hand-off again still finds the flow', async () => {
		const items = [{ executeId: '7500000000000000777' }];
		const first = await runTaskFlow(target, handOffParams, { items });
		assert.equal(first.items[0].json.created, true, first.error?.message);
		const flowId = String(first.items[0].json.flowId);
		// Finish Flow with a State (JSON) that knows nothing of the key, at an explicit revision (no read needed for it).
		const finished = await runTaskFlow(target, {
			operation: 'finishFlow',
			flowId: flowRef(flowId),
			revision: 'expected',
			expectedRevision: Number(first.items[0].json.revision),
			finishFields: { stateJson: '{"verdict":"approved"}' },
		});
		assert.equal(finished.status, 'success', finished.error?.message);
		assert.deepEqual(finished.items[0].json.stateJson, { verdict: 'approved', idempotencyKey: '7500000000000000777' } as IDataObject);
		const flows = await listFlowsDirect(target);
		const again = await runTaskFlow(target, handOffParams, { items });
		assert.equal(again.items[0].json.created, false, 'the finished flow was found by its key');
		assert.equal(again.items[0].json.flowId, flowId);
		assert.equal((await listFlowsDirect(target)).length, flows.length, 'no second flow');
	});

	it('the same key twice in one execution gives one flow', async () => {
		const items = [{ executeId: '7500000000000000999' }, { executeId: '7500000000000000999' }];
		const result = await runTaskFlow(target, handOffParams, { items });
		assert.deepEqual(
			result.items.map((i) => i.json.created),
			[true, false],
		);
		assert.equal(result.items[0].json.flowId, result.items[1].json.flowId);
	});

	it('three executions handing off the same key at once leave one live flow, the oldest, which all items name', async () => {
		const key = '7500000000000001234';
		const results = await Promise.all([1, 2, 3].map(async () => await runTaskFlow(target, handOffParams, { items: [{ executeId: key }] })));
		for (const result of results) assert.equal(result.status, 'success', result.error?.message);
		const withKey = (await listFlowsDirect(target)).filter((f) => (f.stateJson as IDataObject | undefined)?.idempotencyKey === key);
		const live = withKey.filter((f) => f.status !== 'cancelled');
		assert.equal(live.length, 1, JSON.stringify(withKey.map((f) => [f.flowId, f.status])));
		assert.equal(live[0].flowId, withKey.at(-1)!.flowId, 'the oldest flow is kept');
		assert.deepEqual(results.map((r) => r.items[0].json.flowId), [live[0].flowId, live[0].flowId, live[0].flowId]);
		assert.equal(results.filter((r) => r.items[0].json.created === true).length, 1, 'one item says it created the flow');
	});

	it('an empty idempotency key is refused, naming the field', async () => {
		const result = await runTaskFlow(target, handOffParams, { items: [{ output: 'no execute id' }] });
		assert.equal(result.status, 'error');
		assert.match(result.error!.message, /^Idempotency Key is empty/);
	});
});
