import { sleep, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { handOff as handOffResult, requireIdempotencyKey, type HandOffRequest } from '../protocol/handOff';
import type { JsonValue } from '../protocol/types';
import { jsonValue, text } from '../shared/params';
import { flowJson } from '../shared/results';
import type { OperationContext } from './types';

/** Turns the item into a flow once per idempotency key; see protocol/handOff.ts. */
export async function handOff(this: IExecuteFunctions, itemIndex: number, { client, handOffIndex }: OperationContext): Promise<IDataObject> {
	const param = (name: string, fallback: unknown = '') => this.getNodeParameter(name, itemIndex, fallback);
	const fields = param('handOffFields', {}) as IDataObject;
	const key = requireIdempotencyKey(text(param('idempotencyKey')) ?? '');
	const state: Record<string, JsonValue> = {
		// A Coze result may be plain text: a string that is not JSON is kept as it is.
		result: jsonValue(param('result', null), 'result', { textAllowed: true }) ?? null,
		executeId: text(param('executeId')) ?? null,
		debugUrl: text(param('debugUrl')) ?? null,
	};
	const addTask = param('addTask', false) === true;
	const thenWait = param('thenWait', false) === true;
	const request: HandOffRequest = {
		key,
		goal: text(param('goal')) ?? '',
		state,
		controllerId: text(fields.controllerId),
		currentStep: text(fields.currentStep),
		notifyPolicy: text(fields.notifyPolicy) as 'done_only' | undefined,
		status: text(fields.status) as 'queued' | undefined,
		task: addTask
			? { runtime: param('taskRuntime', 'subagent') as 'subagent', task: text(param('taskText')) ?? '', label: text(param('taskLabel')) }
			: undefined,
		wait: thenWait ? { waitJson: jsonValue(param('waitJson', '{}'), 'waitJson') ?? null, currentStep: text(param('waitStep')) } : undefined,
	};
	const result = await handOffResult(client, handOffIndex, request, async (ms) => await sleep(ms));
	return {
		...flowJson(result.flow),
		idempotencyKey: key,
		created: result.created,
		...(result.recovered ? { recoveredAfterLostAnswer: true } : {}),
		...(result.task ? { task: result.task as unknown as IDataObject } : {}),
		...(result.taskExisted ? { taskExisted: true } : {}),
	};
}
