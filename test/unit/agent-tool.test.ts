import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NodeHelpers, type IExecuteFunctions, type INode, type INodeParameters } from 'n8n-workflow';

import { CozeAgent } from '../../nodes/Coze/CozeAgent.node';
import { readMessage } from '../../nodes/Coze/n8n/chat';

/** The Coze Agent as an AI Agent's tool: its parameters as n8n's Workflow fills them (defaults included). */
function asTool(parameters: INodeParameters): { node: INode; type: CozeAgent } {
	const type = new CozeAgent();
	const filled = NodeHelpers.getNodeParameters(
		type.description.properties,
		{ descriptionType: 'auto', ...parameters },
		true,
		false,
		null,
		type.description,
	);
	const node: INode = {
		id: 't',
		name: 'Coze Agent',
		type: 'n8n-nodes-coze-openclaw.cozeAgentTool',
		typeVersion: 1,
		position: [0, 0],
		parameters: { descriptionType: 'auto', ...filled },
	};
	return { node, type };
}

describe('the Coze Agent node as a tool', () => {
	it('tells the model what the chosen operation does, not what the node can do', () => {
		const chat = asTool({ operation: 'chat' });
		const told = NodeHelpers.getToolDescriptionForNode(chat.node, chat.type);
		assert.equal(told, 'Send a message to an agent and get its answer in Coze Agent');
		assert.doesNotMatch(told, /conversations/);
		const submit = asTool({ operation: 'submitToolOutputs' });
		assert.match(NodeHelpers.getToolDescriptionForNode(submit.node, submit.type), /tool outputs/i);
	});
});

describe('the Message of a chat used as a tool', () => {
	const context = (type: string, message: unknown) =>
		({
			getNode: () => ({ type }),
			getNodeParameter: (name: string) => (name === 'message' ? message : undefined),
		}) as unknown as IExecuteFunctions;

	it("says how the model fills it when it is empty, since a tool's input has no chatInput", () => {
		assert.throws(() => readMessage(context('n8n-nodes-coze-openclaw.cozeAgentTool', ''), 0), /\$fromAI\('message'/);
		assert.throws(() => readMessage(context('n8n-nodes-coze-openclaw.cozeAgent', ''), 0), /Chat Trigger gives it as chatInput/);
		assert.equal(readMessage(context('n8n-nodes-coze-openclaw.cozeAgentTool', 'hello'), 0), 'hello');
	});
});
