// The keys a create leaves in a flow's state, and how later steps and look-ups treat them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { TaskFlowClient } from '../../nodes/OpenClaw/protocol/client';
import { keepFlowKeys, keysOf, mayDropFlowKeys, stateWithKeys } from '../../nodes/OpenClaw/protocol/flowKeys';
import { FlowKeyIndex } from '../../nodes/OpenClaw/protocol/flowOnce';
import type { FlowView, JsonValue } from '../../nodes/OpenClaw/protocol/types';

function flow(flowId: string, createdAt: number, stateJson?: JsonValue): FlowView {
	return { flowId, syncMode: 'managed', revision: 0, status: 'queued', notifyPolicy: 'done_only', goal: flowId, createdAt, updatedAt: createdAt, stateJson };
}

describe('OpenClaw flow keys', () => {
	it('a create stores the keys it has, and a flow is known by both', () => {
		const state = stateWithKeys({ result: 'r' }, { key: '7500', itemKey: 'n8n:wf:1:node:0:0' });
		assert.deepEqual(state, { result: 'r', idempotencyKey: '7500', n8nItemKey: 'n8n:wf:1:node:0:0' });
		assert.deepEqual(keysOf(flow('a', 1, state)), ['7500', 'n8n:wf:1:node:0:0']);
		assert.deepEqual(stateWithKeys(undefined, { itemKey: 'k' }), { n8nItemKey: 'k' });
		assert.deepEqual(keysOf(flow('b', 1, [1, 2])), []);
	});

	it('a new state keeps every key and the task ledger the stored one has, unless it names them', () => {
		const stored = flow('a', 1, { idempotencyKey: 'k', n8nItemKey: 'i', taskKeys: { i: { tasksBefore: 0, taskId: 't' } }, step: 1 });
		assert.deepEqual(keepFlowKeys({ step: 2 }, stored), { step: 2, idempotencyKey: 'k', n8nItemKey: 'i', taskKeys: { i: { tasksBefore: 0, taskId: 't' } } });
		assert.deepEqual(keepFlowKeys({ step: 2, taskKeys: null }, stored), { step: 2, taskKeys: null, idempotencyKey: 'k', n8nItemKey: 'i' });
		assert.deepEqual(keepFlowKeys([1], stored), [1], 'a state that is not an object is sent as it is');
		assert.equal(mayDropFlowKeys({ idempotencyKey: 'k', n8nItemKey: 'i', taskKeys: {} }), false);
		assert.equal(mayDropFlowKeys({ step: 2 }), true);
	});

	it('the index finds the oldest flow known by any of the keys', async () => {
		// list_flows is newest first.
		const flows = [flow('newer', 3, { n8nItemKey: 'i' }), flow('older', 2, { idempotencyKey: 'k' }), flow('oldest-of-i', 1, { n8nItemKey: 'i' })];
		const client = { listFlows: async () => flows } as unknown as TaskFlowClient;
		const index = new FlowKeyIndex(client);
		assert.equal((await index.find(['k']))?.flowId, 'older');
		assert.equal((await index.find(['k', 'i']))?.flowId, 'oldest-of-i');
		assert.equal(await index.find(['other']), undefined);
	});
});
