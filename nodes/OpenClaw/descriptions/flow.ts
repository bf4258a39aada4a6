import type { INodeProperties } from 'n8n-workflow';

import { FLOW_OPERATIONS, REVISED_OPERATIONS } from './operation';

export const flowIdProperty: INodeProperties = {
	displayName: 'Flow',
	name: 'flowId',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: '' },
	description: 'The TaskFlow; a route sees only the flows of its own session',
	displayOptions: { show: { operation: FLOW_OPERATIONS } },
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchFlows', searchable: true, searchFilterRequired: false },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 7afdcf98-f58a-46cd-848c-845233772f87',
			// No regex `validation`: n8n 2.x re-runs it before every execution in a vm with a watchdog thread.
			// The node checks the ID when it runs (shared/params.ts).
		},
	],
};

export const revisionProperties: INodeProperties[] = [
	{
		displayName: 'Revision',
		name: 'revision',
		type: 'options',
		options: [
			{
				name: 'Use the Current Revision',
				value: 'current',
				description: 'Read the flow first and change it at the revision it has now',
			},
			{
				name: 'Expected Revision',
				value: 'expected',
				description: 'Change the flow only if it is still at this revision (safe against concurrent changes)',
			},
		],
		default: 'current',
		description: 'Every change of a flow names the revision it applies to; the gateway refuses it if the flow has changed since',
		displayOptions: { show: { operation: REVISED_OPERATIONS } },
	},
	{
		displayName: 'Expected Revision',
		name: 'expectedRevision',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 0 },
		default: 0,
		description: 'The revision the flow must have, e.g. the revision an earlier step of this workflow output. A new flow is at revision 0.',
		displayOptions: { show: { operation: REVISED_OPERATIONS, revision: ['expected'] } },
	},
];
