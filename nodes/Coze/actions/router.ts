import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { runItems } from '../../shared/itemRunner';
import { settleNow } from '../../shared/settle';
import type { CozeWorkflowClient } from '../protocol/client';
import { CozeError } from '../protocol/errors';
import { createCozeClient, type CozeAuthentication } from '../n8n/connection';
import { errorDetails, mayHaveActed, notRepeated, toNodeError } from '../n8n/errors';
import type { SchemaCache } from '../n8n/inputValues';
import { readConcurrency } from '../n8n/params';
import * as getRun from './getRun.operation';
import * as resume from './resume.operation';
import * as run from './run.operation';
import * as uploadFile from './uploadFile.operation';

type Execute = (this: IExecuteFunctions, itemIndex: number, client: CozeWorkflowClient, schemas: SchemaCache) => Promise<IDataObject>;

/** The operations of the Coze Workflow node: each module holds its fields and its `execute`. */
export const operations: Record<string, { description: typeof run.description; execute: Execute }> = { run, resume, getRun, uploadFile };

/** Runs the chosen operation for every item. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[operation]?.execute;
	const authentication = this.getNodeParameter('authentication', 0, 'accessToken') as CozeAuthentication;
	const schemas: SchemaCache = new Map();
	const settings = settleNow(() => readConcurrency(this));
	if (settings instanceof Error) throw new NodeOperationError(this.getNode(), settings.message, { description: 'Check the node\'s Options.' });
	const { concurrency, requestsPerSecond } = settings;
	// One client for all items: the credential (and a renewed JWT token) and the request rate are shared.
	let connection: Promise<CozeWorkflowClient> | undefined;
	// The Coze host for error hints, once the credential was read.
	let host = 'Coze';
	// The credential's secrets, kept out of error texts that echo a response.
	let secrets: string[] = [];
	const connect = async () => {
		connection ??= createCozeClient(this, authentication, { requestsPerSecond }).then((made) => {
			host = made.endpoint.host;
			secrets = made.secrets;
			return made.client;
		});
		return await connection;
	};
	const returnData = await runItems(this, {
		concurrency,
		perItem: async (itemIndex) => {
			if (!handler) throw new NodeOperationError(this.getNode(), `Operation "${operation}" is not one of Run, Resume, Get Run or Upload File`, { itemIndex });
			return await handler.call(this, itemIndex, await connect(), schemas);
		},
		errorJson: (error, itemIndex) =>
			error instanceof CozeError ? errorDetails(error, host, secrets) : { error: toNodeError(this.getNode(), error, itemIndex, host, secrets).message },
		toNodeError: (error, itemIndex) => toNodeError(this.getNode(), error, itemIndex, host, secrets),
		retries: { mayHaveActed: (error) => mayHaveActed(operation, error), notRepeated: (error) => notRepeated(operation, error) },
	});
	return [returnData];
}
