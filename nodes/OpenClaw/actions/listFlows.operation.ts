import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { flowJson } from '../shared/results';
import type { OperationContext } from './types';

/** One item per flow, newest first (the plugin has no paging or filters: they apply here). */
export async function listFlows(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const statuses = Array.isArray(filters.status) ? (filters.status as string[]) : [];
	const flows = (await client.listFlows()).filter((flow) => statuses.length === 0 || statuses.includes(flow.status));
	return flows.slice(0, limit).map(flowJson);
}
