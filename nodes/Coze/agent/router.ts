import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { CozeConnection } from '../n8n/connection';
import { runCozeItems } from '../n8n/items';
import * as chat from './chat.operation';
import * as clearContext from './clearContext.operation';
import * as createConversation from './createConversation.operation';
import * as listMessages from './listMessages.operation';
import * as submitToolOutputs from './submitToolOutputs.operation';

type Execute = (this: IExecuteFunctions, itemIndex: number, connection: CozeConnection) => Promise<IDataObject>;

/** The operations of the Coze Agent node: each module holds its fields and its `execute`. */
export const operations: Record<string, { description: INodeProperties[]; execute: Execute }> = {
	chat,
	submitToolOutputs,
	createConversation,
	listMessages,
	clearContext,
};

/** Runs the chosen operation for every item. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[operation]?.execute;
	return await runCozeItems(this, operation, async (itemIndex, connection) => {
		if (!handler) {
			throw new NodeOperationError(this.getNode(), `Operation "${operation}" is not one of Chat, Submit Tool Outputs, Create Conversation, List Messages or Clear Context`, {
				itemIndex,
			});
		}
		return await handler.call(this, itemIndex, connection);
	});
}
