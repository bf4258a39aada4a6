import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { flowIdParam } from '../n8n/params';
import { flowJson } from '../n8n/output';
import type { OperationContext } from './types';

/** The operation has no fields of its own. */
export const description: INodeProperties[] = [];

/** A 202 `cancel_pending` is a result, not an error: the flow is cancelled once its child tasks settle. */
export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const flowId = flowIdParam(this, itemIndex);
	const result = await client.cancelFlow(flowId);
	return {
		...(result.flow ? flowJson(result.flow) : { flowId }),
		cancelled: result.cancelled,
		cancelPending: result.cancelPending,
		...(result.reason ? { reason: result.reason } : {}),
		tasks: result.tasks as unknown as IDataObject[],
	};
}
