import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { text } from '../shared/params';
import { maybeFlowJson } from '../shared/results';
import type { OperationContext } from './types';

export async function resolveFlow(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const token = text(this.getNodeParameter('flowOrSessionKey', itemIndex)) ?? '';
	return maybeFlowJson(await client.resolveFlow(token), { token });
}
