import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { show, statusOptions } from '../descriptions/flowFields';
import { OpenClawInputError } from '../protocol/errors';
import { FLOW_STATUSES } from '../protocol/types';
import { flowJson } from '../n8n/output';
import type { OperationContext } from './types';

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: show('listFlows'),
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { operation: ['listFlows'], returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: show('listFlows'),
		options: [
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				options: statusOptions(FLOW_STATUSES),
				default: [],
				description: 'Only flows with one of these statuses',
			},
		],
	},
];

/** One item per flow, newest first (the plugin has no paging or filters: they apply here). */
export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject[]> {
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
