import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { mutateFlow } from '../shared/mutation';
import { collectionFields } from '../shared/params';
import type { OperationContext } from './types';

export async function setWaiting(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const fields = this.getNodeParameter('waitingFields', itemIndex, {}) as IDataObject;
	return await mutateFlow(
		this,
		itemIndex,
		client,
		'set_waiting',
		collectionFields(fields, { json: ['stateJson', 'waitJson'], text: ['currentStep', 'blockedTaskId', 'blockedSummary'] }),
	);
}
