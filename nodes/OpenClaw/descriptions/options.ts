import type { INodeProperties } from 'n8n-workflow';

import { optionsCollection } from '../../shared/descriptions';

import { REVISED_OPERATIONS } from './operation';

export const optionsProperty: INodeProperties = optionsCollection([
	{
		displayName: 'On Revision Conflict',
		name: 'onRevisionConflict',
		type: 'options',
		options: [
			{
				name: 'Fail',
				value: 'fail',
				description: 'Stop: the flow changed since the revision the node used',
			},
			{
				name: 'Retry With the Current Revision',
				value: 'retry',
				description: 'Apply the change anyway, on the revision the gateway reports (overrides concurrent changes)',
			},
		],
		default: 'fail',
		description: 'What to do when the flow changed since the revision the node used',
		displayOptions: { show: { '/operation': REVISED_OPERATIONS } },
	},
	{
		displayName: 'Max Revision Retries',
		name: 'maxRevisionRetries',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 20 },
		default: 3,
		description: 'How often a conflicting change is retried before the node fails',
		displayOptions: {
			show: { '/operation': REVISED_OPERATIONS, onRevisionConflict: ['retry'] },
		},
	},
	{
		displayName: 'Rate Limit Max Wait (Seconds)',
		name: 'rateLimitMaxWait',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 3600 },
		default: 150,
		description:
			"How long one request may wait for the route's rate limit (120 requests per 60 s) or for a gateway that is restarting (503 with Retry-After) before the node fails",
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 600 },
		default: 30,
		description: "How long to wait for the gateway's answer to one request",
	},
]);
