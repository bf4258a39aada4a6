import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { deepCopy, NodeHelpers, type INode, type INodeParameters, type INodePropertyOptions, type INodeTypeDescription } from 'n8n-workflow';

import { accessTokenCredentials, callEditorMethod, nodeType } from '../harness/engine';
import { IDS, withEmulator, workflow } from './helpers';

/**
 * The Coze Workflow Tool's description, which the model (AI Agent) and MCP clients read: Coze's
 * own description of the workflow once picked in the editor, otherwise n8n's automatic one.
 */

const STORY_TEXT = 'Writes a short story about a topic: PINGs while thinking, an Output node streaming the story, End variables.';

/** The `<name>Tool` variant as n8n makes it: a copy of the description under the Tool name (n8n adds no fields of its own here). */
function toolVariant(): { description: INodeTypeDescription } {
	const description = deepCopy(nodeType('cozeWorkflow').description);
	return { description: { ...description, name: `${description.name}Tool` } };
}

/** As n8n describes a tool: the saved parameters with their defaults filled in, as the Workflow constructor does. */
function described(saved: INodeParameters, type = toolVariant()): { text: string; parameters: INodeParameters } {
	const parameters = NodeHelpers.getNodeParameters(type.description.properties, saved, true, false, { typeVersion: 1.1 } as INode, type.description)!;
	return { text: NodeHelpers.getToolDescriptionForNode({ parameters } as unknown as INode, type as never), parameters };
}

async function toolDescriptions(parameters: INodeParameters): Promise<INodePropertyOptions[]> {
	return await withEmulator(async (emu) => {
		const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
		emu.addScenario({ id: '7400000000000000098', name: 'No description', description: '' } as never);
		return (await callEditorMethod({ node: 'cozeWorkflow', kind: 'loadOptions', method: 'getToolDescriptions', parameters, credentials })) as INodePropertyOptions[];
	});
}

describe('Coze Workflow Tool description: the editor list', () => {
	it("offers Coze's description of the chosen workflow, then the node's own (saved empty)", async () => {
		const options = await toolDescriptions({ operation: 'run', workflowId: workflow(IDS.story) });
		assert.deepEqual(
			options.map((o) => o.value),
			[STORY_TEXT, ''],
		);
		assert.equal(options[0].name, STORY_TEXT);
	});

	it('offers the workflow name when Coze has no description, and only the node\'s own before a workflow is chosen', async () => {
		const nameOnly = await toolDescriptions({ operation: 'run', workflowId: workflow('7400000000000000098') });
		assert.equal(nameOnly[0].value, 'Runs the Coze workflow "No description"');
		const none = await toolDescriptions({ operation: 'run', workflowId: workflow('') });
		assert.deepEqual(
			none.map((o) => o.value),
			[''],
		);
	});

	it('a workflow Coze cannot find gives an error naming the field', async () => {
		await assert.rejects(toolDescriptions({ operation: 'run', workflowId: workflow('7400000000000009999') }), /^NodeOperationError: Description: .*7400000000000009999 was not found/);
	});
});

describe('Coze Workflow Tool description: what n8n tells the model', () => {
	const NODE_TEXT = nodeType('cozeWorkflow').description.description;

	it('the node defines toolDescription itself, so n8n adds no Tool Description fields of its own', () => {
		assert.ok(nodeType('cozeWorkflow').description.properties.some((p) => p.name === 'toolDescription'));
	});

	it("is the picked Coze text; untouched, it is the node's description as before", () => {
		const picked = described({ operation: 'run', workflowId: workflow(IDS.story), toolDescription: STORY_TEXT });
		assert.equal(picked.text, STORY_TEXT);
		assert.equal(picked.parameters.descriptionType, 'coze');
		assert.equal(described({ operation: 'run', workflowId: workflow(IDS.story) }).text, NODE_TEXT);
		assert.equal(described({ operation: 'chat', workflowId: workflow(IDS.story), toolDescription: STORY_TEXT }).text, STORY_TEXT);
	});

	it("tools saved with n8n's own fields read the same", () => {
		assert.equal(described({ operation: 'run', descriptionType: 'manual', toolDescription: 'Tells a story' }).text, 'Tells a story');
		assert.equal(described({ operation: 'run', descriptionType: 'manual' }).text, NODE_TEXT);
		assert.equal(described({ operation: 'run', descriptionType: 'auto', toolDescription: 'stale text' }).text, NODE_TEXT);
		assert.equal(described({ operation: 'getRun', descriptionType: 'manual', toolDescription: 'Reads a run' }).text, 'Reads a run');
		const getRun = described({ operation: 'getRun' });
		assert.equal(getRun.parameters.descriptionType, 'auto');
		assert.equal(getRun.text, NODE_TEXT);
	});

	it('the plain node (not a tool) keeps none of these fields', () => {
		const plain = described({ operation: 'run', descriptionType: 'manual', toolDescription: 'Tells a story' }, { description: nodeType('cozeWorkflow').description });
		assert.equal(plain.parameters.descriptionType, undefined);
		assert.equal(plain.parameters.toolDescription, undefined);
	});
});
