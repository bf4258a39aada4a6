import type { IDataObject } from 'n8n-workflow';

import { presentFields } from '../../shared/toolMode';
import { hintForCode } from '../protocol/errors';

/**
 * The items a Coze node gives a model when it runs as a tool. The model reads the JSON of every
 * item, so a run gives its output and what to do next, not usage, debug links or log IDs; events
 * and messages stay only when the user turned them on.
 */

/** What a user may ask for in the node's options, kept in the tool's item. */
const ASKED_FOR = ['messages', 'events'];

function workflowRunItem(json: IDataObject): IDataObject {
	const item = presentFields(json, ['status', 'output', 'executeId']);
	// `output` is the answer: null is information (the run returned nothing), unlike the other fields.
	item.output = json.output ?? null;
	const interrupt = json.interrupt as IDataObject | undefined;
	if (interrupt) {
		// What the model needs to ask the user and to answer with Resume.
		item.question = interrupt.question ?? null;
		item.interrupt = presentFields(interrupt, ['eventId', 'type']);
	}
	const error = json.error as IDataObject | null | undefined;
	if (error && typeof error === 'object') {
		item.error = error.message ?? 'The workflow run failed';
		const hint = hintForCode(typeof error.code === 'number' ? error.code : undefined);
		if (hint) item.hint = hint;
	}
	if (json.outputTrimmed === true) item.outputTrimmed = true;
	return { ...item, ...presentFields(json, ASKED_FOR) };
}

function chatItem(json: IDataObject): IDataObject {
	const item = presentFields(json, ['status', 'answer', 'conversationId', 'chatId']);
	item.answer = json.answer ?? '';
	return { ...item, ...presentFields(json, ['question', 'toolCalls', ...ASKED_FOR]) };
}

/** How each operation's item is made compact; the others are small already and stay as they are. */
const COMPACT: Record<string, (json: IDataObject) => IDataObject> = {
	run: workflowRunItem,
	resume: workflowRunItem,
	getRun: workflowRunItem,
	chat: chatItem,
	submitToolOutputs: chatItem,
};

/** An operation's item as a tool gives it to a model. */
export function toolItem(operation: string, json: IDataObject): IDataObject {
	const compact = COMPACT[operation];
	return compact ? compact(json) : json;
}

/** A failed item (continue-on-fail) as a tool gives it: the error, its hint and the IDs to follow up with. */
export function toolErrorItem(json: IDataObject): IDataObject {
	return presentFields(json, ['error', 'hint', 'field', 'executeId', 'conversationId', 'chatId']);
}
