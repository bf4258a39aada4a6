import { NodeApiError, NodeOperationError, type IDataObject, type INode, type JsonObject } from 'n8n-workflow';

import { redactSecrets } from '../../shared/redact';
import {
	CozeApiError,
	CozeConnectionError,
	CozeError,
	CozeInputError,
	CozeNotRepeatedError,
	CozeStreamEndedError,
	CozeTimeoutError,
	hintForCode,
} from '../protocol/errors';

/** How a Coze failure becomes an n8n error, and the fields a failed item carries with continue-on-fail. */

/** A 401 without a Coze code is the same trouble as 4100. */
function hintFor(error: CozeApiError, host: string): string | undefined {
	const { code, httpStatus, endpoint } = error.details;
	return hintForCode(code ?? (httpStatus === 401 ? 4100 : undefined), { host, endpoint });
}

/** The texts of an error come from responses, which may echo the credential: `secrets` are taken out. */
function redactDetails(details: IDataObject, secrets: readonly string[]): IDataObject {
	return Object.fromEntries(Object.entries(details).map(([key, value]) => [key, typeof value === 'string' ? redactSecrets(value, secrets) : value]));
}

/** The fields a failed item carries with continue-on-fail, and the details of the thrown error. */
export function errorDetails(error: CozeError, host: string, secrets: readonly string[] = []): IDataObject {
	return redactDetails(rawErrorDetails(error, host), secrets);
}

function rawErrorDetails(error: CozeError, host: string): IDataObject {
	if (error instanceof CozeNotRepeatedError) return { ...rawErrorDetails(error.earlier, host), error: error.message };
	const details: IDataObject = { error: error.message };
	if (error instanceof CozeApiError) {
		const d = error.details;
		details.code = d.code ?? null;
		details.httpStatus = d.httpStatus ?? null;
		details.logId = d.logId ?? null;
		details.debugUrl = d.debugUrl ?? null;
		details.executeId = d.executeId ?? null;
		details.hint = hintFor(error, host) ?? null;
	} else if (error instanceof CozeTimeoutError) {
		details.executeId = error.executeId ?? null;
		details.debugUrl = error.debugUrl ?? null;
	} else if (error instanceof CozeInputError) {
		details.field = error.field;
	} else if (error instanceof CozeStreamEndedError && error.chat) {
		details.conversationId = error.chat.conversationId ?? null;
		details.chatId = error.chat.chatId ?? null;
	}
	return details;
}

function describe(error: CozeError, host: string): string {
	if (error instanceof CozeNotRepeatedError) return describe(error.earlier, host);
	const parts: string[] = [];
	if (error instanceof CozeApiError) {
		const d = error.details;
		const hint = hintFor(error, host);
		if (hint) parts.push(hint);
		const facts = [
			d.code !== undefined ? `Coze code ${d.code}` : undefined,
			d.httpStatus !== undefined ? `HTTP ${d.httpStatus}` : undefined,
			d.logId ? `log ID ${d.logId}` : undefined,
			d.executeId ? `execute ID ${d.executeId}` : undefined,
		].filter(Boolean);
		if (facts.length) parts.push(facts.join(', '));
		if (d.debugUrl) parts.push(`Debug URL: ${d.debugUrl}`);
	} else if (error instanceof CozeConnectionError && error.code) {
		parts.push(`Network error code: ${error.code}`);
	} else if (error instanceof CozeStreamEndedError) {
		parts.push(`${error.eventsReceived} ${error.eventsReceived === 1 ? 'event had' : 'events had'} arrived before the stream ended.`);
	} else if (error instanceof CozeTimeoutError && error.debugUrl) {
		parts.push(`Debug URL: ${error.debugUrl}`);
	}
	return parts.join('\n');
}

/** An n8n error for a Coze failure: `NodeApiError` when Coze answered, `NodeOperationError` otherwise. */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	host: string,
	secrets: readonly string[] = [],
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (!(error instanceof CozeError)) {
		return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
	}
	const description = redactSecrets(describe(error, host), secrets) || undefined;
	if (error instanceof CozeApiError) {
		const d = error.details;
		const text = redactSecrets(d.message, secrets);
		const message = d.runFailed
			? `The Coze ${isChatEndpoint(d.endpoint) ? 'chat' : 'workflow'} failed: ${text}`
			: `Coze refused the request${d.code !== undefined ? ` (${d.code})` : ''}: ${text}`;
		return new NodeApiError(node, errorDetails(error, host, secrets) as JsonObject, {
			message,
			description,
			httpCode: d.httpStatus !== undefined ? String(d.httpStatus) : undefined,
			itemIndex,
		});
	}
	return new NodeOperationError(node, redactSecrets(error.message, secrets), { itemIndex, description });
}

/** Whether a failure came from a chat round (`/v3/chat…`, `/v1/workflows/chat`) rather than a workflow run. */
function isChatEndpoint(endpoint: string): boolean {
	return /\/(?:v3\/chat|v1\/workflows\/chat)\b/.test(endpoint);
}

/**
 * A Coze failure as one line for the editor (workflow list, inputs area), which shows a message but no
 * description: the same words and hint as the run error, with the credential's `secrets` taken out.
 */
export function editorErrorText(error: unknown, host: string, secrets: readonly string[]): string {
	return redactSecrets(rawEditorErrorText(error, host), secrets);
}

function rawEditorErrorText(error: unknown, host: string): string {
	if (!(error instanceof CozeError)) return error instanceof Error ? error.message : String(error);
	if (!(error instanceof CozeApiError)) return error.message;
	const d = error.details;
	const hint = hintFor(error, host);
	const message = `Coze refused the request${d.code !== undefined ? ` (${d.code})` : ''}: ${d.message}`;
	return hint ? `${message}. ${hint}` : message;
}

/** Whether Coze said the workflow does not exist or is not published. */
export function isWorkflowNotFound(error: unknown): boolean {
	return (
		error instanceof CozeApiError &&
		(error.details.code === 4200 || error.details.code === 6031 || (error.details.code === undefined && error.details.httpStatus === 404))
	);
}

/** Operations that start a workflow run or a chat round, and what running one again would do. */
const STARTS: Record<string, string | undefined> = {
	// The error's own words: a run that may exist.
	run: undefined,
	resume: undefined,
	chat: 'may have sent the message to Coze, so running it again could send it twice. Check the conversation in Coze before running the item again',
	submitToolOutputs:
		'may have sent the tool outputs to Coze, so running it again could send them twice. Check the chat in Coze before running the item again',
};
/** Operations that store something in Coze, and what running one again would do. */
const STORES: Record<string, string> = {
	uploadFile: 'may have stored the file in Coze, so running it again could store it twice',
	createConversation: 'may have created the conversation in Coze, so running it again could create a second one',
};

/**
 * For n8n's Retry On Fail: whether a failed item may have done what running it again would do
 * twice. A run or chat whose outcome is open would run the workflow or send the message twice; an
 * upload or a conversation that may have reached Coze would be stored twice.
 */
export function mayHaveActed(operation: string, error: unknown): boolean {
	if (operation in STORES) return (error instanceof CozeConnectionError && error.mayHaveReachedServer) || error instanceof CozeTimeoutError;
	return operation in STARTS && error instanceof CozeError && error.runMayExist;
}

/** The failure of an item that Retry On Fail does not run again. */
export function notRepeated(operation: string, error: unknown): unknown {
	if (!(error instanceof CozeError)) return error;
	return new CozeNotRepeatedError(error, STORES[operation] ?? STARTS[operation]);
}
