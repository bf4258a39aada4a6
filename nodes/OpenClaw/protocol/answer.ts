import { OpenClawApiError, OpenClawProtocolError, type FieldMessage } from './errors';
import type { ActionAnswer, ActionBody, FlowView } from './types';

/**
 * Reads the gateway's answer. Only the plugin's last two stages answer JSON; the route's guards
 * (method, rate limit, content type, in-flight limit, secret, body size and timeout) answer plain
 * text with no content type, so those statuses get messages of their own here.
 */

const PLAIN_TEXT: Record<number, (route: string) => string> = {
	400: (route) => `The gateway could not read the request body as JSON (400) at ${route}`,
	401: (route) =>
		`The gateway refused the secret for ${route} (401): check Secret, Header Style and Route Path in the credential. A route whose secret the gateway cannot resolve refuses every request the same way.`,
	404: (route) =>
		`No webhook route answers at ${route} (404): check Gateway URL and Route Path in the credential (default /plugins/webhooks/<routeId>), and that the route is enabled in the webhooks plugin.`,
	405: (route) => `The gateway accepts only POST at ${route} (405): a proxy between n8n and the gateway may have changed the method.`,
	408: (route) =>
		`The gateway gave up reading the request body after 15 s (408) at ${route}: the connection to the gateway is too slow, or a proxy holds the upload back.`,
	413: (route) =>
		`The request body is over the gateway's 256 KiB limit (413) at ${route}: make State (JSON), Wait (JSON), Goal or Task smaller.`,
	415: (route) => `The gateway refused the content type (415) at ${route}: a proxy may have changed the Content-Type header.`,
	429: (route) =>
		`The gateway's rate limit for ${route} is used up (429): at most 120 requests per 60 s and 8 at a time per route and client address.`,
	// The gateway itself answers 503 `gateway_unavailable` (JSON of its own, Retry-After: 1) while it
	// drains for a stop or restart: the request was not admitted.
	503: (route) =>
		`The gateway is unavailable (503) at ${route}, e.g. while it stops or restarts: it did not take the request, so nothing was done; run the item again once it answers.`,
};

/** Plain words for the plugin's codes, with what to do. `error` is the plugin's own text. */
function describeCode(
	code: string,
	error: string,
	body: ActionBody,
	result: Record<string, unknown> | undefined,
	route: string,
): string | FieldMessage {
	const flowId = typeof body.flowId === 'string' ? body.flowId : undefined;
	const flowText = flowId ? `TaskFlow ${flowId}` : 'The TaskFlow';
	switch (code) {
		case 'invalid_request': {
			// The gateway names the first failing field as "<field>: <zod message>".
			const match = /^(\w+): (.*)$/.exec(error);
			if (!match) return `The gateway refused the request: ${error} (invalid_request)`;
			return { field: match[1], say: (label) => `The gateway refused ${label}: ${match[2]} (invalid_request)` };
		}
		case 'not_found':
			return `${flowText} was not found on ${route} (not_found): check Flow ID. A route only sees the flows of its own session.`;
		case 'revision_conflict': {
			const current = result?.current as FlowView | undefined;
			const now = current ? ` it is now at revision ${current.revision} (${current.status})` : '';
			return `${flowText} changed since revision ${String(body.expectedRevision)}:${now} (revision_conflict). Use the current revision, or set On Revision Conflict to Retry.`;
		}
		case 'persist_failed':
			return `The gateway could not save the change (persist_failed): its state database refused the write. Nothing was changed.`;
		case 'terminal':
			return `${error} (terminal): a finished flow takes no new tasks and cannot be cancelled.`;
		case 'cancel_requested':
			return `${error} (cancel_requested): the flow takes no new tasks after Request Cancel.`;
		case 'not_managed':
			return `${error} (not_managed): only flows the webhooks plugin manages can be changed through it.`;
		case 'task_not_created':
			return `${error} (task_not_created): a Child Session Key needs an existing task of that session with the same Run ID and Runtime.`;
		default:
			return `${error} (${code})`;
	}
}

function parse(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

export function readAnswer<T>(status: number, text: string, body: ActionBody, route: string): ActionAnswer<T> {
	const parsed = parse(text);
	const envelope = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
	if (!envelope || typeof envelope.ok !== 'boolean') {
		const plain = PLAIN_TEXT[status];
		if (plain) {
			throw new OpenClawApiError(plain(route), { httpStatus: status, route, gatewayMessage: text.trim().slice(0, 200) });
		}
		if (status >= 400) {
			throw new OpenClawApiError(`The gateway answered HTTP ${status} at ${route}: "${text.trim().slice(0, 200)}"`, {
				httpStatus: status,
				route,
				gatewayMessage: text.trim().slice(0, 200),
			});
		}
		throw new OpenClawProtocolError(`The gateway answered HTTP ${status} without the webhooks plugin's JSON at ${route}: check Route Path.`);
	}
	const code = typeof envelope.code === 'string' ? envelope.code : undefined;
	const result = envelope.result as Record<string, unknown> | undefined;
	if (envelope.ok !== true) {
		const error = typeof envelope.error === 'string' ? envelope.error : 'request rejected';
		throw new OpenClawApiError(describeCode(code ?? 'request_rejected', error, body, result, route), {
			httpStatus: status,
			code: code ?? 'request_rejected',
			route,
			gatewayMessage: error,
			result,
		});
	}
	return {
		httpStatus: status,
		routeId: typeof envelope.routeId === 'string' ? envelope.routeId : undefined,
		code,
		result: (result ?? {}) as T,
	};
}
