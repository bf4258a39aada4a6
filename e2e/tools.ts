/**
 * The Coze Workflow node as a tool of n8n's AI Agent, in a real n8n: a Chat Trigger that streams →
 * AI Agent (typeVersion 3) with n8n's own OpenAI Chat Model, whose credential points at a scripted
 * OpenAI-compatible model (test/support/scripted-model.ts), and the Coze Workflow node's Tool
 * variant, whose input the model fills through $fromAI(). Checks the whole loop from both ends: what
 * the emulator was asked to run, what the model was sent back, what the user saw.
 */
import { randomBytes } from 'node:crypto';

import type { CozeEmulator } from '../test/emulator';
import { startScriptedModel, SCRIPTED_MODEL_ID, type ScriptedModel } from '../test/support/scripted-model';
import { chatTriggerNode, type ChatWorkflow } from './chat';
import { check } from './checks';
import { streamedChunks, webhookRequest, type N8nSetup } from './n8n';

export const TOOLS_NAMES = {
	cozeTool:
		"AI Agent with the Coze Workflow tool, answer streamed: the model gets the Coze workflow's description as the tool's, its arguments reach the emulator as workflow parameters, the tool result holds the workflow output, the answer quotes it, nothing of the tool leaks into the streamed answer",
};

/** The workflow of the scenario; its answer streams from the AI Agent. */
export const AGENT_TOOL_CHAT: ChatWorkflow = { workflowId: 'e2eAgentCozeTool', webhookId: '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a21', answeringNode: 'AI Agent' };
export const TOOL_NODE = 'Coze Workflow';
const OPENAI_CREDENTIAL = { id: 'scriptedOpenAi01', name: 'Scripted model' };
/** An emulator workflow whose answer text quotes its `question` input and streams in chunks (which a tool must not forward). */
export const WORKFLOW = '7400000000000000011';

/** What the model asks the tool: unique per run, so the emulator's requests show it came from this model turn. */
export const TOOL_QUESTION = `Why is the sky blue? (e2e ${randomBytes(4).toString('hex')})`;

/** The scripted model: one call of the Coze tool with the question, then an answer quoting the tool result. */
export async function startToolsModel(): Promise<ScriptedModel> {
	return await startScriptedModel({ calls: [{ arguments: { question: TOOL_QUESTION } }] });
}

/** n8n's OpenAI credential pointed at a scripted model. */
export function scriptedModelCredential(model: ScriptedModel, credential: { id: string; name: string } = OPENAI_CREDENTIAL): object {
	return { ...credential, type: 'openAiApi', data: { apiKey: 'sk-scripted-not-a-secret', url: model.baseUrl } };
}

/** n8n's OpenAI Chat Model on a scripted model: Chat Completions (not the Responses API), as the scripted model answers. */
export function chatModelNode(id: string, credential: { id: string; name: string } = OPENAI_CREDENTIAL): object {
	return {
		id,
		name: 'OpenAI Chat Model',
		type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
		typeVersion: 1.3,
		position: [160, 220],
		parameters: { model: { __rl: true, mode: 'id', value: SCRIPTED_MODEL_ID }, responsesApiEnabled: false, options: {} },
		credentials: { openAiApi: credential },
	};
}

/**
 * Coze's description of the workflow (the emulator's workflow info), which the tool's Description
 * list offers first: the scenarios' tools are saved with it picked, as a user picks it in the editor.
 */
export async function cozeDescriptionOf(emu: CozeEmulator): Promise<string> {
	const answer = await fetch(`${emu.baseUrl}/v1/workflows/${WORKFLOW}`, { headers: { authorization: `Bearer ${emu.token}` } });
	const body = (await answer.json()) as { data?: { workflow_detail?: { description?: string } } };
	const description = body.data?.workflow_detail?.description ?? '';
	check(description !== '', `the emulator has no description of ${WORKFLOW}: HTTP ${answer.status}`);
	return description;
}

/** The Coze Workflow node's Tool variant: Run (Stream) on the emulator workflow, its input from the model, described by Coze's text. */
export function cozeToolNode(cozeCredentialId: string, id: string, toolDescription?: string): object {
	return {
		id,
		name: TOOL_NODE,
		type: 'n8n-nodes-coze-openclaw.cozeWorkflowTool',
		typeVersion: 1.1,
		position: [360, 220],
		parameters: {
			authentication: 'accessToken',
			operation: 'run',
			mode: 'stream',
			workflowId: { __rl: true, mode: 'id', value: WORKFLOW },
			// Tool Description "From the Coze Workflow" is the default, so only the picked text is saved.
			...(toolDescription ? { toolDescription } : {}),
			inputMode: 'fields',
			inputs: {
				mappingMode: 'defineBelow',
				value: { question: "={{ $fromAI('question', 'The question for the workflow to answer', 'string') }}" },
				matchingColumns: [],
				schema: [],
			},
			// On by default: the tool must not stream even so.
			options: { streamToResponse: true },
		},
		credentials: { cozeAccessTokenApi: { id: cozeCredentialId, name: 'Coze emulator' } },
	};
}

/** The scenario's workflow; without a tool description, as it stands before the user picks one (the browser walk-through). */
export function agentToolWorkflow(cozeCredentialId: string, toolDescription?: string, modelCredential = OPENAI_CREDENTIAL): object {
	const trigger = 'When chat message received';
	return {
		id: AGENT_TOOL_CHAT.workflowId,
		name: 'e2e: Chat Trigger → AI Agent with the Coze Workflow tool',
		nodes: [
			chatTriggerNode('7d1a0c30-0000-4000-8000-000000000061', AGENT_TOOL_CHAT.webhookId),
			{
				id: '7d1a0c30-0000-4000-8000-000000000062',
				name: AGENT_TOOL_CHAT.answeringNode,
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3,
				position: [240, 0],
				parameters: { options: {} },
			},
			chatModelNode('7d1a0c30-0000-4000-8000-000000000063', modelCredential),
			cozeToolNode(cozeCredentialId, '7d1a0c30-0000-4000-8000-000000000064', toolDescription),
		],
		connections: {
			[trigger]: { main: [[{ node: AGENT_TOOL_CHAT.answeringNode, type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: AGENT_TOOL_CHAT.answeringNode, type: 'ai_languageModel', index: 0 }]] },
			[TOOL_NODE]: { ai_tool: [[{ node: AGENT_TOOL_CHAT.answeringNode, type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

export async function agentUsesCozeTool(_setup: N8nSetup, base: string, emu: CozeEmulator, model: ScriptedModel): Promise<string> {
	const cozeDescription = await cozeDescriptionOf(emu);
	const seen = model.requests.length;
	const runsBefore = emu.requests.length;
	const answer = await webhookRequest(
		`${base}/webhook/${AGENT_TOOL_CHAT.webhookId}/chat`,
		JSON.stringify({ action: 'sendMessage', sessionId: `e2e-tools-${randomBytes(4).toString('hex')}`, chatInput: 'Ask the Coze workflow why the sky is blue.' }),
	);
	check(answer.status === 200, `message: HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);

	// The model: a tool call, then a turn that received the tool's result; both streamed, as the chat streams.
	const turns = model.requests.slice(seen).filter((r) => r.path.endsWith('/chat/completions'));
	check(turns.length === 2, `the model was asked ${turns.length} times: ${JSON.stringify(turns.map((t) => t.answered)).slice(0, 300)}`);
	check(turns.every((t) => t.body.stream === true), `the model was not asked to stream: ${turns.map((t) => String(t.body.stream)).join(', ')}`);
	const offered = turns[0].body.tools?.map((t) => t.function) ?? [];
	const tool = offered.find((t) => t.name === 'Coze_Workflow');
	check(tool !== undefined, `the tools offered: ${JSON.stringify(offered).slice(0, 300)}`);
	check(JSON.stringify(tool.parameters?.properties ?? {}).includes('question'), `the Coze tool as offered: ${JSON.stringify(tool).slice(0, 400)}`);
	const received = model.toolDescription(turns[0], 'Coze_Workflow');
	check(received === cozeDescription, `the model got the tool description ${JSON.stringify(received)}, not Coze's ${JSON.stringify(cozeDescription)}`);

	// The emulator: the run carries the model's argument as the workflow's parameter.
	const runs = emu.requests.slice(runsBefore).filter((r) => r.method === 'POST' && r.path === '/v1/workflow/stream_run');
	check(runs.length === 1, `the emulator got ${runs.length} stream runs`);
	const sent = runs[0].body as { workflow_id?: string; parameters?: Record<string, unknown> | string };
	const parameters = (typeof sent.parameters === 'string' ? JSON.parse(sent.parameters) : sent.parameters) as Record<string, unknown> | undefined;
	check(sent.workflow_id === WORKFLOW && parameters?.question === TOOL_QUESTION, `the run's body: ${JSON.stringify(sent).slice(0, 300)}`);

	// What the model received: the compact item, whose output quotes the question.
	const results = turns[1].body.messages?.filter((m) => m.role === 'tool').map((m) => String(m.content)) ?? [];
	check(results.length === 1, `${results.length} tool results reached the model`);
	const items = JSON.parse(results[0]) as Array<Record<string, unknown>>;
	const item = items[0] ?? {};
	const output = item.output;
	check(
		items.length === 1 && item.status === 'succeeded' && typeof output === 'string' && output.includes(TOOL_QUESTION),
		`the tool result: ${results[0].slice(0, 400)}`,
	);
	check(
		Object.keys(item).sort().join(',') === 'executeId,output,status',
		`the tool result is not the compact item: ${Object.keys(item).join(', ')}`,
	);

	// What the user saw: the agent's answer, quoting the output; no chunk of the tool node.
	const chunks = streamedChunks(answer);
	const leaked = chunks.filter((c) => c.metadata?.nodeName === TOOL_NODE);
	check(leaked.length === 0, `${leaked.length} chunks of the tool reached the chat: ${JSON.stringify(leaked.slice(0, 3)).slice(0, 300)}`);
	const errors = chunks.filter((c) => c.type === 'error');
	check(errors.length === 0, `n8n streamed an error: ${errors.map((c) => c.content ?? '').join(' | ').slice(0, 300)}`);
	const streamed = chunks
		.filter((c) => c.type === 'item' && c.metadata?.nodeName === AGENT_TOOL_CHAT.answeringNode)
		.map((c) => c.content ?? '')
		.join('');
	check(streamed.startsWith('FINAL: ') && streamed.includes(output), `the chat showed ${JSON.stringify(streamed.slice(0, 300))}`);
	return `the model got the Coze workflow's description as the tool's (${JSON.stringify(received)}), called Coze_Workflow with question ${JSON.stringify(TOOL_QUESTION)}, the emulator ran ${WORKFLOW} with it, the model got ${results[0].length} characters (status, output, executeId) and the chat showed its answer quoting the output; 0 of ${chunks.length} chunks came from the tool`;
}
