/**
 * Errors of the OpenClaw webhooks client. Messages name the route and the field to fix and never
 * contain the route secret.
 */

export abstract class OpenClawError extends Error {
	override readonly name: string = 'OpenClawError';
}

/** A JSON failure of the plugin (`{"ok":false,"code":…}`), or a plain-text rejection of the route. */
export class OpenClawApiError extends OpenClawError {
	override readonly name = 'OpenClawApiError';

	constructor(
		message: string,
		readonly details: {
			httpStatus: number;
			/** The plugin's code (`revision_conflict`, `not_found`, …) or, for plain-text answers, undefined. */
			code?: string;
			route: string;
			/** The plugin's own error text, or the plain-text body. */
			gatewayMessage?: string;
			/** The plugin's `result`, e.g. `current` on a revision conflict. */
			result?: unknown;
		},
	) {
		super(message);
	}
}

/** The gateway was not reached, or the answer was lost. */
export class OpenClawConnectionError extends OpenClawError {
	override readonly name = 'OpenClawConnectionError';

	constructor(
		message: string,
		/** False when the request certainly never reached the gateway (refused, unknown host). */
		readonly mayHaveReachedGateway: boolean,
		/** Node's error code, for the error's details only (never in the message). */
		readonly code?: string,
	) {
		super(message);
	}
}

/** No answer in time: the request may or may not have been carried out. */
export class OpenClawTimeoutError extends OpenClawError {
	override readonly name = 'OpenClawTimeoutError';
}

/** The rate limit stayed exhausted for longer than the node may wait. */
export class OpenClawRateLimitError extends OpenClawError {
	override readonly name = 'OpenClawRateLimitError';
}

/** A parameter breaks one of the plugin's rules; nothing was sent. */
export class OpenClawInputError extends OpenClawError {
	override readonly name = 'OpenClawInputError';

	constructor(
		/** The field as the n8n user sees it, e.g. "Expected Revision". */
		readonly field: string,
		message: string,
	) {
		super(message);
	}
}

/** The execution was stopped. */
export class OpenClawAbortedError extends OpenClawError {
	override readonly name = 'OpenClawAbortedError';

	constructor() {
		super('The execution was stopped');
	}
}

/** The gateway answered something that is not the plugin's protocol. */
export class OpenClawProtocolError extends OpenClawError {
	override readonly name = 'OpenClawProtocolError';
}

/** A timeout, or a connection that broke after sending: the gateway may or may not have acted. */
export function isOutcomeUnknown(error: unknown): boolean {
	return error instanceof OpenClawTimeoutError || (error instanceof OpenClawConnectionError && error.mayHaveReachedGateway);
}
