import { sleep, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { show, controllerId, createStatus, currentStep, idempotencyKeyField, notifyPolicy, stateJson, waitJson } from '../descriptions/flowFields';
import { OpenClawInputError } from '../protocol/errors';
import { isStateObject, keyList, stateWithKeys, type CreateKeys } from '../protocol/flowKeys';
import { createFlowOnce } from '../protocol/flowOnce';
import { itemKey } from '../n8n/itemKey';
import { collectionFields, idText, text } from '../n8n/params';
import { flowJson } from '../n8n/output';
import { validateAction } from '../protocol/validate';
import type { OperationContext } from './types';

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		displayName: 'Goal',
		name: 'goal',
		type: 'string',
		typeOptions: { rows: 2 },
		required: true,
		default: '',
		placeholder: 'e.g. Review the inbound queue',
		description: 'What the flow is for, in words the agent reads',
		displayOptions: show('createFlow'),
	},
	{ ...createStatus, displayOptions: show('createFlow') },
	{ ...notifyPolicy, displayOptions: show('createFlow') },
	{
		displayName: 'Additional Fields',
		name: 'createFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('createFlow'),
		options: [
			controllerId,
			currentStep,
			stateJson,
			waitJson,
			{
				...idempotencyKeyField,
				description:
					'Creates the flow once per key: an item with a key that created a flow before gets that flow. From node version 1.1 the flow is also found again when n8n runs the same item again (Retry On Fail, or a re-run of the execution after a worker died), key or not.',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, { client, flowIndex }: OperationContext): Promise<IDataObject> {
	const extra = this.getNodeParameter('createFields', itemIndex, {}) as IDataObject;
	const additional = collectionFields(extra, { json: ['stateJson', 'waitJson'], text: ['controllerId', 'currentStep'] });
	const fields = {
		goal: text(this.getNodeParameter('goal', itemIndex)) ?? '',
		status: this.getNodeParameter('status', itemIndex, 'queued') as string,
		notifyPolicy: this.getNodeParameter('notifyPolicy', itemIndex, 'done_only') as string,
		...additional,
	};
	const keys: CreateKeys = { key: idText(extra.idempotencyKey, 'idempotencyKey'), itemKey: itemKey(this, itemIndex) };
	if (keyList(keys).length === 0) return { ...flowJson(await client.createFlow(fields)), created: true };

	validateAction({ action: 'create_flow', ...fields });
	const state = additional.stateJson;
	if (state !== undefined && state !== null && !isStateObject(state)) {
		throw new OpenClawInputError(
			'stateJson',
			(label) => `${label} is not an object: Create Flow keeps its key in the flow's state (n8nItemKey) to find the flow again when the item runs again. Put the value in an object, e.g. {"value": …}.`,
		);
	}
	const once = await createFlowOnce(client, flowIndex, keys, { ...fields, stateJson: stateWithKeys(state ?? undefined, keys) }, async (ms) => await sleep(ms), {
		operation: 'Create Flow',
		key: keys.key ? 'Idempotency Key' : 'key',
	});
	return { ...flowJson(once.flow), created: once.created, ...(once.recovered ? { recoveredAfterLostAnswer: true } : {}) };
}
