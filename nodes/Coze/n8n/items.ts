import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { runItems } from '../../shared/itemRunner';
import { settleNow } from '../../shared/settle';
import { isToolMode, withHintInMessage } from '../../shared/toolMode';
import { CozeError } from '../protocol/errors';
import { createCozeClient, type CozeAuthentication, type CozeConnection } from './connection';
import { errorDetails, mayHaveActed, notRepeated, toNodeError } from './errors';
import { readConcurrency } from './params';
import { toolErrorItem, toolItem } from './toolOutput';

/** One operation's work for one item, with the clients of the node's credential. */
export type CozeItemWork = (itemIndex: number, connection: CozeConnection) => Promise<IDataObject | IDataObject[]>;

/**
 * Runs `operation` for every item of a Coze node: one connection for all items (the credential, a
 * renewed JWT token and the request rate are shared), Coze failures mapped to n8n errors with the
 * credential's secrets taken out, and n8n's Retry On Fail kept from repeating what may have acted.
 */
export async function runCozeItems(context: IExecuteFunctions, operation: string, work: CozeItemWork): Promise<INodeExecutionData[][]> {
	const authentication = context.getNodeParameter('authentication', 0, 'accessToken') as CozeAuthentication;
	const settings = settleNow(() => readConcurrency(context));
	if (settings instanceof Error) throw new NodeOperationError(context.getNode(), settings.message, { description: 'Check the node\'s Options.' });
	const { concurrency, requestsPerSecond } = settings;
	let connection: Promise<CozeConnection> | undefined;
	// The Coze host for error hints, once the credential was read.
	let host = 'Coze';
	// The credential's secrets, kept out of error texts that echo a response.
	let secrets: string[] = [];
	const connect = async () => {
		connection ??= createCozeClient(context, authentication, { requestsPerSecond }).then((made) => {
			host = made.endpoint.host;
			secrets = made.secrets;
			return made;
		});
		return await connection;
	};
	// As a tool, items are built for a model: compact, and errors with their hint in the message.
	const asTool = isToolMode(context);
	const errorJson = (error: unknown, itemIndex: number): IDataObject =>
		error instanceof CozeError ? errorDetails(error, host, secrets) : { error: toNodeError(context.getNode(), error, itemIndex, host, secrets).message };
	const returnData = await runItems(context, {
		concurrency,
		perItem: async (itemIndex) => {
			const output = await work(itemIndex, await connect());
			if (!asTool) return output;
			return Array.isArray(output) ? output.map((json) => toolItem(operation, json)) : toolItem(operation, output);
		},
		errorJson: (error, itemIndex) => (asTool ? toolErrorItem(errorJson(error, itemIndex)) : errorJson(error, itemIndex)),
		toNodeError: (error, itemIndex) => {
			const nodeError = toNodeError(context.getNode(), error, itemIndex, host, secrets);
			if (!asTool || !(error instanceof CozeError)) return nodeError;
			return withHintInMessage(nodeError, errorDetails(error, host, secrets).hint as string | null);
		},
		retries: { mayHaveActed: (error) => mayHaveActed(operation, error), notRepeated: (error) => notRepeated(operation, error) },
	});
	return [returnData];
}
