import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { flowIdParam } from '../shared/params';
import { maybeFlowJson } from '../shared/results';
import type { OperationContext } from './types';

export async function getFlow(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const flowId = flowIdParam(this, itemIndex);
	return maybeFlowJson(await client.getFlow(flowId), { flowId });
}
