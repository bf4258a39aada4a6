/**
 * The Coze Workflow node as a tool of n8n's MCP Server Trigger, called by the official MCP
 * TypeScript SDK's client over the streamable HTTP transport, as real MCP clients call it. There the
 * node runs inline, before any execution exists: no execution ID, no streaming response to write to.
 */
import { randomBytes } from 'node:crypto';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import type { CozeEmulator } from '../test/emulator';
import { check } from './checks';
import { cozeDescriptionOf, cozeToolNode, TOOL_NODE, WORKFLOW } from './tools';

export const MCP_NAMES = {
	cozeTool: "MCP Server Trigger offers the Coze Workflow tool: the official MCP SDK client lists it with the Coze workflow's description and its input schema, calls it and gets the workflow output",
};

export const MCP_WORKFLOW_ID = 'e2eMcpCozeTool01';
const MCP_PATH = 'e2e-coze-tools';
const TRIGGER = 'MCP Server Trigger';

export function mcpToolWorkflow(cozeCredentialId: string, toolDescription: string): object {
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
			cozeToolNode(cozeCredentialId, '7d1a0c30-0000-4000-8000-000000000072', toolDescription),
		],
		connections: { [TOOL_NODE]: { ai_tool: [[{ node: TRIGGER, type: 'ai_tool', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

export async function mcpCallsCozeTool(base: string, emu: CozeEmulator): Promise<string> {
	const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp/${MCP_PATH}`));
	const client = new Client({ name: 'e2e-client', version: '0.0.1' });
	try {
		await client.connect(transport, { timeout: 60_000 });
		// A session ID shows the streamable transport, not a stateless fallback.
		check(typeof transport.sessionId === 'string', `initialize: no mcp-session-id from the trigger`);
		const server = client.getServerVersion();

		const { tools } = await client.listTools(undefined, { timeout: 60_000 });
		const tool = tools.find((t) => t.name === 'Coze_Workflow');
		check(tool !== undefined, `tools/list: ${JSON.stringify(tools).slice(0, 400)}`);
		const questionProp = (tool.inputSchema.properties ?? {}).question as { type?: string } | undefined;
		check(
			questionProp?.type === 'string' && (tool.inputSchema.required ?? []).includes('question'),
			`the tool's input schema: ${JSON.stringify(tool.inputSchema)}`,
		);
		const cozeDescription = await cozeDescriptionOf(emu);
		check(tool.description === cozeDescription, `the tool's description ${JSON.stringify(tool.description)} is not Coze's ${JSON.stringify(cozeDescription)}`);

		const question = `What makes rainbows? (mcp ${randomBytes(4).toString('hex')})`;
		const runsBefore = emu.requests.length;
		const result = await client.callTool({ name: 'Coze_Workflow', arguments: { question } }, undefined, { timeout: 60_000 });
		const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
		check(result.isError !== true, `tools/call: ${JSON.stringify(result).slice(0, 400)}`);
		const text = content[0]?.type === 'text' ? (content[0].text ?? '') : '';
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
		return `the official MCP SDK client (${server?.name ?? '?'} ${server?.version ?? '?'}, streamable HTTP) listed Coze_Workflow described by the Coze workflow's description (${JSON.stringify(tool.description)}), input question: string; its tools/call ran ${WORKFLOW} with the client's question and returned ${text.length} characters: status, output, executeId`;
	} finally {
		// DELETE ends the server's session; close() aborts the client's streams.
		if (transport.sessionId) await transport.terminateSession().catch(() => undefined);
		await client.close();
	}
}
