import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { mutateFlow } from '../shared/mutation';
import { collectionFields } from '../shared/params';
import type { OperationContext } from './types';

export async function resumeFlow(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const fields = this.getNodeParameter('resumeFields', itemIndex, {}) as IDataObject;
	return await mutateFlow(this, itemIndex, client, 'resume_flow', {
		status: this.getNodeParameter('resumeStatus', itemIndex, 'queued') as string,
		...collectionFields(fields, { json: ['stateJson'], text: ['currentStep'] }),
	});
}
