// Network failures as n8n's request helpers report them, shared by the Coze and OpenClaw nodes.

/** Error codes that prove the request never left this machine or never reached a server. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const CANCEL_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR']);

/**
 * Plain words for network failures. Messages must not contain the codes themselves: n8n's error
 * classes replace any message that mentions ECONNRESET, ENOTFOUND… with their own generic text.
 */
const CODE_WORDS: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be looked up',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	ERR_INVALID_URL: 'the URL is invalid',
	ECONNRESET: 'the connection was reset',
	EPIPE: 'the connection was closed while sending',
};

export function inWords(code: string | undefined): string {
	return (code && CODE_WORDS[code]) || 'the connection broke';
}

/** Node's error code anywhere in an error's cause chain (n8n wraps axios errors in NodeApiError). */
function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current !== null && typeof current === 'object'; depth++) {
		const record = current as { code?: unknown; cause?: unknown; name?: unknown };
		if (typeof record.code === 'string' && /^[A-Z][A-Z_]+$/.test(record.code)) return record.code;
		if (record.name === 'AbortError' || record.name === 'CanceledError') return 'ERR_CANCELED';
		current = record.cause;
	}
	return undefined;
}

/** How a request through n8n's helpers failed, in the terms that decide what the client may do next. */
export type RequestFailure =
	/** The execution was stopped. */
	| { kind: 'aborted' }
	/** No answer in time: the request may or may not have been carried out. */
	| { kind: 'timeout'; code: string }
	/** The request certainly never reached a server. */
	| { kind: 'never-sent'; code: string }
	/** The connection broke: the request may or may not have been carried out. */
	| { kind: 'broken'; code: string }
	/** No network error at all: n8n refused the request itself (e.g. the credential could not get a token). */
	| { kind: 'refused-by-n8n'; error: unknown };

/** The one classification of a failed request; each transport maps it onto its own error classes. */
export function classifyRequestFailure(error: unknown, signal: AbortSignal | undefined): RequestFailure {
	if (signal?.aborted) return { kind: 'aborted' };
	const code = networkErrorCode(error);
	if (code === undefined) return { kind: 'refused-by-n8n', error };
	if (CANCEL_CODES.has(code)) return { kind: 'aborted' };
	if (TIMEOUT_CODES.has(code)) return { kind: 'timeout', code };
	if (NEVER_SENT_CODES.has(code)) return { kind: 'never-sent', code };
	return { kind: 'broken', code };
}
