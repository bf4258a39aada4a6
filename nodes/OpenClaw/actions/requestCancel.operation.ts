import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { mutateFlow } from '../shared/mutation';
import type { OperationContext } from './types';

export async function requestCancel(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	return await mutateFlow(this, itemIndex, client, 'request_cancel', {});
}
