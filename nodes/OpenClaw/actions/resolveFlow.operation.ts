import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { show } from '../descriptions/flowFields';
import { text } from '../n8n/params';
import { maybeFlowJson } from '../n8n/output';
import type { OperationContext } from './types';

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		displayName: 'Flow ID or Session Key',
		name: 'flowOrSessionKey',
		type: 'string',
		required: true,
		default: '',
		description: 'A flow ID, or the route\'s session key (then the active flow of the session, else its newest)',
		displayOptions: show('resolveFlow'),
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const token = text(this.getNodeParameter('flowOrSessionKey', itemIndex)) ?? '';
	return maybeFlowJson(await client.resolveFlow(token), { token });
}
