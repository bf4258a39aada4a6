import { CozeApiError, MODEL_ERROR_CODES } from './errors';
import { executeIdFromDebugUrl } from './ids';
import { idString, isPlainObject, parseJson } from './json';
import type { CozeEnvelope } from './types';

/** Reading the JSON envelope that Coze's non-stream endpoints answer with: `{ code, msg, data, detail: { logid } }`. */

export function parseEnvelope(text: string): CozeEnvelope | undefined {
	if (text.trim() === '') return undefined;
	try {
		const parsed = parseJson(text);
		return isPlainObject(parsed) ? (parsed as CozeEnvelope) : undefined;
	} catch {
		return undefined;
	}
}

export function detailLogId(envelope: CozeEnvelope): string | undefined {
	return isPlainObject(envelope.detail) && typeof envelope.detail.logid === 'string' ? envelope.detail.logid : undefined;
}

export function stringField(object: Record<string, unknown>, key: string): string | undefined {
	const value = object[key];
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The run an envelope speaks of: its `execute_id`, else the one in its debug URL. */
export function executeIdOf(envelope: CozeEnvelope): string | undefined {
	return idString(envelope.execute_id) ?? executeIdFromDebugUrl(stringField(envelope, 'debug_url'));
}

/**
 * Turns a response that is a failure into the error to throw: from its envelope when it has one,
 * else from what the body is (empty, a gateway's HTML page, not JSON). `startsRun`: the request may
 * start a run, so a model's error (which only a running workflow meets) is a failure of that run.
 */
export function apiErrorFromBody(
	text: string,
	status: number,
	headerLogId: string | undefined,
	endpoint: string,
	contentType: string,
	envelope = parseEnvelope(text),
	startsRun = false,
): CozeApiError {
	if (envelope) {
		const code = typeof envelope.code === 'number' ? envelope.code : undefined;
		const oauthCode = typeof envelope.error_code === 'string' ? envelope.error_code : undefined;
		const message =
			(typeof envelope.msg === 'string' && envelope.msg) ||
			(typeof envelope.error_message === 'string' && envelope.error_message) ||
			(oauthCode ? `OAuth error ${oauthCode}` : `Coze answered HTTP ${status}`);
		return new CozeApiError({
			code,
			message,
			httpStatus: status,
			logId: headerLogId ?? detailLogId(envelope),
			debugUrl: stringField(envelope, 'debug_url'),
			executeId: executeIdOf(envelope),
			endpoint,
			runFailed: startsRun && code !== undefined && MODEL_ERROR_CODES.has(code),
		});
	}
	const trimmed = text.trim();
	let message: string;
	if (trimmed === '') message = `Coze answered HTTP ${status} with an empty body`;
	else if (/^</.test(trimmed) || contentType.includes('html')) {
		const title = /<title>([^<]{0,120})<\/title>/i.exec(trimmed)?.[1]?.trim();
		message = `Coze answered HTTP ${status} with an HTML page${title ? ` ("${title}")` : ''}, usually a gateway or proxy error`;
	} else message = `Coze answered HTTP ${status} with a body that is not JSON`;
	return new CozeApiError({ message, httpStatus: status, logId: headerLogId, endpoint });
}
