import type { IExecuteFunctions, IHttpRequestOptions, ILoadOptionsFunctions, IN8nHttpFullResponse, IPollFunctions } from 'n8n-workflow';

import { CANCEL_CODES, inWords, NEVER_SENT_CODES, networkErrorCode, TIMEOUT_CODES } from '../../shared/networkErrors';
import { OpenClawAbortedError, OpenClawConnectionError, OpenClawTimeoutError } from '../protocol/errors';
import { retryAfterMs, type WebhookResponse, type WebhookTransport } from '../protocol/transport';

type RequestContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export const OPENCLAW_CREDENTIAL_TYPE = 'openClawWebhookApi';

/**
 * POSTs to the webhook route through n8n's `httpRequestWithAuthentication` (proxies, TLS options
 * and cancellation work as elsewhere in n8n). Every HTTP status comes back as an answer: most of
 * the route's refusals are plain text, which the protocol module explains.
 */
export class N8nWebhookTransport implements WebhookTransport {
	constructor(
		private readonly context: RequestContext,
		private readonly routeUrl: string,
	) {}

	async post(bodyText: string, timeoutMs: number): Promise<WebhookResponse> {
		const options: IHttpRequestOptions = {
			method: 'POST',
			url: this.routeUrl,
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			body: bodyText,
			json: false,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutMs,
		};
		let response: IN8nHttpFullResponse | Error;
		try {
			response = (await this.context.helpers.httpRequestWithAuthentication.call(
				this.context,
				OPENCLAW_CREDENTIAL_TYPE,
				options,
			)) as IN8nHttpFullResponse;
		} catch (error) {
			response = this.classify(error, timeoutMs);
		}
		if (response instanceof Error) throw response;
		const body = response.body as unknown;
		const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? '');
		const retryAfter = retryAfterMs(response.headers?.['retry-after'] as string | string[] | undefined, Date.now());
		return { status: response.statusCode, text, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) };
	}

	private classify(error: unknown, timeoutMs: number): Error {
		const signal = 'getExecutionCancelSignal' in this.context ? this.context.getExecutionCancelSignal() : undefined;
		if (signal?.aborted) return new OpenClawAbortedError();
		const code = networkErrorCode(error);
		if (code && CANCEL_CODES.has(code)) return new OpenClawAbortedError();
		if (code && TIMEOUT_CODES.has(code)) {
			return new OpenClawTimeoutError(
				`The gateway did not answer within ${Math.round(timeoutMs / 1000)} s (Timeout) at ${this.routeUrl}; the request may or may not have been carried out.`,
			);
		}
		if (code && NEVER_SENT_CODES.has(code)) {
			return new OpenClawConnectionError(`Could not connect to the OpenClaw gateway at ${this.routeUrl}: ${inWords(code)}. Check Gateway URL in the credential.`, false, code);
		}
		if (!code) {
			const message = error instanceof Error ? error.message : String(error);
			return new OpenClawConnectionError(`The request to ${this.routeUrl} failed: ${message}`, false);
		}
		return new OpenClawConnectionError(
			`The connection to the OpenClaw gateway at ${this.routeUrl} broke: ${inWords(code)}; the request may or may not have been carried out.`,
			true,
			code,
		);
	}
}
