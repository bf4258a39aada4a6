import type { IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { classifyRequestFailure, inWords } from '../../shared/networkErrors';
import { cancelSignal, type RequestContext } from '../../shared/n8nRuntime';
import { redactSecrets } from '../../shared/redact';
import { OpenClawAbortedError, OpenClawConnectionError, OpenClawTimeoutError } from '../protocol/errors';
import { retryAfterMs, type WebhookResponse, type WebhookTransport } from '../protocol/transport';

export const OPENCLAW_CREDENTIAL_TYPE = 'openClawWebhookApi';

/**
 * POSTs to the webhook route through n8n's `httpRequestWithAuthentication` (proxies, TLS options
 * and cancellation work as elsewhere in n8n). Every HTTP status comes back as an answer: most of
 * the route's refusals are plain text, which the protocol module explains. The text of a refusal
 * goes into messages and items, and a proxy or gateway may echo the request in it: the route's
 * secret is taken out first.
 */
export class N8nWebhookTransport implements WebhookTransport {
	constructor(
		private readonly context: RequestContext,
		private readonly routeUrl: string,
		private readonly secrets: readonly string[] = [],
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
		const raw = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? '');
		const text = response.statusCode >= 400 ? redactSecrets(raw, this.secrets) : raw;
		const retryAfter = retryAfterMs(response.headers?.['retry-after'] as string | string[] | undefined, Date.now());
		return { status: response.statusCode, text, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) };
	}

	private classify(error: unknown, timeoutMs: number): Error {
		const failure = classifyRequestFailure(error, cancelSignal(this.context));
		switch (failure.kind) {
			case 'aborted':
				return new OpenClawAbortedError();
			case 'timeout':
				return new OpenClawTimeoutError(
					`The gateway did not answer within ${Math.round(timeoutMs / 1000)} s (Timeout) at ${this.routeUrl}; the request may or may not have been carried out.`,
				);
			case 'never-sent':
				return new OpenClawConnectionError(
					`Could not connect to the OpenClaw gateway at ${this.routeUrl}: ${inWords(failure.code)}. Check Gateway URL in the credential.`,
					false,
					failure.code,
				);
			case 'refused-by-n8n':
				return new OpenClawConnectionError(`The request to ${this.routeUrl} failed: ${error instanceof Error ? error.message : String(error)}`, false);
			case 'broken':
				return new OpenClawConnectionError(
					`The connection to the OpenClaw gateway at ${this.routeUrl} broke: ${inWords(failure.code)}; the request may or may not have been carried out.`,
					true,
					failure.code,
				);
		}
	}
}
