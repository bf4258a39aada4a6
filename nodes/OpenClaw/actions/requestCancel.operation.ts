import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { mutateFlow } from '../n8n/mutation';
import type { OperationContext } from './types';

/** The operation has no fields of its own. */
export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	return await mutateFlow(this, itemIndex, client, 'request_cancel', {});
}
