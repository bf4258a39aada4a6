import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { Workflow, type IDataObject, type INode, type INodeParameters, type INodeTypes, type IRun, type IRunExecutionData, type IWorkflowBase, type IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { accessTokenCredentials, runNode, type TestCredentialsHelper } from '../../harness/engine';
import { fake, json } from './fake';
import { IDS, runParams, withEmulator, workflow } from '../helpers';

const EID = '7535298640308535332';

// runNode() cannot set Retry On Fail, so this is the same engine call with retryOnFail on the node.
async function runWithRetryOnFail(parameters: INodeParameters, credentials: TestCredentialsHelper, items: IDataObject[] = [{}]): Promise<IRun> {
	const { CozeWorkflow } = require(join(__dirname, '../../../dist/nodes/Coze/CozeWorkflow.node.js'));
	const type = new CozeWorkflow();
	const nodeTypes = { getByName: () => type, getByNameAndVersion: () => type, getKnownTypes: () => ({}) } as unknown as INodeTypes;
	const node: INode = { id: 'n', name: 'Coze Workflow', type: 'x.cozeWorkflow', typeVersion: 1, position: [0, 0], parameters,
		credentials: { cozeAccessTokenApi: { id: 'c', name: 'c' } }, retryOnFail: true, maxTries: 2, waitBetweenTries: 0 };
	const data = { id: 'wf', name: 'wf', nodes: [node], connections: {}, active: false, settings: {} };
	const hooks = new ExecutionLifecycleHooks('manual', 'e', data as unknown as IWorkflowBase);
	const done = new Promise<IRun>((resolve) => hooks.addHandler('workflowExecuteAfter', (run: IRun) => resolve(run)));
	const additionalData = { executionId: 'e', hooks, credentialsHelper: credentials, variables: {}, setExecutionStatus: () => {}, sendDataToUI: () => {} } as unknown as IWorkflowExecuteAdditionalData;
	const start = { startData: {}, resultData: { runData: {} }, executionData: { contextData: {}, metadata: {}, waitingExecution: {}, waitingExecutionSource: null,
		nodeExecutionStack: [{ node, data: { main: [items.map((json) => ({ json }))] }, source: null }] } } as unknown as IRunExecutionData;
	void new WorkflowExecute(additionalData, 'manual', start).processRunExecutionData(new Workflow({ ...data, nodeTypes }));
	return await done;
}

const NOT_REPEATED = /^Retry On Fail did not run this item again: its first try may have started a Coze run/;

it('with Retry On Fail, a run that may have started is not started again, and the last try says why', async () => {
	await withEmulator(async (emu) => {
		emu.setKnobs({ cutAfterEvents: 2 }, { times: 1, path: '/v1/workflow/stream_run' }); // stream breaks, no execute ID yet
		const stream = await runWithRetryOnFail(runParams(IDS.story, { parametersJson: '{"topic":"x"}' }), accessTokenCredentials(emu.baseUrl, emu.token));
		emu.setKnobs({ syncLatencyMs: 200_000 }, { times: 1, path: '/v1/workflow/run' }); // sync run outlives Request Timeout
		const sync = await runWithRetryOnFail(runParams(IDS.variablesOnly, { mode: 'sync', options: { requestTimeout: 1 } }), accessTokenCredentials(emu.baseUrl, emu.token));
		assert.deepEqual([emu.runsStarted(IDS.story), emu.runsStarted(IDS.variablesOnly)], [1, 1]);
		for (const run of [stream, sync]) {
			assert.equal(run.status, 'error');
			assert.match(run.data.resultData.error?.message ?? '', NOT_REPEATED);
		}
	});
});

it('with Retry On Fail, the items that ran are not run again when another item fails', async () => {
	await withEmulator(async (emu) => {
		emu.setKnobs({ cutAfterEvents: 2 }, { times: 1, workflowId: IDS.story, path: '/v1/workflow/stream_run' });
		const params = { ...runParams(IDS.story), workflowId: { ...workflow(IDS.story), value: '={{ $json.wf }}' } as unknown as INodeParameters, parametersJson: '{"topic":"x"}' };
		const run = await runWithRetryOnFail(params, accessTokenCredentials(emu.baseUrl, emu.token), [{ wf: IDS.variablesOnly }, { wf: IDS.story }]);
		assert.match(run.data.resultData.error?.message ?? '', NOT_REPEATED);
		assert.deepEqual([emu.runsStarted(IDS.variablesOnly), emu.runsStarted(IDS.story)], [1, 1]);
	});
});

it('with Retry On Fail, a run that Coze refused without starting it (720701013) is run again', async () => {
	await withEmulator(async (emu) => {
		emu.setKnobs({ transientFailure: true }, { times: 1, path: '/v1/workflow/stream_run' });
		const run = await runWithRetryOnFail(runParams(IDS.story, { parametersJson: '{"topic":"x"}' }), accessTokenCredentials(emu.baseUrl, emu.token));
		assert.equal(run.status, 'success', run.data.resultData.error?.message);
		assert.equal(emu.runsStarted(IDS.story), 1);
		assert.equal(emu.requests.filter((r) => r.path === '/v1/workflow/stream_run').length, 2);
	});
});

for (const [code, hint] of [[4013, /A model inside the workflow failed/], [4020, /requests-per-minute limit/]] as const) {
	for (const [mode, path] of [['sync', '/v1/workflow/run'], ['async', '/v1/workflow/run'], ['stream', '/v1/workflow/stream_run']] as const) {
		it(`${mode === 'async' ? 'an' : 'a'} ${mode} run refused with ${code} that names an execute_id is sent once and fails as a run, with the model hint`, async () => {
			const coze = await fake((_req, res) => json(res, { code, msg: 'model error', execute_id: EID, debug_url: `https://www.coze.cn/work_flow?execute_id=${EID}` }));
			const result = await runNode({ parameters: runParams(IDS.variablesOnly, { mode }), credentials: accessTokenCredentials(coze.url, 'pat_x') });
			const sent = coze.requests.filter((r) => r.path === path).length;
			await coze.close();
			assert.equal(sent, 1, `POST ${path} was sent ${sent} times`);
			assert.equal(result.error?.message, 'The Coze workflow failed: model error');
			assert.match(result.error?.description ?? '', hint);
			assert.match(result.error?.description ?? '', new RegExp(`execute ID ${EID}`));
		});
	}
}

it('a run refused with 429 is sent again only when the answer names no run', async () => {
	for (const [body, times] of [[{ code: 4009, msg: 'busy' }, 4], [{ code: 4009, msg: 'busy', debug_url: `https://www.coze.cn/work_flow?execute_id=${EID}` }, 1]] as const) {
		const coze = await fake((_req, res) => json(res, body, 429));
		await runNode({ parameters: runParams(IDS.variablesOnly, { mode: 'sync' }), credentials: accessTokenCredentials(coze.url, 'pat_x') });
		const sent = coze.requests.filter((r) => r.path === '/v1/workflow/run').length;
		await coze.close();
		assert.equal(sent, times, JSON.stringify(body));
	}
});
