// The OpenClaw TaskFlow Trigger's poll() in n8n-core's PollContext against a real gateway, through
// a sequence of changes: one emission per transition, none after a restart with the same state.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { pollTrigger } from '../harness/engine';
import { credentialsFor, flowRef, routeFor, runTaskFlow, type RouteUnderTest } from './helpers';

describe('OpenClaw TaskFlow Trigger against a real gateway', () => {
	let target: RouteUnderTest;
	before(async () => {
		target = await routeFor('trigger');
	});
	after(async () => await target?.release());

	const ALL_EVENTS = ['created', 'waiting', 'blocked', 'succeeded', 'failed', 'cancelled', 'lost', 'anyChange'];
	const poll = async (staticData: IDataObject, parameters: INodeParameters = {}, mode: 'trigger' | 'manual' = 'trigger') =>
		await pollTrigger({
			node: 'openClawTaskFlowTrigger',
			parameters: { events: ALL_EVENTS, filters: {}, options: {}, ...parameters },
			credentials: credentialsFor(target),
			credentialTypes: ['openClawWebhookApi'],
			staticData,
			mode,
		});
	const act = async (parameters: INodeParameters) => {
		const result = await runTaskFlow(target, parameters);
		assert.equal(result.status, 'success', result.error?.message);
		return result.items[0].json;
	};
	const summary = (items: Array<{ json: IDataObject }> | null) =>
		(items ?? []).map((i) => `${String(i.json.goal)}:${String(i.json.event)}:${String(i.json.previousStatus)}->${String(i.json.status)}`);

	it('emits exactly one item per transition, and nothing twice', async () => {
		await act({ operation: 'createFlow', goal: 'Existing before activation' });
		// Activation: the first poll only records what exists.
		let state = (await poll({})).staticData;
		let result = await poll(state);
		assert.equal(result.items, null);

		const a = (await act({ operation: 'createFlow', goal: 'A' })).flowId as string;
		result = await poll(state);
		assert.deepEqual(summary(result.items), ['A:created:null->queued']);
		state = result.staticData;

		await act({ operation: 'setWaiting', flowId: flowRef(a), revision: 'current' });
		result = await poll(state);
		assert.deepEqual(summary(result.items), ['A:waiting:queued->waiting']);
		assert.equal(result.items![0].json.previousRevision, 0);
		state = result.staticData;

		await act({ operation: 'resumeFlow', flowId: flowRef(a), revision: 'current', resumeStatus: 'running' });
		result = await poll(state);
		assert.deepEqual(summary(result.items), ['A:anyChange:waiting->running']);
		state = result.staticData;

		await act({ operation: 'finishFlow', flowId: flowRef(a), revision: 'current' });
		const b = (await act({ operation: 'createFlow', goal: 'B' })).flowId as string;
		await act({ operation: 'failFlow', flowId: flowRef(b), revision: 'current' });
		const c = (await act({ operation: 'createFlow', goal: 'C' })).flowId as string;
		await act({ operation: 'cancelFlow', flowId: flowRef(c) });
		result = await poll(state);
		// A flow created and ended between two polls is reported once, with its latest status.
		assert.deepEqual(summary(result.items), ['A:succeeded:running->succeeded', 'B:failed:null->failed', 'C:cancelled:null->cancelled']);
		state = result.staticData;

		result = await poll(state);
		assert.equal(result.items, null, 'no change, no emission');
		// A restart (a new workflow object with the stored static data) emits nothing either.
		const restarted = await poll(structuredClone(state));
		assert.equal(restarted.items, null);
		assert.deepEqual(Object.keys((state['node:Trigger'] as { watch: { flows: object } }).watch.flows).length, 4, 'the state holds the listed flows only');
	});

	it('only the chosen events and matching flows start the workflow', async () => {
		let state = (await poll({}, { events: ['succeeded'], filters: { goalContains: 'report' } })).staticData;
		const match = (await act({ operation: 'createFlow', goal: 'Weekly REPORT' })).flowId as string;
		const other = (await act({ operation: 'createFlow', goal: 'Something else' })).flowId as string;
		await act({ operation: 'finishFlow', flowId: flowRef(match), revision: 'current' });
		await act({ operation: 'finishFlow', flowId: flowRef(other), revision: 'current' });
		const result = await poll(state, { events: ['succeeded'], filters: { goalContains: 'report' } });
		assert.deepEqual(summary(result.items), ['Weekly REPORT:succeeded:null->succeeded']);
		state = result.staticData;
	});

	it('a test in the editor returns the newest flow that the chosen events report, with that event, and leaves the state alone', async () => {
		const result = await poll({}, { events: ['succeeded'], filters: { goalContains: 'report' } }, 'manual');
		assert.equal(result.items?.length, 1);
		assert.equal(result.items![0].json.goal, 'Weekly REPORT');
		assert.equal(result.items![0].json.event, 'succeeded');
		assert.equal(result.items![0].json.status, 'succeeded');
		assert.deepEqual(result.staticData, {});
	});

	it('a test in the editor skips newer flows in other statuses, and says so when no flow is in a chosen status', async () => {
		const goal = `Editor sample ${Date.now()}`;
		const waiting = (await act({ operation: 'createFlow', goal })).flowId as string;
		await act({ operation: 'setWaiting', flowId: flowRef(waiting), revision: 'current' });
		await act({ operation: 'createFlow', goal: `${goal} (newer, queued)` });
		const found = await poll({}, { events: ['waiting'], filters: { goalContains: goal } }, 'manual');
		assert.equal(found.items![0].json.flowId, waiting);
		assert.equal(found.items![0].json.event, 'waiting');
		await assert.rejects(poll({}, { events: ['blocked', 'lost'], filters: { goalContains: goal } }, 'manual'), (error: Error) => {
			assert.equal(error.message, 'No flow that matches the Filters is in status blocked or lost yet');
			return true;
		});
	});

	it('with Emit Existing Flows on Activation, the first poll reports the flows that exist', async () => {
		const result = await poll({}, { events: ['created'], options: { emitExisting: true } });
		assert.ok((result.items?.length ?? 0) >= 6, `${result.items?.length} flows`);
		assert.ok(result.items!.every((i) => i.json.event === 'created' && i.json.previousStatus === null));
		assert.equal((await poll(result.staticData, { events: ['created'], options: { emitExisting: true } })).items, null);
	});

	it('a failed poll throws and keeps the state as it was, so the next poll repeats nothing and loses nothing', async () => {
		const state = (await poll({})).staticData;
		const flowId = (await act({ operation: 'createFlow', goal: 'During an outage' })).flowId as string;
		await assert.rejects(
			pollTrigger({
				node: 'openClawTaskFlowTrigger',
				parameters: { events: ALL_EVENTS, filters: {}, options: {} },
				credentials: credentialsFor(target, { secret: 'wrong' }),
				credentialTypes: ['openClawWebhookApi'],
				staticData: state,
			}),
			/refused the secret/,
		);
		const result = await poll(state);
		assert.deepEqual(
			(result.items ?? []).map((i) => i.json.flowId),
			[flowId],
		);
	});
});
