/**
 * The OpenClaw TaskFlow node as a tool of n8n's AI Agent (Manual Trigger, `n8n execute`): a model
 * that hands the same Coze run off twice, as models repeat calls, must leave exactly one flow on
 * the real gateway; the second call finds the first flow by its idempotency key.
 */
import { randomBytes } from 'node:crypto';

import { startScriptedModel, type ScriptedModel } from '../test/support/scripted-model';
import { freePort } from '../test/support/processes';
import { check } from './checks';
import { execute, type N8nSetup } from './n8n';
import { chatModelNode, scriptedModelCredential } from './tools';

export const OPENCLAW_TOOL_NAMES = {
	handOffTwice: 'AI Agent with the OpenClaw TaskFlow tool: a model that hands the same Coze run off twice leaves exactly one flow on the real gateway',
};

export const OPENCLAW_TOOL_WORKFLOW_ID = 'e2eAgentOpenClaw';
const CREDENTIAL = { id: 'scriptedOpenAi02', name: 'Scripted model (OpenClaw)' };
const TOOL_NODE = 'OpenClaw TaskFlow';
/** A Coze execute ID unique to this run: the gateway outlives a line. */
const EXECUTE_ID = `76${Date.now()}${String(randomBytes(2).readUInt16BE(0)).padStart(5, '0')}`.slice(0, 19);
const ARGUMENTS = { executeId: EXECUTE_ID, result: 'The report is ready.' };

/** Calls the hand-off twice with the same run, then answers. */
export async function startOpenClawToolModel(): Promise<ScriptedModel> {
	return await startScriptedModel({ calls: [{ arguments: ARGUMENTS }, { arguments: ARGUMENTS }] });
}

export function openClawToolCredential(model: ScriptedModel): object {
	return scriptedModelCredential(model, CREDENTIAL);
}

export function openClawToolWorkflow(openClawCredentialId: string): object {
	// Repeated $fromAI keys must have the same description and type.
	const executeId = "$fromAI('executeId', 'The execute ID of the Coze run to hand off', 'string')";
	return {
		id: OPENCLAW_TOOL_WORKFLOW_ID,
		name: 'e2e: AI Agent with the OpenClaw TaskFlow tool',
		nodes: [
			{ id: '7d1a0c30-0000-4000-8000-000000000081', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: '7d1a0c30-0000-4000-8000-000000000082',
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3,
				position: [240, 0],
				parameters: { promptType: 'define', text: `Hand the Coze run ${EXECUTE_ID} off to OpenClaw.`, options: {} },
			},
			chatModelNode('7d1a0c30-0000-4000-8000-000000000083', CREDENTIAL),
			{
				id: '7d1a0c30-0000-4000-8000-000000000084',
				name: TOOL_NODE,
				type: 'n8n-nodes-coze-openclaw.openClawTaskFlowTool',
				typeVersion: 1,
				position: [360, 220],
				parameters: {
					operation: 'handOff',
					goal: `=Follow up on the Coze run {{ ${executeId} }}`,
					idempotencyKey: `={{ ${executeId} }}`,
					result: "={{ $fromAI('result', 'What the Coze run produced', 'string') }}",
					executeId: `={{ ${executeId} }}`,
					debugUrl: '',
					options: {},
				},
				credentials: { openClawWebhookApi: { id: openClawCredentialId, name: 'OpenClaw local gateway' } },
			},
		],
		connections: {
			Manual: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			[TOOL_NODE]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

export async function handOffTwice(setup: N8nSetup, model: ScriptedModel, flowsOf: () => Promise<Array<Record<string, unknown>>>): Promise<string> {
	const seen = model.requests.length;
	const result = await execute(setup, OPENCLAW_TOOL_WORKFLOW_ID, { port: await freePort(), brokerPort: await freePort() });
	check(result.code === 0 && result.execution?.status === 'success', `execute exited ${result.code}: ${result.execution?.data.resultData.error?.message ?? result.output.slice(-600)}`);
	const turns = model.requests.slice(seen).filter((r) => r.path.endsWith('/chat/completions'));
	check(turns.length === 3, `the model was asked ${turns.length} times`);
	const results = (turns[2].body.messages ?? []).filter((m) => m.role === 'tool').map((m) => JSON.parse(String(m.content)) as Array<Record<string, unknown>>);
	check(results.length === 2, `${results.length} tool results reached the model`);
	const [first, second] = results.map((items) => items[0] ?? {});
	check(first.created === true && second.created === false, `created: ${String(first.created)}, then ${String(second.created)} (${JSON.stringify(results).slice(0, 400)})`);
	check(typeof first.flowId === 'string' && first.flowId === second.flowId, `flows ${String(first.flowId)} and ${String(second.flowId)}`);
	check(!('stateJson' in first) && !('stateJson' in second), `the tool result holds the flow's stored state: ${JSON.stringify(first).slice(0, 300)}`);
	const flows = (await flowsOf()).filter((f) => (f.stateJson as { idempotencyKey?: string } | undefined)?.idempotencyKey === EXECUTE_ID);
	check(flows.length === 1, `the gateway holds ${flows.length} flows for run ${EXECUTE_ID}`);
	return `two hand-offs of run ${EXECUTE_ID}: created flow ${String(first.flowId)}, then found it (created: false); the gateway holds exactly one flow for the run`;
}
