import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { flowIdParam } from '../n8n/params';
import { maybeFlowJson } from '../n8n/output';
import type { OperationContext } from './types';

/** The operation has no fields of its own. */
export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const flowId = flowIdParam(this, itemIndex);
	return maybeFlowJson(await client.getFlow(flowId), { flowId });
}
