import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { flowIdParam } from '../shared/params';
import type { OperationContext } from './types';

export async function getTaskSummary(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const flowId = flowIdParam(this, itemIndex);
	const summary = await client.getTaskSummary(flowId);
	return summary ? { found: true, flowId, ...(summary as unknown as IDataObject) } : { found: false, flowId };
}
