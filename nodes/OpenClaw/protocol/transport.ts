/**
 * What the TaskFlow client needs from HTTP: one authenticated POST of a JSON body to the route.
 * The n8n node implements it over n8n's request helpers; tests can implement it over anything.
 *
 * Implementations throw only `OpenClawConnectionError`, `OpenClawTimeoutError` and
 * `OpenClawAbortedError`; any HTTP answer, whatever its status, is returned.
 */
export interface WebhookResponse {
	status: number;
	text: string;
	/** The answer's `Retry-After` header in milliseconds, when it has one that can be read. */
	retryAfterMs?: number;
}

/** Reads `Retry-After` (delay-seconds or an HTTP date, RFC 9110, section 10.2.3) as milliseconds from `now`. */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (value === undefined || value.trim() === '') return undefined;
	if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
	const at = Date.parse(value);
	return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface WebhookTransport {
	post(bodyText: string, timeoutMs: number): Promise<WebhookResponse>;
}
