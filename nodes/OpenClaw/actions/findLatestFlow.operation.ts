import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { maybeFlowJson } from '../n8n/output';
import type { OperationContext } from './types';

/** The operation has no fields of its own. */
export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, _itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	return maybeFlowJson(await client.findLatestFlow());
}
