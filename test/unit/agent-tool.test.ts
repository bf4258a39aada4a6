import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { IExecuteFunctions } from 'n8n-workflow';

import { readMessage } from '../../nodes/Coze/n8n/chat';

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
