import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { show, controllerId, createStatus, currentStep, notifyPolicy, stateJson, waitJson } from '../descriptions/flowFields';
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
	{ ...createStatus, displayOptions: show('createFlow') },
	{ ...notifyPolicy, displayOptions: show('createFlow') },
	{
		displayName: 'Additional Fields',
		name: 'createFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('createFlow'),
		options: [
			controllerId,
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
