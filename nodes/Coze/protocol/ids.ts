/** Reading IDs out of the URLs Coze hands around. */

/** The `execute_id` query parameter of a debug URL, if it has one (some only say `/work_flow`). */
export function executeIdFromDebugUrl(debugUrl: string | undefined): string | undefined {
	if (!debugUrl) return undefined;
	const match = /[?&]execute_id=(\d+)/.exec(debugUrl);
	return match?.[1];
}

/** An Interrupt's `event_id` is `<execute_id>/<interrupt id>`. */
export function executeIdFromEventId(eventId: string | undefined): string | undefined {
	if (!eventId) return undefined;
	const match = /^(\d+)\//.exec(eventId);
	return match?.[1];
}

/**
 * The workflow ID in a Coze editor, debug or API URL: the `workflow_id` query parameter
 * (`https://www.coze.com/work_flow?space_id=…&workflow_id=7400…`), or a `/workflow/<id>` path segment.
 */
export function workflowIdFromUrl(url: string): string | undefined {
	const query = /[?&]workflow_id=(\d+)/.exec(url);
	if (query) return query[1];
	const path = /\/work_?flows?\/(\d{6,})/.exec(url);
	return path?.[1];
}
