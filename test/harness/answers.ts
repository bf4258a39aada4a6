/**
 * The HTTP side of a webhook call as n8n's server handles it: the response object a node's
 * `webhook()` can write to, and the answer n8n builds from the node's result.
 */
import type { INode, IWebhookDescription, IWebhookResponseData, Workflow } from 'n8n-workflow';

/** An HTTP answer as the caller receives it. */
export interface WebhookAnswer {
	status: number;
	contentType: string;
	body: unknown;
}

/** What a node wrote to the response itself (a rejection). */
export interface SentResponse {
	status: number;
	body: unknown;
}

// Express's res.send(string) and res.json(value).
const HTML = 'text/html; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';
export const staticAnswer = (status: number, body: unknown): WebhookAnswer =>
	typeof body === 'string' ? { status, contentType: HTML, body } : { status, contentType: JSON_TYPE, body };

/**
 * n8n's answer to a webhook call (webhook-helpers executeWebhook): what the node sent itself; else in
 * "onReceived" mode a truthy `responseData` as is, then the node's `webhookResponse`, then a
 * default message; in "lastNode" mode the last node's first item (`firstEntryJson`) or all items.
 */
export function answerLikeN8n(
	workflow: Workflow,
	node: INode,
	description: IWebhookDescription,
	result: IWebhookResponseData,
	sent: SentResponse | undefined,
): WebhookAnswer | 'respondToWebhookNode' {
	if (result.noWebhookResponse === true) {
		if (!sent) throw new Error('noWebhookResponse without an answer: the caller would wait forever');
		return { status: sent.status, contentType: JSON_TYPE, body: sent.body };
	}
	const evaluate = (value: unknown, fallback: string) =>
		value === undefined ? fallback : workflow.expression.getComplexParameterValue(node, value as string, 'webhook', {}, undefined, fallback);
	const responseMode = evaluate(description.responseMode, 'onReceived');
	const responseData = evaluate(description.responseData, 'firstEntryJson');
	if (result.workflowData === undefined) return staticAnswer(200, result.webhookResponse ?? { message: 'Webhook call received' });
	if (responseMode === 'onReceived') {
		if (responseData === 'noData') return { status: 200, contentType: '', body: undefined };
		if (responseData) return staticAnswer(200, responseData);
		return staticAnswer(200, result.webhookResponse ?? { message: 'Workflow was started' });
	}
	if (responseMode === 'responseNode') return 'respondToWebhookNode';
	if (responseMode !== 'lastNode') throw new Error(`The response mode '${String(responseMode)}' is not valid!`);
	const items = result.workflowData[0] ?? [];
	if (responseData === 'firstEntryJson') {
		if (items.length === 0) throw new Error('No item to return was found');
		return { status: 200, contentType: JSON_TYPE, body: items[0].json };
	}
	if (responseData === 'noData') return { status: 200, contentType: '', body: undefined };
	return { status: 200, contentType: JSON_TYPE, body: items.map((item) => item.json) };
}

/** An Express-like response that records what the node wrote to it; `sent()` reads it back. */
export function fakeHttpResponse(onSent?: (sent: SentResponse) => void): { response: object; sent: () => SentResponse | undefined } {
	let sent: SentResponse | undefined;
	const response = {
		statusCode: 200,
		headersSent: false,
		status(code: number) {
			this.statusCode = code;
			return this;
		},
		json(body: unknown) {
			sent = { status: this.statusCode, body };
			onSent?.(sent);
			return this;
		},
		send(body: unknown) {
			sent = { status: this.statusCode, body };
			onSent?.(sent);
			return this;
		},
		end() {
			sent ??= { status: this.statusCode, body: undefined };
			onSent?.(sent);
			return this;
		},
		setHeader() {
			return this;
		},
	};
	return { response, sent: () => sent };
}
