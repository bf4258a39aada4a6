import { sleep, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { OpenClawInputError } from '../protocol/errors';
import { biggestField } from '../protocol/fields';
import { handOff as handOffResult, requireIdempotencyKey, type HandOffRequest } from '../protocol/handOff';
import type { JsonValue } from '../protocol/types';
import { jsonValue, text } from '../shared/params';
import { flowJson } from '../shared/results';
import type { OperationContext } from './types';

const STATE_LABELS: Record<string, string> = { result: 'Result', executeId: 'Execute ID', debugUrl: 'Debug URL' };

/**
 * The size check names the plugin's field, State (JSON); a Hand Off user filled in Result, Execute
 * ID and Debug URL, which it is made of: name the biggest of those instead.
 */
function inHandOffTerms(error: Error, state: Record<string, JsonValue>): Error {
	const stateLabel = 'State (JSON)';
	if (!(error instanceof OpenClawInputError) || error.field !== stateLabel) return error;
	const biggest = biggestField(state);
	const label = (biggest && STATE_LABELS[biggest]) || 'Result';
	return new OpenClawInputError(label, error.message.replace(stateLabel, label));
}

/** Turns the item into a flow once per idempotency key; see protocol/handOff.ts. */
export async function handOff(this: IExecuteFunctions, itemIndex: number, { client, handOffIndex }: OperationContext): Promise<IDataObject> {
	const param = (name: string, fallback: unknown = '') => this.getNodeParameter(name, itemIndex, fallback);
	const fields = param('handOffFields', {}) as IDataObject;
	const key = requireIdempotencyKey(text(param('idempotencyKey')) ?? '');
	const state: Record<string, JsonValue> = {
		// A Coze result may be plain text: a string that is not JSON is kept as it is.
		result: jsonValue(param('result', null), 'Result', { textAllowed: true }) ?? null,
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
		wait: thenWait ? { waitJson: jsonValue(param('waitJson', '{}'), 'Wait (JSON)') ?? null, currentStep: text(param('waitStep')) } : undefined,
	};
	const result = await handOffResult(client, handOffIndex, request, async (ms) => await sleep(ms)).catch(
		async (error: Error) => await Promise.reject(inHandOffTerms(error, state)),
	);
	return {
		...flowJson(result.flow),
		idempotencyKey: key,
		created: result.created,
		...(result.recovered ? { recoveredAfterLostAnswer: true } : {}),
		...(result.task ? { task: result.task as unknown as IDataObject } : {}),
		...(result.taskExisted ? { taskExisted: true } : {}),
	};
}
