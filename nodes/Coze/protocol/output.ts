import { decodeNestedJson, isPlainObject, setOwn, tryParseJson } from './json';

/**
 * Decoding what a workflow returns.
 *
 * The End node either returns variables (a JSON object serialised into a string) or, in "return
 * text" mode, answer text. Sync runs and run histories wrap that text as
 * `{"content_type":1,"data":"<text>","original_result":null,"type_for_model":2}`, and run histories
 * add one more layer: `{"node_status":"{}","Output":"<End output>"}`.
 */

function isAnswerTextWrapper(value: Record<string, unknown>): boolean {
	return 'content_type' in value && 'data' in value && ('type_for_model' in value || 'original_result' in value);
}

/**
 * The End node's result from its raw text: the object of its variables (nested JSON strings decoded
 * when `parse` is on), or the answer text. With `parse` off, or when the text is known to be answer
 * text (`isText`), it is returned as Coze sent it.
 */
export function decodeEndOutput(raw: string | undefined, parse: boolean, isText = false): unknown {
	if (raw === undefined) return null;
	if (!parse || isText) return raw;
	const parsed = tryParseJson(raw);
	if (!isPlainObject(parsed)) return raw;
	if (isAnswerTextWrapper(parsed)) return typeof parsed.data === 'string' ? parsed.data : decodeNestedJson(parsed.data);
	return decodeNestedJson(parsed);
}

export interface HistoryOutput {
	/** The End node's raw output text (still JSON-encoded). */
	endOutput: string | undefined;
	/** Other keys Coze put beside `Output`: output (Message) nodes by title. */
	nodeOutputs: Record<string, string>;
}

/** Splits a run history's `output` string into the End output and the output nodes' texts. */
export function splitHistoryOutput(output: string): HistoryOutput {
	const parsed = tryParseJson(output);
	if (!isPlainObject(parsed)) return { endOutput: output === '' ? undefined : output, nodeOutputs: {} };
	const nodeOutputs: Record<string, string> = {};
	let endOutput: string | undefined;
	for (const [key, value] of Object.entries(parsed)) {
		const text = typeof value === 'string' ? value : JSON.stringify(value);
		if (key === 'Output') endOutput = text;
		else if (key !== 'node_status') setOwn(nodeOutputs, key, text);
	}
	return { endOutput: endOutput === '' ? undefined : endOutput, nodeOutputs };
}
