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
}

export interface WebhookTransport {
	post(bodyText: string, timeoutMs: number): Promise<WebhookResponse>;
}

export interface ClientRuntime {
	sleep(ms: number): Promise<void>;
	now(): number;
	/** True once the n8n execution was stopped. */
	isAborted(): boolean;
}
