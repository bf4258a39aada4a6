import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { mutateFlow } from '../shared/mutation';
import { collectionFields } from '../shared/params';
import type { OperationContext } from './types';

export async function finishFlow(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const fields = this.getNodeParameter('finishFields', itemIndex, {}) as IDataObject;
	return await mutateFlow(this, itemIndex, client, 'finish_flow', collectionFields(fields, { json: ['stateJson'] }));
}
