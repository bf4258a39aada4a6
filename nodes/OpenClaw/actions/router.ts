import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { runItems } from '../../shared/itemRunner';
import { isToolMode, withHintInMessage } from '../../shared/toolMode';
import { OpenClawError } from '../protocol/errors';
import { FlowKeyIndex } from '../protocol/flowOnce';
import { createTaskFlowClient } from '../n8n/connection';
import { clientSettings } from '../n8n/params';
import { errorJson, toNodeError } from '../n8n/errors';
import { toolErrorItem, toolItem } from '../n8n/toolOutput';
import * as cancelFlow from './cancelFlow.operation';
import * as createFlow from './createFlow.operation';
import * as failFlow from './failFlow.operation';
import * as findLatestFlow from './findLatestFlow.operation';
import * as finishFlow from './finishFlow.operation';
import * as getFlow from './getFlow.operation';
import * as getTaskSummary from './getTaskSummary.operation';
import * as handOff from './handOff.operation';
import * as listFlows from './listFlows.operation';
import * as requestCancel from './requestCancel.operation';
import * as resolveFlow from './resolveFlow.operation';
import * as resumeFlow from './resumeFlow.operation';
import * as runTask from './runTask.operation';
import * as setWaiting from './setWaiting.operation';
import type { Operation, OperationContext } from './types';

/**
 * The operations of the OpenClaw TaskFlow node: each module holds its fields and its `execute`.
 * The order is the order of their fields in the node's description.
 */
export const operations: Record<string, { description: INodeProperties[]; execute: Operation }> = {
	createFlow,
	resolveFlow,
	listFlows,
	setWaiting,
	resumeFlow,
	finishFlow,
	failFlow,
	runTask,
	handOff,
	getFlow,
	findLatestFlow,
	getTaskSummary,
	requestCancel,
	cancelFlow,
};

/** Runs the chosen operation for every item. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[operation]?.execute;
	// One client and one idempotency index for all items: they share the route's rate budget,
	// and a hand-off of item 2 sees the flow item 1 created.
	let context: OperationContext | undefined;
	// As a tool, items are built for a model: compact, and errors with their hint in the message.
	const asTool = isToolMode(this);
	const returnData = await runItems(this, {
		perItem: async (itemIndex) => {
			if (!handler) throw new NodeOperationError(this.getNode(), `Operation "${operation}" is not known`, { itemIndex });
			if (!context) {
				const client = await createTaskFlowClient(this, clientSettings(this, itemIndex));
				context = { client, flowIndex: new FlowKeyIndex(client) };
			}
			const output = await handler.call(this, itemIndex, context);
			if (!asTool) return output;
			return Array.isArray(output) ? output.map(toolItem) : toolItem(output);
		},
		errorJson: (error) => {
			const json = error instanceof OpenClawError ? errorJson(error) : { error: (error as Error).message };
			return asTool ? toolErrorItem(json) : json;
		},
		toNodeError: (error, itemIndex) => {
			if (!(error instanceof OpenClawError)) return new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			const nodeError = toNodeError(this.getNode(), error, itemIndex);
			// Facts such as the HTTP status mean little to a model; what to do about the failure does.
			return asTool && nodeError instanceof NodeOperationError ? withHintInMessage(nodeError, nodeError.description) : nodeError;
		},
	});
	return [returnData];
}
