// The TaskFlow trigger's comparison of polls, with flow IDs and state paths that name members of
// Object.prototype (the gateway and the user choose them, not the code).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { diffFlows, emptyWatchState, matchesFilters } from '../../nodes/OpenClaw/protocol/flowWatch';
import type { FlowView } from '../../nodes/OpenClaw/protocol/types';

const flow = (flowId: string, revision: number, extra: Partial<FlowView> = {}): FlowView => ({
	flowId, syncMode: 'managed', revision, status: 'running', notifyPolicy: 'done_only', goal: 'g', createdAt: 1, updatedAt: 1, ...extra,
});

describe('diffFlows', () => {
	it('remembers flows whose IDs name Object.prototype members, through a save and load of the state', () => {
		const ids = ['__proto__', 'constructor', 'toString', 'ordinary'];
		const options = { events: new Set(['anyChange'] as const), filters: {}, emitExisting: false };
		const first = diffFlows(emptyWatchState(), ids.map((id) => flow(id, 1)), options);
		assert.equal(first.transitions.length, 0, 'the first poll only records what exists');
		assert.deepEqual(Object.keys(first.next.flows).sort(), [...ids].sort());
		assert.equal(Object.getPrototypeOf(first.next.flows), Object.prototype);
		// n8n keeps the state as JSON between polls.
		const saved = JSON.parse(JSON.stringify(first.next)) as typeof first.next;
		const unchanged = diffFlows(saved, ids.map((id) => flow(id, 1)), options);
		assert.deepEqual(unchanged.transitions, [], 'nothing changed, nothing is reported');
		const changed = diffFlows(saved, ids.map((id) => flow(id, id === 'constructor' ? 2 : 1)), options);
		assert.deepEqual(changed.transitions.map((t) => [t.flow.flowId, t.previousRevision]), [['constructor', 1]]);
	});
});

describe('matchesFilters', () => {
	it('matches a state path through own keys only', () => {
		const filter = (path: string, equals: string) => matchesFilters(flow('f', 1, { stateJson: { a: { b: 'x' } } }), { stateField: { path, equals } });
		assert.equal(filter('a.b', 'x'), true);
		assert.equal(filter('a.__proto__', '{}'), false);
		assert.equal(filter('a.constructor.name', 'Object'), false);
	});
});
