import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { operations, router } from './actions/router';
import { flowIdProperty, revisionProperties } from './descriptions/flow';
import { operationProperty, operationSubtitle } from './descriptions/operation';
import { optionsProperty } from './descriptions/options';
import { createTaskFlowClient } from './n8n/connection';
import { openClawWebhookTest } from './n8n/credentialTest';

export class OpenClawTaskFlow implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpenClaw TaskFlow',
		name: 'openClawTaskFlow',
		icon: { light: 'file:../../icons/openclaw.svg', dark: 'file:../../icons/openclaw.dark.svg' },
		group: ['transform'],
		// 1.1: Create Flow, Run Task and Hand Off find what an earlier run of the same item created.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: operationSubtitle(),
		description: 'Create, update and watch OpenClaw TaskFlows, and hand results off to them',
		defaults: { name: 'OpenClaw TaskFlow' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'openClawWebhookApi', required: true, testedBy: 'openClawWebhookTest' }],
		properties: [
			operationProperty,
			flowIdProperty,
			...revisionProperties,
			...Object.values(operations).flatMap((operation) => operation.description),
			optionsProperty,
		],
	};

	methods = {
		credentialTest: { openClawWebhookTest },
		listSearch: {
			async searchFlows(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				const client = await createTaskFlowClient(this);
				const flows = await client.listFlows();
				const needle = (filter ?? '').toLowerCase();
				return {
					results: flows
						.filter((flow) => !needle || flow.goal.toLowerCase().includes(needle) || flow.flowId.startsWith(needle))
						.slice(0, 100)
						.map((flow) => ({ name: `${flow.goal.slice(0, 80)} (${flow.status}, revision ${flow.revision})`, value: flow.flowId })),
				};
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
