// What the editor shows of the OpenClaw TaskFlow node and trigger: canvas subtitles in words, and
// help on every field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Workflow, type INode, type INodeParameters, type INodeProperties } from 'n8n-workflow';

import { nodeType, nodeTypes, PACKAGE_NAME, runNode, TestCredentialsHelper } from '../harness/engine';
import { fake, json } from './review/fake';

function subtitle(kind: string, parameters: INodeParameters): unknown {
	const node: INode = { id: '1', name: 'Node', type: `${PACKAGE_NAME}.${kind}`, typeVersion: 1, position: [0, 0], parameters };
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(node, nodeType(kind).description.subtitle!, 'internal', {});
}

describe('OpenClaw TaskFlow in the editor', () => {
	it('the canvas subtitle names the operation and the events as the lists show them', () => {
		assert.equal(subtitle('openClawTaskFlow', { operation: 'handOff' }), 'Hand Off');
		assert.equal(subtitle('openClawTaskFlow', { operation: 'runTask' }), 'Add Child Task');
		assert.equal(subtitle('openClawTaskFlowTrigger', { events: ['succeeded', 'anyChange'] }), 'Flow Succeeded, Any Change');
	});

	it('every field and every field of a collection has a description', () => {
		const missing: string[] = [];
		const walk = (properties: INodeProperties[], path: string) => {
			for (const property of properties) {
				if (property.type === 'notice' || property.name === 'operation') continue;
				const isCollection = property.type === 'collection';
				if (!isCollection && !property.description) missing.push(`${path}${property.displayName}`);
				if (isCollection) walk(property.options as INodeProperties[], `${path}${property.displayName} > `);
			}
		};
		for (const kind of ['openClawTaskFlow', 'openClawTaskFlowTrigger']) walk(nodeType(kind).description.properties, `${kind}: `);
		assert.deepEqual(missing, []);
	});

	it('the node and the trigger describe the entry they share in the node creator in the same words', () => {
		// n8n's node creator shows one entry for both, with the trigger's description.
		assert.equal(nodeType('openClawTaskFlowTrigger').description.description, nodeType('openClawTaskFlow').description.description);
	});

	it('Started At and Last Event At take a date and time, and send milliseconds since 1970', async () => {
		const sent: Array<Record<string, unknown>> = [];
		const gateway = await fake((_req, res, text) => {
			const body = JSON.parse(text) as Record<string, unknown>;
			sent.push(body);
			const flow = { flowId: 'f1', syncMode: 'managed', revision: 0, status: 'running', notifyPolicy: 'done_only', goal: 'g', createdAt: 1, updatedAt: 1 };
			json(res, { ok: true, result: { created: true, flow, task: { taskId: 't1', runtime: 'subagent', task: 'x', status: 'running' } } });
		});
		const result = await runNode({
			node: 'openClawTaskFlow',
			credentialTypes: ['openClawWebhookApi'],
			credentials: new TestCredentialsHelper({ openClawWebhookApi: { gatewayUrl: gateway.url, routePath: '/plugins/webhooks/n8n', secret: 'editor-secret-0123456789', headerStyle: 'bearer' } }),
			parameters: {
				operation: 'runTask',
				flowId: { __rl: true, mode: 'id', value: 'f1' } as unknown as string,
				task: 'x',
				taskStatus: 'running',
				taskFields: { startedAt: '2026-01-31T09:30:00.000Z', lastEventAt: '={{ DateTime.fromISO("2026-01-31T09:31:00Z") }}' },
				options: {},
			},
		});
		await gateway.close();
		assert.equal(result.status, 'success', result.error?.message);
		assert.equal(sent[0].startedAt, Date.UTC(2026, 0, 31, 9, 30));
		assert.equal(sent[0].lastEventAt, Date.UTC(2026, 0, 31, 9, 31));
	});
});
