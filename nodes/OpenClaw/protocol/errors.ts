import type { FlowView } from './types';

/**
 * Errors of the OpenClaw webhooks client. Messages name the route and the field to fix and never
 * contain the route secret.
 */

/**
 * A message that names a field. The protocol names fields as the plugin does (`stateJson`), or, for
 * a hand-off, by its own fields (`result`); the n8n layer says the message again with the label the
 * user sees.
 */
export interface FieldMessage {
	field: string;
	say: (label: string) => string;
}

export abstract class OpenClawError extends Error {
	override readonly name: string = 'OpenClawError';
	/** Set when the message names a field; `message` names it as the protocol does. */
	readonly named?: FieldMessage;

	constructor(message: string | FieldMessage) {
		super(typeof message === 'string' ? message : message.say(message.field));
		if (typeof message !== 'string') this.named = message;
	}
}

/** A JSON failure of the plugin (`{"ok":false,"code":…}`), or a plain-text rejection of the route. */
export class OpenClawApiError extends OpenClawError {
	override readonly name = 'OpenClawApiError';

	constructor(
		message: string | FieldMessage,
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
	declare readonly named: FieldMessage;

	/**
	 * `message` says what is wrong around the field's label. A whole message, which needs no label,
	 * comes from a check of the n8n layer: its `field` is then the label itself.
	 */
	constructor(field: string, message: string | ((label: string) => string)) {
		super({ field, say: typeof message === 'string' ? () => message : message });
	}

	/** The field as the protocol names it, e.g. `expectedRevision`. */
	get field(): string {
		return this.named.field;
	}
}

/** A change whose answer was lost, on a flow that another writer changed meanwhile: its outcome is unknown. */
export class OpenClawChangedError extends OpenClawError {
	override readonly name = 'OpenClawChangedError';

	constructor(
		message: string,
		/** The flow as read after the lost answer. */
		readonly current: FlowView,
	) {
		super(message);
	}
}

/** A hand-off made a second flow for a key and could not cancel it. */
export class OpenClawDuplicateError extends OpenClawError {
	override readonly name = 'OpenClawDuplicateError';
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
