import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';

import { NodeHelpers, type IDataObject, type INode, type INodeParameters, type INodePropertyOptions } from 'n8n-workflow';

import { runItems } from '../../nodes/shared/itemRunner';
import { isToolMode } from '../../nodes/shared/toolMode';
import { CHAT_IDS } from '../emulator';
import { nodeType, runNode, TestCredentialsHelper } from '../harness/engine';
import { agentChatParams, IDS, run, runAgent, runParams, withEmulator, workflow } from './helpers';
import { fake, json } from './review/fake';

/**
 * A node as an AI agent's tool: n8n runs its `<name>Tool` variant as an ordinary node (the AI
 * Agent) or inline (the MCP Server Trigger). Either way it must not stream into the user's chat,
 * and its item is what the model reads, so it is compact.
 */

const STREAMING = { streaming: true, mode: 'webhook' } as const;

describe('tool mode', () => {
	it('is the <name>Tool variant, or an inline tool run (MCP) whose node type has no Tool suffix', () => {
		const node = (type: string) => () => ({ type }) as never;
		assert.equal(isToolMode({ getNode: node('n8n-nodes-coze-openclaw.cozeWorkflowTool') }), true);
		assert.equal(isToolMode({ getNode: node('n8n-nodes-coze-openclaw.cozeWorkflow'), isToolExecution: () => true }), true);
		// AI Agent v3 runs the Tool variant in an ordinary context, where isToolExecution() says false.
		assert.equal(isToolMode({ getNode: node('n8n-nodes-coze-openclaw.cozeWorkflowTool'), isToolExecution: () => false }), true);
		assert.equal(isToolMode({ getNode: node('n8n-nodes-coze-openclaw.cozeWorkflow'), isToolExecution: () => false }), false);
		assert.equal(isToolMode({ getNode: node('n8n-nodes-coze-openclaw.cozeWorkflow') }), false);
	});

	it('an MCP tool call (no execution ID) with Retry On Fail is not taken for a retry of the call before it', async () => {
		// As the MCP Server Trigger runs a tool: inline, before any execution exists.
		const context = {
			getNode: () => ({ name: 'Coze Workflow', type: 'n8n-nodes-coze-openclaw.cozeWorkflowTool', retryOnFail: true, maxTries: 3 }),
			getExecutionId: () => undefined,
			getInputData: () => [{ json: {} }],
			continueOnFail: () => true,
		} as never;
		const runner = (perItem: () => Promise<IDataObject>) => ({
			perItem,
			errorJson: (error: unknown) => ({ error: (error as Error).message }),
			toNodeError: () => {
				throw new Error('not expected');
			},
			retries: { mayHaveActed: () => true, notRepeated: () => new Error('not repeated') },
		});
		const failed = await runItems(context, runner(async () => Promise.reject(new Error('the run may have started'))));
		assert.deepEqual(failed[0].json, { error: 'the run may have started' });
		const next = await runItems(context, runner(async () => ({ status: 'succeeded' })));
		assert.deepEqual(next[0].json, { status: 'succeeded' });
	});
});

describe('tool descriptions', () => {
	// As n8n describes a tool whose user kept "Set Automatically": from the saved parameters with
	// their defaults filled in, as the Workflow constructor does.
	const described = (kind: string, operation: string) => {
		const type = nodeType(kind);
		const saved: INodeParameters = { operation, descriptionType: 'auto' };
		const parameters = NodeHelpers.getNodeParameters(type.description.properties, saved, true, false, { typeVersion: 1 }, type.description);
		const node = { parameters: { ...parameters, descriptionType: 'auto' } } as unknown as INode;
		return NodeHelpers.getToolDescriptionForNode(node, type);
	};

	// n8n takes the operation's action only for a node with a Resource field, and a Resource field
	// (even hidden) takes the actions out of the node creator; so a tool is described by its node.
	for (const kind of ['cozeWorkflow', 'cozeAgent', 'openClawTaskFlow']) {
		it(`${kind}: the automatic tool description is the node's description; every operation has an action`, () => {
			const { description } = nodeType(kind);
			const operation = description.properties.find((p) => p.name === 'operation')!;
			for (const option of operation.options as INodePropertyOptions[]) {
				assert.equal(described(kind, String(option.value)), description.description);
				assert.match(option.action ?? '', /^[A-Z][a-z]+ /);
			}
		});
	}
});

describe('Coze Workflow as a tool', () => {
	it('Run in stream mode sends no chunks into a streaming response and gives only status, output and executeId', async () => {
		await withEmulator(async (emu) => {
			const params = runParams(IDS.story, { parametersJson: '{"topic":"rain"}' });
			// The same run as an ordinary node streams and gives the full item: the baseline the tool differs from.
			const plain = await run(emu, params, STREAMING);
			assert.ok(plain.chunks.length > 2);
			assert.ok('debugUrl' in plain.items[0].json && 'usage' in plain.items[0].json && 'workflowId' in plain.items[0].json);

			const tool = await run(emu, params, { ...STREAMING, node: 'cozeWorkflowTool' });
			assert.equal(tool.status, 'success', tool.error?.message);
			assert.deepEqual(tool.chunks, []);
			const item = tool.items[0].json;
			assert.deepEqual(Object.keys(item).sort(), ['executeId', 'output', 'status']);
			assert.equal(item.status, 'succeeded');
			assert.deepEqual(item.output, plain.items[0].json.output);
			assert.match(item.executeId as string, /^\d+$/);
			assert.ok(JSON.stringify(item).length < JSON.stringify(plain.items[0].json).length);
		});
	});

	it('keeps messages when the user turned on Include Messages', async () => {
		await withEmulator(async (emu) => {
			const tool = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"rain"}', options: { includeMessages: true } }), {
				node: 'cozeWorkflowTool',
			});
			assert.ok(Array.isArray(tool.items[0].json.messages) && (tool.items[0].json.messages as unknown[]).length > 0);
			assert.ok(!('usage' in tool.items[0].json) && !('logId' in tool.items[0].json));
		});
	});

	it('a run that asks a question gives the question and what Resume needs', async () => {
		await withEmulator(async (emu) => {
			const tool = await run(emu, runParams(IDS.tripQuestion, { parametersJson: '{}' }), { ...STREAMING, node: 'cozeWorkflowTool' });
			assert.equal(tool.status, 'success', tool.error?.message);
			const item = tool.items[0].json;
			assert.equal(item.status, 'interrupted');
			assert.equal(typeof item.question, 'string');
			assert.ok((item.question as string).length > 0);
			assert.match((item.interrupt as IDataObject).eventId as string, /^\d+\/\d+$/);
			assert.deepEqual(tool.chunks, []);
		});
	});

	it('Get Run of a failed run gives its status, error and executeId, not its debug data', async () => {
		await withEmulator(async (emu) => {
			const failed = await run(emu, runParams(IDS.failing, { parametersJson: '{"query":"x"}' }), { continueOnFail: true });
			const executeId = failed.items[0].json.executeId as string;
			assert.match(executeId, /^\d+$/);
			const read = await run(emu, { operation: 'getRun', workflowId: workflow(IDS.failing), executeId, options: {} }, { node: 'cozeWorkflowTool' });
			assert.equal(read.status, 'success', read.error?.message);
			const item = read.items[0].json;
			assert.equal(item.status, 'failed');
			assert.match(item.error as string, /720712000/);
			assert.equal(item.executeId, executeId);
			assert.ok(!('debugUrl' in item) && !('usage' in item) && !('logId' in item) && !('workflowId' in item));
		});
	});

	it('a failure says what to do in its message (the model sees only the message), and as an item gives error and hint only', async () => {
		await withEmulator(async (emu) => {
			const unknown = runParams('7400000000000009999');
			const plain = await run(emu, unknown);
			assert.equal(plain.status, 'error');
			const tool = await run(emu, unknown, { node: 'cozeWorkflowTool' });
			assert.equal(tool.status, 'error');
			assert.match(tool.error!.message, /not found or is not published/);
			assert.ok(tool.error!.message.startsWith(plain.error!.message.replace(/[.\s]*$/, '')));
			const item = (await run(emu, unknown, { node: 'cozeWorkflowTool', continueOnFail: true })).items[0].json;
			assert.deepEqual(Object.keys(item).sort(), ['error', 'hint']);
		});
	});
});

describe('Coze Agent as a tool', () => {
	it('Chat streams nothing into the response and gives status, answer and the IDs', async () => {
		await withEmulator(async (emu) => {
			const params = agentChatParams(CHAT_IDS.agents.echo, { message: 'hello tool' });
			const plain = await runAgent(emu, params, STREAMING);
			assert.ok(plain.chunks.length > 0);
			const tool = await runAgent(emu, params, { ...STREAMING, node: 'cozeAgentTool' });
			assert.equal(tool.status, 'success', tool.error?.message);
			assert.deepEqual(tool.chunks, []);
			const item = tool.items[0].json;
			assert.deepEqual(Object.keys(item).sort(), ['answer', 'chatId', 'conversationId', 'status']);
			assert.equal(item.answer, 'You said: hello tool');
			assert.match(item.conversationId as string, /^\d+$/);
		});
	});

	it('an empty Message tells the user to let the model fill it', async () => {
		await withEmulator(async (emu) => {
			// The default Message ({{ $json.chatInput }}) on an input without it.
			const tool = await runAgent(emu, agentChatParams(CHAT_IDS.agents.echo), { node: 'cozeAgentTool', items: [{}] });
			assert.equal(tool.status, 'error');
			assert.match(tool.error!.message, /\$fromAI\('message'/);
			const plain = await runAgent(emu, agentChatParams(CHAT_IDS.agents.echo), { items: [{}] });
			assert.doesNotMatch(plain.error!.message, /\$fromAI/);
		});
	});

	it('an agent that calls its own tools gives the calls', async () => {
		await withEmulator(async (emu) => {
			const tool = await runAgent(emu, agentChatParams(CHAT_IDS.agents.tools, { message: 'What is the weather in Paris?' }), { node: 'cozeAgentTool' });
			assert.equal(tool.status, 'success', tool.error?.message);
			const item = tool.items[0].json;
			assert.equal(item.status, 'requiresAction');
			assert.ok(Array.isArray(item.toolCalls) && item.toolCalls.length > 0);
			assert.ok(!('usage' in item) && !('debugUrl' in item) && !('followUps' in item));
		});
	});
});

describe('OpenClaw TaskFlow as a tool', () => {
	it("Hand Off gives the flow's IDs and status, not its stored state", async () => {
		const server = await fake(async (_req, res, text) => {
			const body = JSON.parse(text) as IDataObject;
			if (body.action === 'list_flows') return json(res, { ok: true, result: { flows: [] } });
			const flow = {
				flowId: randomUUID(),
				syncMode: 'managed',
				revision: 0,
				status: 'queued',
				notifyPolicy: 'done_only',
				goal: body.goal,
				stateJson: body.stateJson,
				createdAt: Date.now(),
				updatedAt: Date.now(),
			};
			return json(res, { ok: true, result: { created: true, flow } });
		});
		try {
			const parameters: INodeParameters = {
				operation: 'handOff',
				goal: 'Review the report',
				idempotencyKey: 'run-1',
				result: '={{ $json.output }}',
				options: {},
			};
			const credentials = new TestCredentialsHelper({
				openClawWebhookApi: { gatewayUrl: server.url, routePath: '/plugins/webhooks/n8n', secret: 'whsec-tool-0123456789', headerStyle: 'bearer' },
			});
			const items = [{ output: { report: 'x'.repeat(2000) } }];
			const common = { credentialTypes: ['openClawWebhookApi'], credentials, parameters, items };
			const plain = await runNode({ node: 'openClawTaskFlow', ...common });
			assert.equal(plain.status, 'success', plain.error?.message);
			assert.ok('stateJson' in plain.items[0].json);
			const tool = await runNode({ node: 'openClawTaskFlowTool', ...common });
			assert.equal(tool.status, 'success', tool.error?.message);
			const item = tool.items[0].json;
			assert.deepEqual(Object.keys(item).sort(), ['created', 'flowId', 'goal', 'idempotencyKey', 'revision', 'status']);
			assert.equal(item.created, true);
			assert.equal(typeof item.flowId, 'string');
		} finally {
			await server.close();
		}
	});
});
