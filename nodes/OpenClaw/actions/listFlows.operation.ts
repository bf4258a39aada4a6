import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { OpenClawInputError } from '../protocol/errors';
import { FLOW_STATUSES } from '../protocol/types';
import { flowJson } from '../shared/results';
import type { OperationContext } from './types';

/** One item per flow, newest first (the plugin has no paging or filters: they apply here). */
export async function listFlows(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const rawLimit = returnAll ? Infinity : this.getNodeParameter('limit', itemIndex, 50);
	const limit = Number(rawLimit);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const statuses = Array.isArray(filters.status) ? (filters.status as string[]) : [];
	if (!returnAll && (!Number.isInteger(limit) || limit < 1)) {
		throw new OpenClawInputError('Limit', `Limit must be a whole number of 1 or more, not ${JSON.stringify(rawLimit)}; or turn on Return All`);
	}
	const unknown = statuses.find((status) => !(FLOW_STATUSES as readonly string[]).includes(status));
	if (unknown !== undefined) throw new OpenClawInputError('Status', `Status must be one of ${FLOW_STATUSES.join(', ')}, not "${String(unknown)}"`);
	const flows = (await client.listFlows()).filter((flow) => statuses.length === 0 || statuses.includes(flow.status));
	return flows.slice(0, limit).map(flowJson);
}
