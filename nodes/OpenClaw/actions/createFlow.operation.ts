import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { collectionFields, text } from '../shared/params';
import { flowJson } from '../shared/results';
import type { OperationContext } from './types';

export async function createFlow(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const extra = this.getNodeParameter('createFields', itemIndex, {}) as IDataObject;
	const flow = await client.createFlow({
		goal: text(this.getNodeParameter('goal', itemIndex)) ?? '',
		status: this.getNodeParameter('status', itemIndex, 'queued') as string,
		notifyPolicy: this.getNodeParameter('notifyPolicy', itemIndex, 'done_only') as string,
		...collectionFields(extra, { json: ['stateJson', 'waitJson'], text: ['controllerId', 'currentStep'] }),
	});
	return { ...flowJson(flow), created: true };
}
