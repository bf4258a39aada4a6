import { NodeApiError, NodeOperationError, type IDataObject, type INode, type JsonObject } from 'n8n-workflow';

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
	const { code, httpStatus } = error.details;
	return hintForCode(code ?? (httpStatus === 401 ? 4100 : undefined), { host });
}

/** The fields a failed item carries with continue-on-fail, and the details of the thrown error. */
export function errorDetails(error: CozeError, host: string): IDataObject {
	if (error instanceof CozeNotRepeatedError) return { ...errorDetails(error.earlier, host), error: error.message };
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
		parts.push(`${error.eventsReceived} events had arrived before the stream ended.`);
	} else if (error instanceof CozeTimeoutError && error.debugUrl) {
		parts.push(`Debug URL: ${error.debugUrl}`);
	}
	return parts.join('\n');
}

/** An n8n error for a Coze failure: `NodeApiError` when Coze answered, `NodeOperationError` otherwise. */
export function toNodeError(node: INode, error: unknown, itemIndex: number, host: string): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (!(error instanceof CozeError)) {
		return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
	}
	const description = describe(error, host) || undefined;
	if (error instanceof CozeApiError) {
		const d = error.details;
		const message = d.runFailed
			? `The Coze workflow failed: ${d.message}`
			: `Coze refused the request${d.code !== undefined ? ` (${d.code})` : ''}: ${d.message}`;
		return new NodeApiError(node, errorDetails(error, host) as JsonObject, {
			message,
			description,
			httpCode: d.httpStatus !== undefined ? String(d.httpStatus) : undefined,
			itemIndex,
		});
	}
	return new NodeOperationError(node, error.message, { itemIndex, description });
}

/**
 * For n8n's Retry On Fail: whether a failed item may have done what running it again would do
 * twice. A run or resume whose run may exist with an open outcome would run the workflow twice; an
 * upload that may have reached Coze would store the file twice.
 */
export function mayHaveActed(operation: string, error: unknown): boolean {
	if (operation === 'uploadFile') return (error instanceof CozeConnectionError && error.mayHaveReachedServer) || error instanceof CozeTimeoutError;
	return (operation === 'run' || operation === 'resume') && error instanceof CozeError && error.runMayExist;
}

/** The failure of an item that Retry On Fail does not run again. */
export function notRepeated(operation: string, error: unknown): unknown {
	if (!(error instanceof CozeError)) return error;
	return operation === 'uploadFile'
		? new CozeNotRepeatedError(error, 'may have stored the file in Coze, so running it again could store it twice')
		: new CozeNotRepeatedError(error);
}
