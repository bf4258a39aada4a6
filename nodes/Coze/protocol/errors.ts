/**
 * Typed failures of the Coze client. Every error the protocol layer throws is one of these, so the
 * node can map each to a clear n8n error and decide safely whether a retry could start a second run.
 */

export abstract class CozeError extends Error {
	abstract readonly kind: string;
	/**
	 * Set by `markOpenRun`: Coze may have started (or resumed) a run before this failure and did not
	 * say that it ended, so starting the run again could run the workflow twice.
	 */
	runMayExist = false;
}

export interface CozeApiErrorDetails {
	/** Coze business code (`code` / `error_code`), when Coze sent one. */
	code?: number;
	message: string;
	httpStatus?: number;
	logId?: string;
	debugUrl?: string;
	executeId?: string;
	/** `POST /v1/workflow/run` etc.: where the failure came from. */
	endpoint: string;
	/** True when the workflow itself failed (an `Error` event or a `Fail` run), not the request. */
	runFailed?: boolean;
}

/** Coze answered, and the answer is a failure (HTTP error, `code != 0`, `Error` event, failed run). */
export class CozeApiError extends CozeError {
	readonly kind = 'api';
	constructor(readonly details: CozeApiErrorDetails) {
		super(details.message);
		this.name = 'CozeApiError';
	}
	get code(): number | undefined {
		return this.details.code;
	}
}

/** The request never got an answer: refused, reset, DNS, TLS. */
export class CozeConnectionError extends CozeError {
	readonly kind = 'connection';
	constructor(
		message: string,
		/** Node's error code, e.g. ECONNREFUSED. */
		readonly code: string | undefined,
		/** False only when the request provably never reached Coze, so repeating it cannot start a second run. */
		readonly mayHaveReachedServer: boolean,
	) {
		super(message);
		this.name = 'CozeConnectionError';
	}
}

/** The stream closed (or broke) before a terminal event and the run's execute ID is unknown. */
export class CozeStreamEndedError extends CozeError {
	readonly kind = 'stream-ended';
	constructor(
		message: string,
		readonly eventsReceived: number,
		/** A chat's round, when Coze had named it: where to look before sending the message again. */
		readonly chat?: { conversationId?: string; chatId?: string },
	) {
		super(message);
		this.name = 'CozeStreamEndedError';
	}
}

export type CozeTimeoutKind = 'idle' | 'total' | 'wait';

export class CozeTimeoutError extends CozeError {
	readonly kind = 'timeout';
	constructor(
		message: string,
		readonly timeoutKind: CozeTimeoutKind,
		readonly executeId?: string,
		readonly debugUrl?: string,
	) {
		super(message);
		this.name = 'CozeTimeoutError';
	}
}

/** Coze sent something that is not what the protocol allows (e.g. invalid JSON in an event's data). */
export class CozeProtocolError extends CozeError {
	readonly kind = 'protocol';
	constructor(message: string) {
		super(message);
		this.name = 'CozeProtocolError';
	}
}

/** The n8n execution was stopped while the request was running. */
export class CozeAbortedError extends CozeError {
	readonly kind = 'aborted';
	constructor() {
		super('The execution was stopped while waiting for Coze');
		this.name = 'CozeAbortedError';
	}
}

/** An item that n8n's Retry On Fail did not run again, because its earlier try may have started a run. */
export class CozeNotRepeatedError extends CozeError {
	readonly kind = 'not-repeated';
	constructor(
		readonly earlier: CozeError,
		risk = 'may have started a Coze run, so running it again could run the workflow twice. Check the run in Coze before running the item again',
	) {
		super(`Retry On Fail did not run this item again: its first try ${risk}. The first try failed with: ${earlier.message}`);
		this.name = 'CozeNotRepeatedError';
		this.runMayExist = true;
	}
}

/** Invalid input found before anything was sent. `field` is the parameter's display name. */
export class CozeInputError extends CozeError {
	readonly kind = 'input';
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'CozeInputError';
	}
}

export const AUTH_ERROR_CODES: ReadonlySet<number> = new Set([4100, 4101, 700012006]);
/** Limits on requests: 4008 the daily quota, 4009 Coze's request ceiling (it started nothing, retry later). */
export const LIMIT_ERROR_CODES: ReadonlySet<number> = new Set([4008, 4009]);
/** Refusals of a request that may start a run that prove nothing was started, so it may be sent again after a pause. */
export const NOTHING_STARTED_CODES: ReadonlySet<number> = new Set([4009]);
/** 4013 a model error, 4020 the model's requests-per-minute limit: both come from a model call, which happens inside a run. */
export const MODEL_ERROR_CODE = 4013;
export const MODEL_RATE_LIMIT_CODE = 4020;
export const MODEL_ERROR_CODES: ReadonlySet<number> = new Set([MODEL_ERROR_CODE, MODEL_RATE_LIMIT_CODE]);
export const TRANSIENT_RUN_ERROR_CODE = 720701013;
export const ASYNC_NEEDS_PAID_PLAN_CODE = 6003;
export const SYNC_CANNOT_INTERRUPT_CODE = 6039;

/** What a user can do about the Coze codes they meet most. */
export function hintForCode(code: number | undefined, context: { host?: string; endpoint?: string } = {}): string | undefined {
	if (code === undefined) return undefined;
	if (AUTH_ERROR_CODES.has(code)) {
		const where = context.host ? ` by ${context.host}` : '';
		return (
			`The token was rejected${where}. Check the credential's token and that it has not expired. ` +
			'Tokens are tied to a region: a token created on coze.cn works only with the coze.cn region, ' +
			'one created on coze.com only with coze.com. If your token is from the other site, switch the region in the credential.'
		);
	}
	if (LIMIT_ERROR_CODES.has(code)) {
		return "Coze is limiting requests for this account (rate limit, daily limit or quota). Lower the node's concurrency or request rate, or wait and run again.";
	}
	switch (code) {
		case MODEL_ERROR_CODE:
			return 'A model inside the workflow failed. Open the debug URL to see which node, check its model settings, then run the item again.';
		case MODEL_RATE_LIMIT_CODE:
			return "A model inside the workflow reached its requests-per-minute limit. Wait a minute, or lower the node's Concurrency or Requests per Second, then run the item again.";
		case 4000:
			// Agent requests have no workflow inputs, nor Bot ID and App ID.
			if (context.endpoint?.includes('/v3/chat'))
				return "Coze rejected the request parameters. Check the node's fields; for Submit Tool Outputs, give one output for each tool call the chat waits for (toolCalls of its item), with its ID.";
			if (context.endpoint?.includes('/v1/bots'))
				return "Coze rejected the request for a workspace's agents. Enter the agent By ID, or check that the credential's token sees the agent's workspace.";
			if (context.endpoint?.includes('/v1/conversation'))
				return "Coze rejected the request parameters. Check the node's Agent and Conversation ID (a conversation of this credential's account), and Limit.";
			return 'Coze rejected the request parameters. Check the workflow inputs, and that Bot ID and App ID are not both set.';
		case 4200:
		case 6031:
			return 'The workflow, chatflow or agent was not found or is not published. Publish it in Coze (agents to the API / "Agent as API" channel) and use the ID of the published one.';
		case 4006:
		case 4015:
			return 'The agent is unknown, not yours, or not published to the API channel. Publish the agent to the API ("Agent as API") channel in Coze and check its ID.';
		case 4016:
			return 'A chat is already running in this conversation. Wait until it has finished, or use another conversation.';
		case 4002:
			return "The conversation is unknown or does not belong to this token's account. Use a conversation ID created with this credential, or start a new conversation.";
		case 4104:
			return 'The chat has already ended (completed, failed or waiting for tool outputs), so it cannot be cancelled.';
		case 4007:
			return 'Polling a chat needs its history saved by Coze. Use stream mode, or keep history saving on.';
		case 720702204:
			return 'The conversation name does not exist. App chatflows need a conversation that exists in the app (or a Conversation ID); library chatflows need a Bot ID.';
		case ASYNC_NEEDS_PAID_PLAN_CODE:
			return 'Async runs need a paid Coze plan. Use stream mode, or turn on the option "Fall Back to Stream When Async Is Not Allowed" (no run was started, so falling back cannot run the workflow twice).';
		case SYNC_CANNOT_INTERRUPT_CODE:
			return 'This workflow asks questions (a Question or Input node), which sync runs do not support. Use stream or async mode.';
		case 6023:
			return 'The workflow took longer than Coze allows for this mode. Use async mode for long workflows.';
		case TRANSIENT_RUN_ERROR_CODE:
			return 'Coze reported a temporary server problem and started no run. Running the node again usually works.';
		case 4314:
			return "Coze has no run with this execute ID for this workflow. Workflow must be the workflow of the run (for Resume, the one that asked the question), and Execute ID or Event ID must come from that run's item. Coze keeps runs for 7 days.";
		case 4315:
			return 'This run has already finished, so it cannot be resumed. Start a new run instead.';
		case 4300:
		case 4301:
		case 4302:
		case 4303:
		case 4304:
			return 'Coze refused the file upload. One file per upload, at most 512 MB, of a supported type.';
		default:
			return undefined;
	}
}

/**
 * Marks a failure of a request that may start (or resume) a run when the run may exist afterwards and
 * its outcome is open. `sending`: the failure came from the request itself; Coze's refusal (a code,
 * not a server error) or a connection that provably never reached Coze started nothing. `started`: the run is known to exist
 * (its stream or its history was being read), so only a reported end of the run closes it.
 */
export function markOpenRun(error: unknown, stage: 'sending' | 'started'): unknown {
	if (!(error instanceof CozeError) || error instanceof CozeInputError || error instanceof CozeAbortedError) return error;
	if (error instanceof CozeApiError && error.details.runFailed) return error;
	// Coze's own refusal, with its code: a server error or a gateway's page may hide a started run.
	const refused = error instanceof CozeApiError && error.details.code !== undefined && (error.details.httpStatus ?? 200) < 500;
	if (refused && stage === 'sending') return error;
	if (error instanceof CozeConnectionError && !error.mayHaveReachedServer && stage === 'sending') return error;
	error.runMayExist = true;
	return error;
}

/** `work`'s failures, marked by `markOpenRun` for `stage`. */
export async function markingOpenRun<T>(stage: 'sending' | 'started', work: () => Promise<T>): Promise<T> {
	return await work().catch((error: unknown) => {
		throw markOpenRun(error, stage);
	});
}
