/** Reading IDs out of the URLs Coze hands around, and keeping IDs exact. */

/**
 * What may stand before a query parameter in a pasted URL: `?`, `&`, `#`, the `;` of `&amp;` (copied
 * from HTML), a JSON-escaped `\u0026` (copied from a stream's `debug_url`), or `%26` (a URL inside a URL).
 */
const PARAM_START = String.raw`(?:[?&#;]|\\u0026|%26)`;

/**
 * The workflow ID in every URL form Coze shows: the workflow editor and debug page
 * (`/work_flow?space_id=…&workflow_id=…`), an app's editor (`/space/<id>/project-ide/<app>/workflow/<id>`),
 * and API paths (`/v1/workflows/<id>/…`). A store page (`/store/workflow/<id>`) shows a listing, not a
 * workflow ID. One capture group: n8n's resource locator takes the first group of this pattern.
 */
export const WORKFLOW_ID_IN_URL = new RegExp(String.raw`(?:${PARAM_START}workflow_?[iI]d=|(?<!/store)/work_?flows?/)(\d+)`);

const EXECUTE_ID_IN_URL = new RegExp(String.raw`${PARAM_START}execute_id=(\d+)`);

/** The `execute_id` query parameter of a debug URL, if it has one (some only say `/work_flow`). */
export function executeIdFromDebugUrl(debugUrl: string | undefined): string | undefined {
	if (!debugUrl) return undefined;
	return EXECUTE_ID_IN_URL.exec(debugUrl)?.[1];
}

/** An Interrupt's `event_id` is `<execute_id>/<interrupt id>`. */
export function executeIdFromEventId(eventId: string | undefined): string | undefined {
	if (!eventId) return undefined;
	const match = /^(\d+)\//.exec(eventId);
	return match?.[1];
}

/** The workflow ID in a Coze editor, debug or API URL (see `WORKFLOW_ID_IN_URL`), if it holds one. */
export function workflowIdFromUrl(url: string): string | undefined {
	return WORKFLOW_ID_IN_URL.exec(url)?.[1];
}

/** Whether the text looks like a URL rather than an ID (so that an error can say which it expected). */
export function looksLikeUrl(text: string): boolean {
	return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^(?:www\.|api\.)?coze\.(?:cn|com)\b/i.test(text) || text.includes('/');
}

/**
 * An ID as text. A number is refused when it is beyond 2^53: digits were already lost when it was
 * parsed (an expression over JSON, a number field), and sending it would address another object.
 */
export type IdText = { ok: true; text: string } | { ok: false; problem: 'rounded' | 'notText'; shown: string };

export function idText(raw: unknown): IdText {
	if (typeof raw === 'string') return { ok: true, text: raw.trim() };
	if (typeof raw === 'bigint') return { ok: true, text: raw.toString() };
	if (typeof raw === 'number') {
		if (Number.isInteger(raw) && !Number.isSafeInteger(raw)) return { ok: false, problem: 'rounded', shown: String(raw) };
		return { ok: true, text: String(raw) };
	}
	if (raw === undefined || raw === null) return { ok: true, text: '' };
	return { ok: false, problem: 'notText', shown: typeof raw };
}

/** The agent (bot) ID in a Coze agent URL, e.g. `https://www.coze.com/space/<workspace>/bot/<bot ID>`. */
export const AGENT_ID_IN_URL = /\/bot\/(\d+)/;

/** An agent ID as Coze issues them: 19 digits. */
export const AGENT_ID = /^\d{19}$/;
