// Network failures as n8n's request helpers report them, shared by the Coze and OpenClaw nodes.

/** Error codes that prove the request never left this machine or never reached a server. */
export const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);
export const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
export const CANCEL_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR']);

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
export function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current !== null && typeof current === 'object'; depth++) {
		const record = current as { code?: unknown; cause?: unknown; name?: unknown };
		if (typeof record.code === 'string' && /^[A-Z][A-Z_]+$/.test(record.code)) return record.code;
		if (record.name === 'AbortError' || record.name === 'CanceledError') return 'ERR_CANCELED';
		current = record.cause;
	}
	return undefined;
}
