// Every webhooks-plugin action from the OpenClaw TaskFlow node, in n8n-core's engine, against a
// real OpenClaw gateway (route "actions": its own session and rate-limit budget).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { flowRef, routeFor, runTaskFlow, type RouteUnderTest } from './helpers';

describe('OpenClaw TaskFlow: every action against a real gateway', () => {
	let target: RouteUnderTest;
	before(async () => {
		target = await routeFor('actions');
	});
	after(async () => await target?.release());

	it('creates, reads, lists, resolves, waits, resumes, adds a task and finishes a flow', async () => {
		const created = await runTaskFlow(target, {
			operation: 'createFlow',
			goal: 'Review inbound queue',
			status: 'queued',
			notifyPolicy: 'state_changes',
			createFields: { currentStep: 'intake', stateJson: '{"ticket":42}' },
		});
		assert.equal(created.status, 'success', created.error?.message);
		const flow = created.items[0].json;
		assert.equal(flow.created, true);
		assert.equal(flow.revision, 0);
		assert.equal(flow.status, 'queued');
		assert.equal(flow.notifyPolicy, 'state_changes');
		assert.deepEqual(flow.stateJson, { ticket: 42 });
		assert.equal(flow.controllerId, 'webhooks/actions');
		const flowId = flow.flowId as string;
		assert.match(flowId, /^[0-9a-f-]{36}$/);

		const read = await runTaskFlow(target, { operation: 'getFlow', flowId: flowRef(flowId) });
		assert.equal(read.items[0].json.found, true);
		assert.equal(read.items[0].json.goal, 'Review inbound queue');

		const missing = await runTaskFlow(target, { operation: 'getFlow', flowId: flowRef('00000000-0000-4000-8000-000000000000') });
		assert.deepEqual(missing.items[0].json, { found: false, flowId: '00000000-0000-4000-8000-000000000000' });

		const latest = await runTaskFlow(target, { operation: 'findLatestFlow' });
		assert.equal(latest.items[0].json.flowId, flowId);

		const resolved = await runTaskFlow(target, { operation: 'resolveFlow', flowOrSessionKey: target.route.sessionKey });
		assert.equal(resolved.items[0].json.flowId, flowId);

		const waiting = await runTaskFlow(target, {
			operation: 'setWaiting',
			flowId: flowRef(flowId),
			revision: 'current',
			waitingFields: { currentStep: 'await-approval', waitJson: '{"kind":"approval"}' },
		});
		assert.equal(waiting.items[0].json.status, 'waiting', waiting.error?.message);
		assert.equal(waiting.items[0].json.revision, 1);
		assert.equal(waiting.items[0].json.appliedOnRevision, 0);

		const blocked = await runTaskFlow(target, {
			operation: 'setWaiting',
			flowId: flowRef(flowId),
			revision: 'expected',
			expectedRevision: 1,
			waitingFields: { blockedSummary: 'needs a human' },
		});
		assert.equal(blocked.items[0].json.status, 'blocked', blocked.error?.message);

		const resumed = await runTaskFlow(target, {
			operation: 'resumeFlow',
			flowId: flowRef(flowId),
			revision: 'current',
			resumeStatus: 'running',
			resumeFields: { currentStep: 'processing', stateJson: '{"ticket":42,"approved":true}' },
		});
		assert.equal(resumed.items[0].json.status, 'running', resumed.error?.message);
		assert.equal(resumed.items[0].json.waitJson, null);
		assert.equal(resumed.items[0].json.revision, 3);

		const task = await runTaskFlow(target, {
			operation: 'runTask',
			flowId: flowRef(flowId),
			runtime: 'subagent',
			task: 'Summarise ticket 42',
			taskStatus: 'queued',
			taskFields: { label: 'summarise' },
		});
		assert.equal(task.items[0].json.status, 'queued', task.error?.message);
		assert.equal(task.items[0].json.parentFlowId, flowId);
		assert.equal(task.items[0].json.label, 'summarise');

		const summary = await runTaskFlow(target, { operation: 'getTaskSummary', flowId: flowRef(flowId) });
		assert.equal(summary.items[0].json.total, 1);
		assert.deepEqual((summary.items[0].json.byRuntime as Record<string, number>).subagent, 1);

		const finished = await runTaskFlow(target, {
			operation: 'finishFlow',
			flowId: flowRef(flowId),
			revision: 'current',
			finishFields: { stateJson: '{"result":"done"}' },
		});
		assert.equal(finished.items[0].json.status, 'succeeded', finished.error?.message);
		assert.ok(finished.items[0].json.endedAt);

		const late = await runTaskFlow(target, { operation: 'runTask', flowId: flowRef(flowId), runtime: 'acp', task: 'late' }, { continueOnFail: true });
		assert.equal(late.items[0].json.code, 'terminal');
		assert.match(String(late.items[0].json.error), /Flow is already succeeded/);
	});

	it('requests cancellation, cancels, cancels with a child still active (202 is a result), and fails a flow', async () => {
		const make = async (goal: string) => (await runTaskFlow(target, { operation: 'createFlow', goal, status: 'running' })).items[0].json.flowId as string;
		const first = await make('Cancel me');
		const requested = await runTaskFlow(target, { operation: 'requestCancel', flowId: flowRef(first), revision: 'expected', expectedRevision: 0 });
		assert.ok(requested.items[0].json.cancelRequestedAt, requested.error?.message);
		const refused = await runTaskFlow(target, { operation: 'runTask', flowId: flowRef(first), runtime: 'subagent', task: 'x' }, { continueOnFail: true });
		assert.equal(refused.items[0].json.code, 'cancel_requested');
		const cancelled = await runTaskFlow(target, { operation: 'cancelFlow', flowId: flowRef(first) });
		assert.equal(cancelled.items[0].json.cancelled, true, cancelled.error?.message);
		assert.equal(cancelled.items[0].json.cancelPending, false);
		assert.equal(cancelled.items[0].json.status, 'cancelled');
		const again = await runTaskFlow(target, { operation: 'cancelFlow', flowId: flowRef(first) });
		assert.equal(again.status, 'error');
		assert.match(again.error!.message, /Flow is already cancelled/);
		assert.equal(again.error!.httpCode, '409');

		const busy = await make('Cancel with a child');
		await runTaskFlow(target, { operation: 'runTask', flowId: flowRef(busy), runtime: 'subagent', task: 'child', taskStatus: 'queued' });
		const pending = await runTaskFlow(target, { operation: 'cancelFlow', flowId: flowRef(busy) });
		assert.equal(pending.status, 'success', pending.error?.message);
		assert.equal(pending.items[0].json.cancelPending, true);
		assert.equal(pending.items[0].json.cancelled, false);
		assert.match(String(pending.items[0].json.reason), /child tasks are still active/);
		assert.equal((pending.items[0].json.tasks as unknown[]).length, 1);

		const third = await make('Fail me');
		const failed = await runTaskFlow(target, {
			operation: 'failFlow',
			flowId: flowRef(third),
			revision: 'current',
			failFields: { blockedSummary: 'upstream 500', stateJson: 'null' },
		});
		assert.equal(failed.items[0].json.status, 'failed', failed.error?.message);
		assert.equal(failed.items[0].json.blockedSummary, 'upstream 500');
		assert.equal(failed.items[0].json.stateJson, null);
	});

	it('lists flows newest first, with a status filter and a limit; one item per flow, paired to its input', async () => {
		const all = await runTaskFlow(target, { operation: 'listFlows', returnAll: true });
		assert.ok(all.items.length >= 4, `${all.items.length} flows`);
		const created = all.items.map((i) => i.json.createdAt as number);
		assert.deepEqual(created, [...created].sort((a, b) => b - a));
		assert.ok(all.items.every((i) => (i.pairedItem as { item: number }).item === 0));
		const failed = await runTaskFlow(target, { operation: 'listFlows', returnAll: true, filters: { status: ['failed'] } });
		assert.ok(failed.items.length >= 1 && failed.items.every((i) => i.json.status === 'failed'));
		const two = await runTaskFlow(target, { operation: 'listFlows', returnAll: false, limit: 2 });
		assert.equal(two.items.length, 2);
	});
});
