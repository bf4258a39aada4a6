import type { IDataObject } from 'n8n-workflow';

import { presentFields } from '../../shared/toolMode';

/**
 * The items the OpenClaw TaskFlow node gives a model when it runs as a tool. The model reads the
 * JSON of every item, so a flow gives the IDs and the state a model acts on, not its stored state
 * and wait JSON (a Coze run's whole result, for a hand-off), timestamps or sync settings.
 */

const FLOW_FIELDS = ['found', 'flowId', 'status', 'revision', 'created', 'goal', 'currentStep', 'blockedSummary', 'idempotencyKey'];
const FLAGS = ['taskExisted', 'recoveredAfterLostAnswer'];
const TASK_FIELDS = ['taskId', 'status', 'runtime', 'label'];

function flowItem(json: IDataObject): IDataObject {
	const item = { ...presentFields(json, FLOW_FIELDS), ...presentFields(json, FLAGS) };
	if (json.task && typeof json.task === 'object') item.task = presentFields(json.task as IDataObject, TASK_FIELDS);
	return item;
}

/** An operation's item as a tool gives it: flows and tasks compact, other items (counts, tokens) as they are. */
export function toolItem(json: IDataObject): IDataObject {
	// Add Child Task gives the task with its flow under `flow`.
	if (typeof json.taskId === 'string' && json.flow && typeof json.flow === 'object') {
		return { ...presentFields(json, TASK_FIELDS), flow: flowItem(json.flow as IDataObject) };
	}
	return typeof json.flowId === 'string' && 'status' in json ? flowItem(json) : json;
}

/** A failed item (continue-on-fail) as a tool gives it: what went wrong and what the model can do about it. */
export function toolErrorItem(json: IDataObject): IDataObject {
	return presentFields(json, ['error', 'hint', 'field', 'code', 'currentRevision', 'outcomeUnknown']);
}
