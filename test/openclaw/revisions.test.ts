// Revision-safe changes against a real gateway: a stale revision fails, or is retried with the
// revision the gateway reports, as configured.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { flowRef, routeFor, runTaskFlow, type RouteUnderTest } from './helpers';

describe('OpenClaw TaskFlow: revisions', () => {
	let target: RouteUnderTest;
	before(async () => {
		target = await routeFor('revisions');
	});
	after(async () => await target?.release());

	async function flowAtRevision1(): Promise<string> {
		const flowId = (await runTaskFlow(target, { operation: 'createFlow', goal: 'Revision test' })).items[0].json.flowId as string;
		const moved = await runTaskFlow(target, { operation: 'setWaiting', flowId: flowRef(flowId), revision: 'expected', expectedRevision: 0 });
		assert.equal(moved.items[0].json.revision, 1, moved.error?.message);
		return flowId;
	}

	it('a stale revision fails with revision_conflict and names the current revision', async () => {
		const flowId = await flowAtRevision1();
		const stale = await runTaskFlow(target, { operation: 'finishFlow', flowId: flowRef(flowId), revision: 'expected', expectedRevision: 0 });
		assert.equal(stale.status, 'error');
		assert.match(stale.error!.message, new RegExp(`TaskFlow ${flowId} changed since revision 0: it is now at revision 1 \\(waiting\\) \\(revision_conflict\\)`));
		assert.equal(stale.error!.httpCode, '409');
		const kept = await runTaskFlow(target, { operation: 'finishFlow', flowId: flowRef(flowId), revision: 'expected', expectedRevision: 0 }, { continueOnFail: true });
		assert.deepEqual([kept.items[0].json.code, kept.items[0].json.currentRevision], ['revision_conflict', 1]);
		const flow = await runTaskFlow(target, { operation: 'getFlow', flowId: flowRef(flowId) });
		assert.equal(flow.items[0].json.status, 'waiting', 'the stale change did not apply');
	});

	it('with On Revision Conflict = Retry, a stale revision is retried on the revision the gateway reports', async () => {
		const flowId = await flowAtRevision1();
		const retried = await runTaskFlow(target, {
			operation: 'finishFlow',
			flowId: flowRef(flowId),
			revision: 'expected',
			expectedRevision: 0,
			options: { onRevisionConflict: 'retry', maxRevisionRetries: 2 },
		});
		assert.equal(retried.status, 'success', retried.error?.message);
		assert.equal(retried.items[0].json.status, 'succeeded');
		assert.equal(retried.items[0].json.revisionRetries, 1);
		assert.equal(retried.items[0].json.appliedOnRevision, 1);
		assert.equal(retried.items[0].json.revision, 2);
	});

	it('"use the current revision" reads the flow first, so several items change one flow in turn', async () => {
		const flowId = await flowAtRevision1();
		const result = await runTaskFlow(
			target,
			{ operation: 'setWaiting', flowId: flowRef(flowId), revision: 'current', waitingFields: { currentStep: '={{ $json.step }}' } },
			{ items: [{ step: 'one' }, { step: 'two' }, { step: 'three' }] },
		);
		assert.equal(result.status, 'success', result.error?.message);
		assert.deepEqual(
			result.items.map((i) => [i.json.currentStep, i.json.appliedOnRevision, i.json.revision]),
			[
				['one', 1, 2],
				['two', 2, 3],
				['three', 3, 4],
			],
		);
	});
});
