import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { Workflow, type INode, type INodeParameters, type INodeTypes, type IRun, type IRunExecutionData, type IWorkflowBase, type IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { accessTokenCredentials, runNode, type TestCredentialsHelper } from '../../harness/engine';
import { fake, json } from './fake';
import { IDS, runParams, withEmulator } from '../helpers';

const EID = '7535298640308535332';

// runNode() cannot set Retry On Fail, so this is the same engine call with retryOnFail on the node.
async function runWithRetryOnFail(parameters: INodeParameters, credentials: TestCredentialsHelper): Promise<IRun> {
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
		nodeExecutionStack: [{ node, data: { main: [[{ json: {} }]] }, source: null }] } } as unknown as IRunExecutionData;
	void new WorkflowExecute(additionalData, 'manual', start).processRunExecutionData(new Workflow({ ...data, nodeTypes }));
	return await done;
}

it('D1: with Retry On Fail (README advice for 720701013), a run that may have started is not started again', async () => {
	await withEmulator(async (emu) => {
		emu.setKnobs({ cutAfterEvents: 2 }, { times: 1, path: '/v1/workflow/stream_run' }); // stream breaks, no execute ID yet
		await runWithRetryOnFail(runParams(IDS.story, { parametersJson: '{"topic":"x"}' }), accessTokenCredentials(emu.baseUrl, emu.token));
		emu.setKnobs({ syncLatencyMs: 200_000 }, { times: 1, path: '/v1/workflow/run' }); // sync run outlives Request Timeout
		await runWithRetryOnFail(runParams(IDS.variablesOnly, { mode: 'sync', options: { requestTimeout: 1 } }), accessTokenCredentials(emu.baseUrl, emu.token));
		assert.deepEqual([emu.runsStarted(IDS.story), emu.runsStarted(IDS.variablesOnly)], [1, 1]); // today: [2, 2]
	});
});

it('D3: a sync run refused with 4013 (a model error in Coze docs) that names an execute_id is sent once', async () => {
	const coze = await fake((_req, res) => json(res, { code: 4013, msg: 'model error', execute_id: EID, debug_url: `https://www.coze.cn/work_flow?execute_id=${EID}` }));
	await runNode({ parameters: runParams(IDS.variablesOnly, { mode: 'sync' }), credentials: accessTokenCredentials(coze.url, 'pat_x') });
	const sent = coze.requests.filter((r) => r.path === '/v1/workflow/run').length;
	await coze.close();
	assert.equal(sent, 1, `POST /v1/workflow/run was sent ${sent} times`); // today: 4
});
