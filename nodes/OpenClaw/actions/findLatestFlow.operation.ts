import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { maybeFlowJson } from '../shared/results';
import type { OperationContext } from './types';

export async function findLatestFlow(this: IExecuteFunctions, _itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	return maybeFlowJson(await client.findLatestFlow());
}
