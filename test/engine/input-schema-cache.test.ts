// The input schemas a version 1.1 node reads, kept across executions for a minute (per account,
// address and workflow), and the credential n8n reads once per execution: through n8n-core against
// the emulator, counting the requests that reach it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { INodeParameters } from 'n8n-workflow';

import type { CozeEmulator } from '../emulator';
import type { WorkflowScenario } from '../emulator/scenario-model';
import { builtInScenarios } from '../emulator/scenarios';
import { accessTokenCredentials, runNode } from '../harness/engine';
import { IDS, withEmulator, workflow } from './helpers';

const WORKFLOW = IDS.variablesOnly;
const jsonRun = (json: string): INodeParameters => ({ operation: 'run', mode: 'sync', workflowId: workflow(WORKFLOW), inputMode: 'json', parametersJson: json, options: {} });
const fieldsRun = (values: Record<string, unknown>): INodeParameters => ({
	operation: 'run',
	mode: 'sync',
	workflowId: workflow(WORKFLOW),
	inputMode: 'fields',
	inputs: { mappingMode: 'defineBelow', value: values, matchingColumns: [], schema: [] } as unknown as INodeParameters,
	options: {},
});
const schemaReads = (emu: CozeEmulator) => emu.requests.filter((r) => r.method === 'GET' && r.path === `/v1/workflows/${WORKFLOW}`).length;

/** The bench's workflow with other inputs, as after an edit in Coze. */
function withInputs(emu: CozeEmulator, input: WorkflowScenario['input']): void {
	const scenario = builtInScenarios().find((s) => s.id === WORKFLOW)!;
	emu.addScenario({ ...scenario, input });
}

describe('Coze Workflow 1.1: input schemas kept across executions', () => {
	it('a second execution within the minute does not read the inputs again', async () => {
		await withEmulator(async (emu) => {
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			for (const name of ['one', 'two', 'three']) {
				const result = await runNode({ parameters: jsonRun(JSON.stringify({ name })), credentials, typeVersion: 1.1 });
				assert.equal(result.status, 'success', result.error?.message);
			}
			assert.equal(emu.runsStarted(WORKFLOW), 3);
			assert.equal(schemaReads(emu), 1, 'only the first execution read the inputs');
		});
	});

	it('a changed workflow is not refused on the kept schema: a refusal is decided on a fresh read', async () => {
		await withEmulator(async (emu) => {
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			withInputs(emu, { name: { type: 'string', required: false }, count: { type: 'integer', required: true } });
			const before = await runNode({ parameters: jsonRun('{"name": "a", "count": 1}'), credentials, typeVersion: 1.1 });
			assert.equal(before.status, 'success', before.error?.message);
			// count is no longer required, and size is text now: the kept schema would refuse both.
			withInputs(emu, { name: { type: 'string', required: false }, size: { type: 'string', required: false } });
			const after = await runNode({ parameters: jsonRun('{"name": "a", "size": "large"}'), credentials, typeVersion: 1.1 });
			assert.equal(after.status, 'success', after.error?.message);
			assert.equal(schemaReads(emu), 2, 'the refusal of the kept schema made a fresh read');
			// What the kept schema lets pass is sent as entered, as when the inputs cannot be read: Coze's answer tells.
			withInputs(emu, { name: { type: 'string', required: false }, size: { type: 'integer', required: false } });
			const passed = await runNode({ parameters: jsonRun('{"name": "a", "size": "large"}'), credentials, typeVersion: 1.1 });
			assert.equal(passed.status, 'success', passed.error?.message);
			assert.equal(schemaReads(emu), 2);
			// A refusal the fresh read confirms stands.
			const wrongType = await runNode({ parameters: jsonRun('{"name": {"a": 1}}'), credentials, typeVersion: 1.1 });
			assert.equal(wrongType.status, 'error');
			assert.match(wrongType.error!.message, /^Input "name" must be text/);
			assert.equal(schemaReads(emu), 3);
			assert.equal(emu.runsStarted(WORKFLOW), 3, 'the refused item started no run');
		});
	});

	it('accounts do not share schemas', async () => {
		await withEmulator(async (emu) => {
			for (const token of [emu.token, emu.tokens.secondOwner, emu.token]) {
				const result = await runNode({ parameters: jsonRun('{"name": "a"}'), credentials: accessTokenCredentials(emu.baseUrl, token), typeVersion: 1.1 });
				assert.equal(result.status, 'success', result.error?.message);
			}
			assert.equal(schemaReads(emu), 2, 'one read per account');
		});
	});

	it('a schema that could not be read is not kept: the next execution reads again', async () => {
		await withEmulator(async (emu) => {
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			emu.setKnobs({ httpStatus: 403, httpBody: '{"code":4101,"msg":"the token has no permission for this"}' }, { path: `/v1/workflows/${WORKFLOW}`, times: 1 });
			for (const name of ['one', 'two', 'three']) {
				const result = await runNode({ parameters: jsonRun(JSON.stringify({ name })), credentials, typeVersion: 1.1 });
				assert.equal(result.status, 'success', result.error?.message);
			}
			assert.equal(schemaReads(emu), 2, 'the refused read and one that succeeded');
		});
	});

	it('Input fields read the inputs in every execution: the values sent are coerced by their types', async () => {
		await withEmulator(async (emu) => {
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			withInputs(emu, { name: { type: 'string', required: false }, count: { type: 'string', required: false } });
			const first = await runNode({ parameters: fieldsRun({ name: 'a', count: '7' }), credentials, typeVersion: 1.1 });
			assert.equal(first.status, 'success', first.error?.message);
			withInputs(emu, { name: { type: 'string', required: false }, count: { type: 'integer', required: false } });
			const second = await runNode({ parameters: fieldsRun({ name: 'a', count: '7' }), credentials, typeVersion: 1.1 });
			assert.equal(second.status, 'success', second.error?.message);
			const sent = emu.requests.filter((r) => r.path === '/v1/workflow/run').map((r) => (r.body as { parameters: unknown }).parameters);
			assert.deepEqual(sent, [{ name: 'a', count: '7' }, { name: 'a', count: 7 }]);
			assert.equal(schemaReads(emu), 2);
		});
	});
});

describe('Coze Workflow: the credential n8n reads', () => {
	it('is read once per execution, not again for each request', async () => {
		await withEmulator(async (emu) => {
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			const result = await runNode({ parameters: jsonRun('{"name": "a"}'), credentials, typeVersion: 1.1, items: [{}, {}, {}] });
			assert.equal(result.status, 'success', result.error?.message);
			assert.equal(emu.runsStarted(WORKFLOW), 3);
			assert.ok(emu.requests.length >= 4, 'the inputs and three runs were requested');
			assert.equal(credentials.reads.cozeAccessTokenApi, 1);
		});
	});
});
