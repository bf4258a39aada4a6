// Workflow URLs of every form Coze shows, IDs that reach the node as numbers, and inputs named like
// properties of JavaScript objects: through n8n's engine against the emulator.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { INodeParameters, ResourceMapperFields } from 'n8n-workflow';

import type { WorkflowScenario } from '../emulator';
import { accessTokenCredentials, callEditorMethod, runNode } from '../harness/engine';
import { byId, byUrl, withEmulator, workflow } from './helpers';

const WID = '7400000000000000777';
const SPACE = '7300000000000000001';
const APP = '7500000000000000002';
const EID = '7535298640308535332';

const quick: WorkflowScenario = {
	id: WID,
	name: 'Quick echo',
	input: { name: { type: 'string', required: false } },
	output: { parameters: { received: { type: 'object' } }, terminatePlan: 'return_variables' },
	script: [{ kind: 'end', mode: 'variables', output: (ctx) => ({ received: ctx.parameters }) }],
};

/** Inputs named like what every JavaScript object has, each as its own key (a literal `__proto__:` would set the prototype). */
const OBJECT_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
const objectNamed: WorkflowScenario = {
	...quick,
	id: '7400000000000000778',
	name: 'Inputs named like object properties',
	input: Object.fromEntries(OBJECT_NAMES.map((name) => [name, { type: name === 'valueOf' ? 'integer' : 'string', required: name === 'constructor' }])),
};

function syncRun(workflowId: INodeParameters, extra: INodeParameters = {}): INodeParameters {
	return { operation: 'run', mode: 'sync', workflowId, inputMode: 'json', parametersJson: '{}', options: {}, ...extra };
}

describe('Coze Workflow: workflow URLs', () => {
	it('runs the workflow named by every URL form of the Coze editors and debug pages, pasted By URL or By ID', async () => {
		const forms = [
			`https://www.coze.cn/work_flow?space_id=${SPACE}&workflow_id=${WID}`,
			`https://www.coze.com/work_flow?workflow_id=${WID}&space_id=${SPACE}`,
			`https://coze.cn/work_flow?space_id=${SPACE}&workflow_id=${WID}/`,
			`https://www.coze.cn/space/${SPACE}/project-ide/${APP}/workflow/${WID}`,
			`https://www.coze.com/space/${SPACE}/project-ide/${APP}/workflow/${WID}/?from=list#node`,
			`https://www.coze.cn/work_flow?execute_id=${EID}&space_id=${SPACE}&workflow_id=${WID}&execute_mode=2`,
			`https://www.coze.cn/work_flow?execute_id=${EID}\\u0026space_id=${SPACE}\\u0026workflow_id=${WID}\\u0026execute_mode=2`,
			`https://www.coze.cn/work_flow?space_id=${SPACE}&amp;workflow_id=${WID}`,
			`https://www.coze.cn/work_flow#workflow_id=${WID}`,
			`  https://api.coze.cn/v1/workflows/${WID}/run_histories/${EID}  `,
		];
		await withEmulator(async (emu) => {
			emu.addScenario(quick);
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			for (const url of forms) {
				for (const locator of [byUrl(url), byId(url)]) {
					const result = await runNode({ parameters: syncRun(locator), credentials });
					assert.equal(result.status, 'success', `${url}: ${result.error?.message}`);
				}
			}
			const ran = emu.requests.filter((r) => r.path === '/v1/workflow/run').map((r) => (r.body as { workflow_id: string }).workflow_id);
			assert.deepEqual(ran, forms.flatMap(() => [WID, WID]));
		});
	});

	it('a URL that holds no workflow ID is refused, naming the field, before any request', async () => {
		await withEmulator(async (emu) => {
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			for (const url of [`https://www.coze.cn/space/${SPACE}/develop`, `https://www.coze.cn/store/workflow/${WID}`]) {
				const result = await runNode({ parameters: syncRun(byId(url)), credentials });
				assert.equal(result.status, 'error', url);
				assert.match(result.error!.message, /^Workflow: the URL holds no workflow ID/, url);
			}
			assert.equal(emu.runsStarted(), 0);
		});
	});

	it('the inputs area reads the workflow named by a project editor URL', async () => {
		await withEmulator(async (emu) => {
			emu.addScenario(quick);
			const mapper = (await callEditorMethod({
				node: 'cozeWorkflow',
				kind: 'resourceMapping',
				method: 'getWorkflowInputs',
				parameters: { operation: 'run', workflowId: byUrl(`https://www.coze.cn/space/${SPACE}/project-ide/${APP}/workflow/${WID}`) },
				credentials: accessTokenCredentials(emu.baseUrl, emu.token),
			})) as ResourceMapperFields;
			assert.deepEqual(mapper.fields.map((f) => f.id), ['name']);
		});
	});
});

describe('Coze Workflow: inputs named like properties of JavaScript objects', () => {
	it('are listed, checked and sent as keys in Fields mode, __proto__ included', async () => {
		await withEmulator(async (emu) => {
			emu.addScenario(objectNamed);
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			const mapper = (await callEditorMethod({
				node: 'cozeWorkflow',
				kind: 'resourceMapping',
				method: 'getWorkflowInputs',
				parameters: { operation: 'run', workflowId: workflow(objectNamed.id) },
				credentials,
			})) as ResourceMapperFields;
			// n8n drops the keys __proto__ and constructor when it copies parameters: those two get other field IDs.
			const ids = Object.fromEntries(mapper.fields.map((f) => [f.displayName.replace(/ \(.*\)$/, ''), f.id]));
			assert.deepEqual(Object.keys(ids).sort(), [...OBJECT_NAMES].sort());
			assert.ok(!Object.values(ids).some((id) => id === '__proto__' || id === 'constructor'), JSON.stringify(ids));

			const values = Object.fromEntries(OBJECT_NAMES.map((name) => [ids[name], name === 'valueOf' ? '7' : `value of ${name}`]));
			const inputs = { mappingMode: 'defineBelow', value: values, matchingColumns: [], schema: [] } as unknown as INodeParameters;
			const result = await runNode({ parameters: syncRun(workflow(objectNamed.id), { inputMode: 'fields', inputs }), credentials, typeVersion: 1.1 });
			assert.equal(result.status, 'success', result.error?.message);
			const sent = emu.requests.find((r) => r.path === '/v1/workflow/run')!.body as { parameters: Record<string, unknown> };
			assert.deepEqual(Object.keys(sent.parameters).sort(), [...OBJECT_NAMES].sort());
			assert.ok(Object.hasOwn(sent.parameters, '__proto__'), 'sent as a key, not as a prototype');
			assert.equal(sent.parameters['__proto__'], 'value of __proto__');
			assert.equal(sent.parameters['valueOf'], 7, 'checked as an integer');
		});
	});

	it('a required input named constructor left empty is refused, and an empty toString is left out', async () => {
		await withEmulator(async (emu) => {
			emu.addScenario(objectNamed);
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			const empty = { mappingMode: 'defineBelow', value: {}, matchingColumns: [], schema: [] } as unknown as INodeParameters;
			const refused = await runNode({ parameters: syncRun(workflow(objectNamed.id), { inputMode: 'fields', inputs: empty }), credentials, typeVersion: 1.1 });
			assert.equal(refused.status, 'error');
			assert.match(refused.error!.message, /Input "constructor" is required by the workflow/);

			const some = { mappingMode: 'defineBelow', value: { 'constructor:input': 'c' }, matchingColumns: [], schema: [] } as unknown as INodeParameters;
			const result = await runNode({ parameters: syncRun(workflow(objectNamed.id), { inputMode: 'fields', inputs: some }), credentials, typeVersion: 1.1 });
			assert.equal(result.status, 'success', result.error?.message);
			const sent = emu.requests.find((r) => r.path === '/v1/workflow/run')!.body as { parameters: Record<string, unknown> };
			assert.deepEqual(sent.parameters, { constructor: 'c' });
		});
	});

	it('are sent as keys from Inputs (JSON)', async () => {
		await withEmulator(async (emu) => {
			emu.addScenario(objectNamed);
			const json = '{"constructor": "c", "__proto__": "p", "toString": "t"}';
			const result = await runNode({ parameters: syncRun(workflow(objectNamed.id), { parametersJson: json }), credentials: accessTokenCredentials(emu.baseUrl, emu.token) });
			assert.equal(result.status, 'success', result.error?.message);
			const sent = emu.requests.find((r) => r.path === '/v1/workflow/run')!.body as { parameters: Record<string, unknown> };
			assert.ok(Object.hasOwn(sent.parameters, '__proto__'));
			assert.deepEqual(Object.entries(sent.parameters), [['constructor', 'c'], ['__proto__', 'p'], ['toString', 't']]);
		});
	});
});
