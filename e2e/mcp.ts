/**
 * The Coze Workflow node as a tool of n8n's MCP Server Trigger, called as an MCP client calls it:
 * JSON-RPC over the streamable HTTP transport (initialize, tools/list, tools/call). There the node
 * runs inline, before any execution exists: no execution ID, no streaming response to write to.
 */
import { randomBytes } from 'node:crypto';

import type { CozeEmulator } from '../test/emulator';
import { httpRequest, type HttpAnswer } from '../test/support/http';
import { check } from './checks';
import { cozeToolNode, TOOL_NODE, WORKFLOW } from './tools';

export const MCP_NAMES = {
	cozeTool: 'MCP Server Trigger offers the Coze Workflow tool: an MCP client lists it with its input schema, calls it and gets the workflow output',
};

export const MCP_WORKFLOW_ID = 'e2eMcpCozeTool01';
const MCP_PATH = 'e2e-coze-tools';
const TRIGGER = 'MCP Server Trigger';

export function mcpToolWorkflow(cozeCredentialId: string): object {
	return {
		id: MCP_WORKFLOW_ID,
		name: 'e2e: MCP Server Trigger with the Coze Workflow tool',
		nodes: [
			{
				id: '7d1a0c30-0000-4000-8000-000000000071',
				name: TRIGGER,
				type: '@n8n/n8n-nodes-langchain.mcpTrigger',
				// 2: the streamable HTTP transport at /mcp/<path>, in both lines.
				typeVersion: 2,
				position: [0, 0],
				parameters: { path: MCP_PATH },
				webhookId: '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a31',
			},
			cozeToolNode(cozeCredentialId, '7d1a0c30-0000-4000-8000-000000000072'),
		],
		connections: { [TOOL_NODE]: { ai_tool: [[{ node: TRIGGER, type: 'ai_tool', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

interface RpcAnswer {
	answer: HttpAnswer;
	message: { result?: Record<string, unknown>; error?: { message: string } } | undefined;
}

/** One JSON-RPC message; the answer comes as JSON or as one SSE `message` event. */
async function rpc(url: string, session: string | undefined, body: object): Promise<RpcAnswer> {
	const answer = await httpRequest('POST', url, {
		headers: {
			'content-type': 'application/json',
			accept: 'application/json, text/event-stream',
			...(session ? { 'mcp-session-id': session } : {}),
		},
		body: JSON.stringify(body),
		timeoutMs: 60_000,
	});
	const data = answer.body
		.split('\n')
		.filter((line) => line.startsWith('data: '))
		.map((line) => line.slice('data: '.length))
		.join('');
	const text = data || answer.body.trim();
	return { answer, message: text ? (JSON.parse(text) as RpcAnswer['message']) : undefined };
}

export async function mcpCallsCozeTool(base: string, emu: CozeEmulator): Promise<string> {
	const url = `${base}/mcp/${MCP_PATH}`;
	const init = await rpc(url, undefined, {
		jsonrpc: '2.0',
		id: 1,
		method: 'initialize',
		params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'e2e-client', version: '0.0.1' } },
	});
	const session = init.answer.headers['mcp-session-id'];
	check(init.answer.status === 200 && typeof session === 'string', `initialize: HTTP ${init.answer.status}: ${init.answer.body.slice(0, 300)}`);
	try {
		const initialized = await rpc(url, session, { jsonrpc: '2.0', method: 'notifications/initialized' });
		check(initialized.answer.status < 300, `notifications/initialized: HTTP ${initialized.answer.status}`);

		const listed = await rpc(url, session, { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
		const tools = (listed.message?.result?.tools ?? []) as Array<{ name: string; description?: string; inputSchema?: { properties?: Record<string, { type?: string }>; required?: string[] } }>;
		const tool = tools.find((t) => t.name === 'Coze_Workflow');
		check(tool !== undefined, `tools/list: ${listed.answer.body.slice(0, 400)}`);
		check(
			tool.inputSchema?.properties?.question?.type === 'string' && (tool.inputSchema.required ?? []).includes('question'),
			`the tool's input schema: ${JSON.stringify(tool.inputSchema)}`,
		);
		// n8n's automatic description: the node's own.
		check(/^Run Coze workflows/.test(tool.description ?? ''), `the tool's description: ${JSON.stringify(tool.description)}`);

		const question = `What makes rainbows? (mcp ${randomBytes(4).toString('hex')})`;
		const runsBefore = emu.requests.length;
		const called = await rpc(url, session, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'Coze_Workflow', arguments: { question } } });
		const result = called.message?.result as { isError?: boolean; content?: Array<{ type: string; text: string }> } | undefined;
		check(result !== undefined && result.isError !== true, `tools/call: ${called.answer.body.slice(0, 400)}`);
		const text = result.content?.[0]?.text ?? '';
		const items = JSON.parse(text) as Array<Record<string, unknown>>;
		const item = items[0] ?? {};
		check(
			items.length === 1 && item.status === 'succeeded' && typeof item.output === 'string' && item.output.includes(question),
			`the tool's result: ${text.slice(0, 400)}`,
		);
		check(Object.keys(item).sort().join(',') === 'executeId,output,status', `the tool's result is not the compact item: ${Object.keys(item).join(', ')}`);
		const runs = emu.requests.slice(runsBefore).filter((r) => r.method === 'POST' && r.path === '/v1/workflow/stream_run');
		const sent = runs[0]?.body as { workflow_id?: string; parameters?: Record<string, unknown> | string } | undefined;
		const parameters = (typeof sent?.parameters === 'string' ? JSON.parse(sent.parameters) : sent?.parameters) as Record<string, unknown> | undefined;
		check(runs.length === 1 && sent?.workflow_id === WORKFLOW && parameters?.question === question, `the emulator's runs: ${JSON.stringify(runs.map((r) => r.body)).slice(0, 300)}`);
		return `tools/list offered Coze_Workflow (${JSON.stringify(tool.description)}, input question: string); tools/call ran ${WORKFLOW} with the client's question and returned ${text.length} characters: status, output, executeId`;
	} finally {
		await httpRequest('DELETE', url, { headers: { 'mcp-session-id': session as string } }).catch(() => undefined);
	}
}
