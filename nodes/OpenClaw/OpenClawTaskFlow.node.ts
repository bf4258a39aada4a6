import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { cancelFlow } from './actions/cancelFlow.operation';
import { createFlow } from './actions/createFlow.operation';
import { failFlow } from './actions/failFlow.operation';
import { findLatestFlow } from './actions/findLatestFlow.operation';
import { finishFlow } from './actions/finishFlow.operation';
import { getFlow } from './actions/getFlow.operation';
import { getTaskSummary } from './actions/getTaskSummary.operation';
import { handOff } from './actions/handOff.operation';
import { listFlows } from './actions/listFlows.operation';
import { requestCancel } from './actions/requestCancel.operation';
import { resolveFlow } from './actions/resolveFlow.operation';
import { resumeFlow } from './actions/resumeFlow.operation';
import { runTask } from './actions/runTask.operation';
import { setWaiting } from './actions/setWaiting.operation';
import type { Operation, OperationContext } from './actions/types';
import {
	createFlowProperties,
	failFlowProperties,
	finishFlowProperties,
	listFlowsProperties,
	resolveFlowProperties,
	resumeFlowProperties,
	runTaskProperties,
	setWaitingProperties,
} from './descriptions/fields';
import { flowIdProperty, revisionProperties } from './descriptions/flow';
import { handOffProperties } from './descriptions/handOff';
import { operationProperty } from './descriptions/operation';
import { optionsProperty } from './descriptions/options';
import { OpenClawError } from './protocol/errors';
import { HandOffIndex } from './protocol/handOff';
import { runItems } from '../shared/itemRunner';
import { createTaskFlowClient } from './shared/connection';
import { clientSettings } from './shared/params';
import { errorJson, toNodeError } from './shared/results';

const operations: Record<string, Operation> = {
	createFlow,
	getFlow,
	listFlows,
	findLatestFlow,
	resolveFlow,
	getTaskSummary,
	setWaiting,
	resumeFlow,
	finishFlow,
	failFlow,
	requestCancel,
	cancelFlow,
	runTask,
	handOff,
};

export class OpenClawTaskFlow implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpenClaw TaskFlow',
		name: 'openClawTaskFlow',
		icon: { light: 'file:../../icons/openclaw.svg', dark: 'file:../../icons/openclaw.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description: 'Create and drive OpenClaw TaskFlows through the gateway\'s webhooks plugin',
		defaults: { name: 'OpenClaw TaskFlow' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'openClawWebhookApi', required: true }],
		properties: [
			operationProperty,
			flowIdProperty,
			...revisionProperties,
			...createFlowProperties,
			...resolveFlowProperties,
			...listFlowsProperties,
			...setWaitingProperties,
			...resumeFlowProperties,
			...finishFlowProperties,
			...failFlowProperties,
			...runTaskProperties,
			...handOffProperties,
			optionsProperty,
		],
	};

	methods = {
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
		const operation = this.getNodeParameter('operation', 0) as string;
		const handler = operations[operation];
		// One client and one idempotency index for all items: they share the route's rate budget,
		// and a hand-off of item 2 sees the flow item 1 created.
		let context: OperationContext | undefined;
		const returnData = await runItems(this, {
			perItem: async (itemIndex) => {
				if (!handler) throw new NodeOperationError(this.getNode(), `Operation "${operation}" is not known`, { itemIndex });
				if (!context) {
					const client = await createTaskFlowClient(this, clientSettings(this, itemIndex));
					context = { client, handOffIndex: new HandOffIndex(client) };
				}
				return await handler.call(this, itemIndex, context);
			},
			errorJson: (error) => (error instanceof OpenClawError ? errorJson(error) : { error: (error as Error).message }),
			toNodeError: (error, itemIndex) =>
				error instanceof OpenClawError ? toNodeError(this.getNode(), error, itemIndex) : new NodeOperationError(this.getNode(), error as Error, { itemIndex }),
		});
		return [returnData];
	}
}
