/**
 * The example workflows in examples/, which the e2e suite and `npm run editor` import into real n8n:
 * each of the package's nodes in them exists in the version given, shows every parameter the example
 * sets (n8n silently drops the ones a node does not show), has no parameter issue (a required field
 * left empty), and names Coze workflows, chatflows and agents that the emulator has.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';

import { PackageDirectoryLoader } from 'n8n-core';
import { NodeHelpers, type INode, type INodeParameters, type INodeTypeDescription } from 'n8n-workflow';

import { CHAT_IDS } from '../emulator';
import { builtInScenarios } from '../emulator/scenarios';
import { PACKAGE_NAME } from '../harness/registry';

const ROOT = join(__dirname, '..', '..');
const EXAMPLES = join(ROOT, 'examples');

interface ExampleNode extends INode {
	webhookId?: string;
}

interface Example {
	id: string;
	name: string;
	nodes: ExampleNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
}

const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort();
const examples = files.map((file) => ({ file, workflow: JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Example }));

/** The Coze IDs the emulator answers for: its workflows and chatflows, and its agents. */
const EMULATOR_IDS = new Set([...builtInScenarios().map((s) => s.id), ...Object.values(CHAT_IDS.agents), ...Object.values(CHAT_IDS.chatflows)]);

/** The Coze IDs a node's parameters name: resource locators and Bot IDs. */
function cozeIds(parameters: INodeParameters): Array<{ name: string; id: string }> {
	const ids: Array<{ name: string; id: string }> = [];
	for (const [name, value] of Object.entries(parameters)) {
		if (value && typeof value === 'object' && '__rl' in value && typeof value.value === 'string' && !value.value.startsWith('=')) ids.push({ name, id: value.value });
		if (name === 'botId' && typeof value === 'string' && !value.startsWith('=')) ids.push({ name, id: value });
	}
	return ids;
}

/** The package's built nodes as n8n loads a community package (with the parameters n8n adds, e.g. a polling trigger's Poll Times). */
async function loadDescriptions(): Promise<Map<string, INodeTypeDescription>> {
	const loader = new PackageDirectoryLoader(ROOT);
	await loader.loadAll();
	const descriptions = new Map<string, INodeTypeDescription>();
	for (const [name, { type }] of Object.entries(loader.nodeTypes)) {
		// The package's nodes are not versioned node types: each has one description with its properties.
		if ('properties' in type.description) descriptions.set(`${PACKAGE_NAME}.${name}`, type.description);
	}
	return descriptions;
}

describe('the example workflows', () => {
	let descriptions: Map<string, INodeTypeDescription>;
	before(async () => {
		descriptions = await loadDescriptions();
	});

	it('each has its own workflow ID, and each trigger its own webhook ID', () => {
		const ids = examples.map((e) => e.workflow.id);
		assert.deepEqual([...new Set(ids)].sort(), [...ids].sort(), `workflow IDs repeat: ${ids.join(', ')}`);
		const webhooks = examples.flatMap((e) => e.workflow.nodes.flatMap((n) => (n.webhookId ? [`${n.webhookId} (${e.file})`] : [])));
		const webhookIds = webhooks.map((w) => w.split(' ')[0]);
		assert.equal(new Set(webhookIds).size, webhookIds.length, `webhook IDs repeat: ${webhooks.join(', ')}`);
	});

	for (const { file, workflow } of examples) {
		it(`${file}: its connections join nodes it has`, () => {
			const names = new Set(workflow.nodes.map((n) => n.name));
			assert.equal(names.size, workflow.nodes.length, 'two nodes share a name');
			for (const [from, outputs] of Object.entries(workflow.connections)) {
				assert.ok(names.has(from), `a connection starts at "${from}", which is not a node`);
				for (const to of outputs.main.flat()) assert.ok(names.has(to.node), `"${from}" connects to "${to.node}", which is not a node`);
			}
		});

		const ours = workflow.nodes.filter((n) => n.type.startsWith(`${PACKAGE_NAME}.`));
		for (const node of ours) {
			it(`${file}: "${node.name}" sets only parameters the node shows, none required is empty, and its Coze IDs are the emulator's`, () => {
				const description = descriptions.get(node.type);
				assert.ok(description, `the package has no node ${node.type} (it has ${[...descriptions.keys()].join(', ')})`);
				const versions = Array.isArray(description.version) ? description.version : [description.version];
				assert.ok(versions.includes(node.typeVersion), `typeVersion ${node.typeVersion}; ${description.displayName} has ${versions.join(', ')}`);
				const kept = NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description) ?? {};
				for (const name of Object.keys(node.parameters))
					assert.ok(name in kept, `it sets "${name}", which ${description.displayName} does not show with these settings, so n8n drops it`);
				const options = node.parameters.options;
				if (options && typeof options === 'object' && !Array.isArray(options)) {
					const shown = description.properties.filter((p) => p.name === 'options' && NodeHelpers.displayParameter(node.parameters, p, node, description));
					const known = new Set(shown.flatMap((p) => (p.options ?? []).map((o) => ('name' in o ? o.name : ''))));
					for (const name of Object.keys(options)) assert.ok(known.has(name), `its options set "${name}", which is not an option here (${[...known].join(', ')})`);
				}
				const issues = NodeHelpers.getNodeParametersIssues(description.properties, node, description);
				assert.equal(issues, null, `parameter issues: ${JSON.stringify(issues?.parameters)}`);
				for (const { name, id } of cozeIds(node.parameters)) assert.ok(EMULATOR_IDS.has(id), `${name} ${id} is not one of the emulator's workflows, chatflows or agents`);
			});
		}
	}
});
