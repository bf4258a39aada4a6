import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { show, NOTIFY_POLICY_OPTIONS, CREATE_STATUS_OPTIONS, currentStep, stateJson, waitJson } from '../descriptions/flowFields';
import { collectionFields, text } from '../n8n/params';
import { flowJson } from '../n8n/output';
import type { OperationContext } from './types';

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		displayName: 'Goal',
		name: 'goal',
		type: 'string',
		typeOptions: { rows: 2 },
		required: true,
		default: '',
		placeholder: 'e.g. Review the inbound queue',
		description: 'What the flow is for, in words the agent reads',
		displayOptions: show('createFlow'),
	},
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		options: CREATE_STATUS_OPTIONS,
		default: 'queued',
		description: 'The status the new flow starts in',
		displayOptions: show('createFlow'),
	},
	{
		displayName: 'Notify Policy',
		name: 'notifyPolicy',
		type: 'options',
		options: NOTIFY_POLICY_OPTIONS,
		default: 'done_only',
		description: 'When the agent session hears about the flow',
		displayOptions: show('createFlow'),
	},
	{
		displayName: 'Additional Fields',
		name: 'createFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('createFlow'),
		options: [
			{
				displayName: 'Controller ID',
				name: 'controllerId',
				type: 'string',
				default: '',
				description: 'Who drives the flow; the route\'s controller ID (webhooks/&lt;routeId&gt;) if empty',
			},
			currentStep,
			stateJson,
			waitJson,
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const extra = this.getNodeParameter('createFields', itemIndex, {}) as IDataObject;
	const flow = await client.createFlow({
		goal: text(this.getNodeParameter('goal', itemIndex)) ?? '',
		status: this.getNodeParameter('status', itemIndex, 'queued') as string,
		notifyPolicy: this.getNodeParameter('notifyPolicy', itemIndex, 'done_only') as string,
		...collectionFields(extra, { json: ['stateJson', 'waitJson'], text: ['controllerId', 'currentStep'] }),
	});
	return { ...flowJson(flow), created: true };
}
