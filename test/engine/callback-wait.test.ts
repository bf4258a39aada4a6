/**
 * Run, Async with Wait for Callback, through n8n-core's engine and n8n's waiting-webhook rules (the
 * waiting harness), against the emulator's workflows that call back the way a Coze workflow's last
 * HTTP node does: the run ends only after its callback was answered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { IDataObject, INodeParameters, ResourceMapperFields } from 'n8n-workflow';

import { CALLBACK_WORKFLOWS, type CozeEmulator } from '../emulator';
import {
	accessTokenCredentials,
	callEditorMethod,
	deliverToUrl,
	expireWait,
	nodeUnderTest,
	serveWaitingWebhooks,
	startExecution,
	type WaitingExecution,
	type WaitingWebhookServer,
	type WorkflowJson,
} from '../harness/engine';
import { waitFor } from '../support/wait';
import { FAST_POLL, run, runParams, withEmulator } from './helpers';

let server: WaitingWebhookServer;
before(async () => {
	server = await serveWaitingWebhooks();
});
after(async () => {
	await server.close();
});

const COZE = 'Coze Workflow';
const GET_RUN = 'Get Run';

function callbackParams(id: string, topic: string, options: IDataObject = {}): INodeParameters {
	return runParams(id, { mode: 'async', waitForCallback: true, parametersJson: JSON.stringify({ topic }), options: { ...FAST_POLL, ...options } as INodeParameters });
}

/** Coze Workflow (Run, Async, Wait for Callback) → Coze Workflow (Get Run, Wait for Completion). */
function callbackWorkflow(parameters: INodeParameters, typeVersion = 1): WorkflowJson {
	// The credential is shown for this authentication; n8n's editor saves the default with the node.
	const coze = nodeUnderTest('cozeWorkflow', { authentication: 'accessToken', ...parameters }, ['cozeAccessTokenApi'], { id: 'coze-wait-node', name: COZE, typeVersion });
	const getRun = nodeUnderTest(
		'cozeWorkflow',
		{ authentication: 'accessToken', operation: 'getRun', workflowId: '={{ $json.workflowId }}', executeId: '={{ $json.executeId }}', waitForCompletion: true, options: FAST_POLL },
		['cozeAccessTokenApi'],
		{ id: 'get-run-node', name: GET_RUN },
	);
	return { nodes: [coze, getRun], connections: { [COZE]: { main: [[{ node: GET_RUN, type: 'main', index: 0 }]] } } };
}

/**
 * Starts the execution and lets the runs call back only once it waits (or has ended): the emulated
 * runs are short, and a callback before the wait is saved is a case of its own.
 */
async function park(emu: CozeEmulator, parameters: INodeParameters, items: IDataObject[] = [{}], typeVersion = 1): Promise<WaitingExecution> {
	const release = emu.holdCallbacks();
	try {
		return await startUnheld(emu, parameters, items, typeVersion);
	} finally {
		release();
	}
}

async function startUnheld(emu: CozeEmulator, parameters: INodeParameters, items: IDataObject[] = [{}], typeVersion = 1): Promise<WaitingExecution> {
	return await startExecution({
		workflow: callbackWorkflow(parameters, typeVersion),
		startNode: COZE,
		items,
		credentials: accessTokenCredentials(emu.baseUrl, emu.token),
		waitingBaseUrl: server.baseUrl,
	});
}

async function finished(execution: WaitingExecution): Promise<void> {
	await waitFor(`execution ${execution.id} to finish`, 20_000, async () => (execution.status === 'waiting' || execution.status === 'running' ? undefined : true), 10);
	await execution.settled();
}

/** An item without the fields that differ between two runs of the same workflow. */
function sameRun(json: IDataObject): IDataObject {
	const { executeId: _e, debugUrl: _d, logId: _l, ...rest } = json;
	return rest;
}

describe('Coze Workflow: Run, Async, Wait for Callback', () => {
	it('parks the execution, and the callback resumes it with the item a polled run gives; the run is read once before and once after', async () => {
		await withEmulator(async (emu) => {
			const execution = await park(emu, callbackParams(CALLBACK_WORKFLOWS.end, 'tides', { maxWaitTime: 3600 }));
			assert.equal(execution.status, 'waiting', execution.error?.message);
			const waitTill = execution.waitTill!.getTime();
			assert.ok(Math.abs(waitTill - (Date.now() + 3_600_000)) < 60_000, `waitTill ${execution.waitTill!.toISOString()}`);
			assert.equal(emu.runsStarted(CALLBACK_WORKFLOWS.end), 1);
			const waiting = execution.data.executionData!.nodeExecutionStack[0].data.main[0]!.map((item) => item.json);
			assert.deepEqual(Object.keys(waiting[0]).sort(), ['debugUrl', 'error', 'executeId', 'logId', 'output', 'status', 'usage', 'workflowId']);
			assert.equal(waiting[0].status, 'running');

			const [callback] = await emu.waitForCallbacks(1);
			assert.equal(callback.status, 200);
			assert.match(callback.url, new RegExp(`^${server.baseUrl}/${execution.id}/coze-callback\\?signature=[0-9a-f]{64}&node=coze-wait-node&item=0$`));
			await finished(execution);
			assert.equal(execution.status, 'success', execution.error?.message);
			const resumed = execution.items[COZE][0].json;
			assert.equal(resumed.status, 'succeeded');
			assert.deepEqual(resumed.output, { answer: 'Report on tides' });
			assert.equal(emu.historyReads(String(resumed.executeId)), 3, 'one read before parking, one after the callback, one by the Get Run after it');
			assert.deepEqual(execution.calls.execute[COZE], 1, 'the node is not run again on resume');

			const polled = await run(emu, runParams(CALLBACK_WORKFLOWS.end, { mode: 'async', parametersJson: JSON.stringify({ topic: 'tides', callback_url: '' }), options: FAST_POLL }));
			assert.deepEqual(sameRun(resumed), sameRun(polled.items[0].json));
			assert.equal(emu.runsStarted(CALLBACK_WORKFLOWS.end), 2);
			assert.ok(!JSON.stringify(execution.data.resultData.runData).includes(execution.resumeToken!), 'the signature is in no output');
		});
	});

	it('a callback that names another execute ID is refused without reading Coze; the execution keeps waiting', async () => {
		await withEmulator(async (emu) => {
			const execution = await park(emu, callbackParams(CALLBACK_WORKFLOWS.wrongExecuteId, 'moss'));
			assert.equal(execution.status, 'waiting', execution.error?.message);
			const [callback] = await emu.waitForCallbacks(1);
			assert.equal(callback.status, 200);
			const answer = execution.answers.at(-1)!;
			assert.equal((answer.body as IDataObject).accepted, false);
			assert.match(String((answer.body as IDataObject).reason), /is not the run this callback URL belongs to/);
			const executeId = callback.executeId;
			assert.equal(emu.historyReads(executeId), 1, 'only the read before parking');
			assert.equal(execution.status, 'waiting');
			// The run has ended meanwhile; the right callback (here sent by the test) resumes it.
			const right = await deliverToUrl(callback.url, { body: { execute_id: executeId } });
			assert.deepEqual(right.body, { accepted: true });
			await finished(execution);
			assert.equal(execution.items[COZE][0].json.status, 'succeeded');
			assert.equal(emu.historyReads(executeId), 3, 'before parking, after the right callback, by Get Run');
		});
	});

	it('a second callback of the same run is answered as a duplicate; the execution resumes once', async () => {
		await withEmulator(async (emu) => {
			const execution = await park(emu, callbackParams(CALLBACK_WORKFLOWS.twice, 'rain'));
			assert.equal(execution.status, 'waiting', execution.error?.message);
			const callbacks = await emu.waitForCallbacks(2);
			await finished(execution);
			assert.equal(execution.status, 'success', execution.error?.message);
			const bodies = execution.answers.map((a) => a.body);
			assert.deepEqual(bodies[0], { accepted: true });
			// The second comes while the first is being handled (duplicate), or after the resume (n8n's 409).
			const second = execution.answers[1];
			assert.ok(JSON.stringify(second.body) === '{"accepted":true,"duplicate":true}' || second.status === 409, `second answer ${second.status} ${JSON.stringify(second.body)}`);
			assert.equal(execution.calls.execute[GET_RUN], 1, 'the rest of the workflow ran once');
			assert.equal(emu.historyReads(callbacks[0].executeId), 3, 'before parking, after the first callback, by Get Run');
		});
	});

	it('a callback before the wait is saved gets 409; the node read the ended run itself or the callback sent again resumes it', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ callbackRetries: 0, callbackToEndMs: 0 }, { times: 1 });
			const execution = await startUnheld(emu, callbackParams(CALLBACK_WORKFLOWS.early, 'dawn'));
			const [callback] = await emu.waitForCallbacks(1);
			assert.equal(callback.status, 409, `the early callback got ${callback.status}`);
			if (execution.status === 'waiting') {
				const again = await deliverToUrl(callback.url, { body: {} });
				assert.deepEqual(again.body, { accepted: true });
				await finished(execution);
			}
			assert.equal(execution.status, 'success', execution.error?.message);
			assert.equal(execution.items[COZE][0].json.status, 'succeeded');
			assert.deepEqual(execution.items[COZE][0].json.output, { answer: 'Report on dawn' });
			assert.equal(emu.runsStarted(CALLBACK_WORKFLOWS.early), 1);
		});
	});

	it('on a time-out the item says the run is still running and which it is, and Get Run follows it to the result', async () => {
		await withEmulator(async (emu) => {
			const execution = await park(emu, callbackParams(CALLBACK_WORKFLOWS.never, 'frost', { maxWaitTime: 5 }));
			assert.equal(execution.status, 'waiting', execution.error?.message);
			assert.ok(execution.waitTill!.getTime() - Date.now() <= 5000);
			assert.equal(await expireWait(execution), true);
			await execution.settled();
			assert.equal(execution.status, 'success', execution.error?.message);
			const timedOut = execution.items[COZE][0].json;
			assert.equal(timedOut.status, 'running');
			assert.match(String(timedOut.executeId), /^\d{19}$/);
			assert.equal(timedOut.workflowId, CALLBACK_WORKFLOWS.never);
			const followed = execution.items[GET_RUN][0].json;
			assert.equal(followed.status, 'succeeded');
			assert.equal(followed.executeId, timedOut.executeId);
			assert.deepEqual(followed.output, { answer: 'Report on frost' });
			assert.equal(emu.runsStarted(CALLBACK_WORKFLOWS.never), 1);
		});
	});

	it('a run that failed in Coze resumes as the item continue-on-fail gives, with the code and hint', async () => {
		await withEmulator(async (emu) => {
			const execution = await park(emu, callbackParams(CALLBACK_WORKFLOWS.fail, 'hail'));
			assert.equal(execution.status, 'waiting', execution.error?.message);
			await emu.waitForCallbacks(1);
			await finished(execution);
			const json = execution.items[COZE][0].json;
			assert.equal(json.code, 5000);
			assert.match(String(json.error), /\S/);
			assert.match(String(json.executeId), /^\d{19}$/);
			assert.ok('hint' in json);
		});
	});

	it('with several items the execution resumes once every run has ended, each item with its own run', async () => {
		await withEmulator(async (emu) => {
			const parameters = runParams(CALLBACK_WORKFLOWS.end, { mode: 'async', waitForCallback: true, parametersJson: '={{ JSON.stringify({ topic: $json.topic }) }}', options: FAST_POLL });
			const execution = await park(emu, parameters, [{ topic: 'one' }, { topic: 'two' }, { topic: 'three' }]);
			assert.equal(execution.status, 'waiting', execution.error?.message);
			const callbacks = await emu.waitForCallbacks(3);
			assert.deepEqual(callbacks.map((c) => new URL(c.url).searchParams.get('item')).sort(), ['0', '1', '2']);
			await finished(execution);
			assert.equal(execution.status, 'success', execution.error?.message);
			assert.deepEqual(execution.items[COZE].map((i) => (i.json.output as IDataObject).answer), ['Report on one', 'Report on two', 'Report on three']);
			assert.deepEqual(execution.items[COZE].map((i) => i.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
			assert.equal(execution.calls.execute[GET_RUN], 1, 'one continuation');
			assert.equal(emu.runsStarted(CALLBACK_WORKFLOWS.end), 3);
		});
	});

	it('version 1.1 fills the callback input itself: Inputs (JSON) is checked without it, though the workflow requires it', async () => {
		await withEmulator(async (emu) => {
			const execution = await park(emu, { ...callbackParams(CALLBACK_WORKFLOWS.end, 'ferns'), inputMode: 'json' }, [{}], 1.1);
			assert.equal(execution.status, 'waiting', execution.error?.message);
			const [callback] = await emu.waitForCallbacks(1);
			assert.match(callback.url, /\/coze-callback\?signature=/);
			await finished(execution);
			assert.equal(execution.items[COZE][0].json.status, 'succeeded', execution.error?.message);
		});
	});

	it('a callback for another node or without the signature changes nothing', async () => {
		await withEmulator(async (emu) => {
			const execution = await park(emu, callbackParams(CALLBACK_WORKFLOWS.never, 'fog'));
			assert.equal(execution.status, 'waiting', execution.error?.message);
			const url = new URL(`${execution.resumeUrl}`);
			url.pathname += '/coze-callback';
			url.searchParams.set('node', 'another-node');
			const foreign = await deliverToUrl(url.toString(), { body: {} });
			assert.equal((foreign.body as IDataObject).accepted, false);
			url.searchParams.set('node', 'coze-wait-node');
			url.searchParams.delete('signature');
			const unsigned = await deliverToUrl(url.toString(), { body: {} });
			assert.equal(unsigned.status, 401);
			assert.equal(execution.status, 'waiting');
		});
	});

	it('as a tool (an AI agent or MCP client waits within its call), the run is polled instead of parking', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, callbackParams(CALLBACK_WORKFLOWS.never, 'sleet'), { node: 'cozeWorkflowTool' });
			assert.equal(result.status, 'success', result.error?.message);
			assert.equal(result.items[0].json.status, 'succeeded');
			assert.equal(emu.callbacks().length, 0);
			const start = emu.requests.find((r) => r.path === '/v1/workflow/run');
			assert.ok(!JSON.stringify(start?.body).includes('webhook-waiting'), 'no callback URL is handed to Coze');
		});
	});

	it("the editor's Inputs leave out the input the node fills with the callback URL, only while the run waits for its callback", async () => {
		await withEmulator(async (emu) => {
			const inputs = async (extra: INodeParameters) =>
				(
					(await callEditorMethod({
						node: 'cozeWorkflow',
						kind: 'resourceMapping',
						method: 'getWorkflowInputs',
						parameters: { operation: 'run', workflowId: { __rl: true, mode: 'id', value: CALLBACK_WORKFLOWS.end }, ...extra } as INodeParameters,
						credentials: accessTokenCredentials(emu.baseUrl, emu.token),
					})) as ResourceMapperFields
				).fields.map((f) => f.id);
			assert.ok((await inputs({ mode: 'async' })).includes('callback_url'));
			assert.deepEqual(await inputs({ mode: 'async', waitForCallback: true, callbackUrlInput: 'callback_url' }), ['topic']);
		});
	});

	it('with the node setting Execute Once it is refused before any run starts, naming both settings', async () => {
		await withEmulator(async (emu) => {
			const workflowJson = callbackWorkflow(callbackParams(CALLBACK_WORKFLOWS.end, 'mist'));
			Object.assign(workflowJson.nodes[0], { executeOnce: true });
			const execution = await startExecution({ workflow: workflowJson, startNode: COZE, items: [{}], credentials: accessTokenCredentials(emu.baseUrl, emu.token), waitingBaseUrl: server.baseUrl });
			assert.equal(execution.status, 'error');
			assert.match(execution.error!.message, /Wait for Callback does not work with the node setting Execute Once/);
			assert.equal(emu.runsStarted(CALLBACK_WORKFLOWS.end), 0);
		});
	});
});
