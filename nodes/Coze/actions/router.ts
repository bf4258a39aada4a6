import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import type { CozeConnection } from '../n8n/connection';
import { parkIfPending } from '../n8n/callbackWait';
import { InputSchemas } from '../n8n/inputSchemas';
import { runCozeItems } from '../n8n/items';
import * as chat from './chat.operation';
import * as getRun from './getRun.operation';
import * as resume from './resume.operation';
import * as run from './run.operation';
import * as uploadFile from './uploadFile.operation';

type Execute = (this: IExecuteFunctions, itemIndex: number, connection: CozeConnection, schemas: InputSchemas) => Promise<IDataObject>;

/** The operations of the Coze Workflow node: each module holds its fields and its `execute`. */
export const operations: Record<string, { description: typeof run.description; execute: Execute }> = { run, chat, resume, getRun, uploadFile };

/** Runs the chosen operation for every item. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[operation]?.execute;
	const schemas = new InputSchemas();
	const output = await runCozeItems(this, operation, async (itemIndex, connection) => {
		if (!handler) throw new NodeOperationError(this.getNode(), `Operation "${operation}" is not one of Run, Chat, Resume, Get Run or Upload File`, { itemIndex });
		return await handler.call(this, itemIndex, connection, schemas);
	});
	// Runs that wait for their callback (Run, Async) park the execution once all items have started.
	await parkIfPending(this, output[0]);
	return output;
}
