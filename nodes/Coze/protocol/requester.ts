import { backoffDelay, type BackoffPolicy } from './backoff';
import { apiErrorFromBody, detailLogId, executeIdOf, parseEnvelope, stringField } from './envelope';
import { CozeAbortedError, CozeConnectionError, CozeTimeoutError, LIMIT_ERROR_CODES, MODEL_ERROR_CODES, NOTHING_STARTED_CODES } from './errors';
import { isPlainObject } from './json';
import type { RequestRateLimiter } from './rateLimiter';
import { pause, type ClientRuntime } from '../../shared/clientRuntime';
import { readText, type HttpTransport, type TransportRequest, type TransportResponse } from './transport';
import type { CozeEnvelope } from './types';

/** A request that may start a workflow run (or store a file) must not be repeated unless it provably started nothing. */
export type RequestKind = 'starts-run' | 'uploads' | 'read';

const RETRY_POLICY: BackoffPolicy = { initialMs: 500, maxMs: 8000, factor: 2, jitter: 0.2 };

export interface RequesterOptions {
	transport: HttpTransport;
	runtime: ClientRuntime;
	/** Connection attempts for requests that cannot start a run twice. */
	readAttempts?: number;
	/** Spaces the requests of items running at the same time. */
	rateLimiter?: RequestRateLimiter;
}

/** An answer that is not a failure. `data` is the envelope's `data` when that is an object, else empty. */
export interface JsonAnswer {
	envelope: CozeEnvelope;
	data: Record<string, unknown>;
	logId?: string;
}

/** What a reader made of a response: what the caller wanted, or the body of an answer that is a failure. */
export type Reading<T> = { ok: true; value: T } | { ok: false; text: string; envelope: CozeEnvelope | undefined };

/** Why an attempt brought no usable answer: the transport threw, or the answer is a failure. */
type AttemptFailure = { thrown: unknown } | { status: number; envelope: CozeEnvelope | undefined };

/**
 * Whether a request may be sent again after an attempt failed so. Reads may, when that can help; a
 * request that may start a run (or store a file) only when Coze provably started nothing: the
 * connection failed before the request reached Coze, or Coze refused it for a limit that passes
 * (429, 4009) without naming a run.
 */
function mayRepeat(kind: RequestKind, failure: AttemptFailure): boolean {
	if ('thrown' in failure) {
		const error = failure.thrown;
		if (error instanceof CozeConnectionError) return kind === 'read' || !error.mayHaveReachedServer;
		// A deadline that passed is not repeated: the answer came, too slowly, and would again.
		return error instanceof CozeTimeoutError && error.timeoutKind === 'idle' && kind === 'read';
	}
	const { status, envelope } = failure;
	const code = envelope && typeof envelope.code === 'number' ? envelope.code : undefined;
	if (kind !== 'read') {
		// An answer that names a run is proof that the run exists.
		if (envelope && (executeIdOf(envelope) || stringField(envelope, 'debug_url'))) return false;
		return status === 429 || (code !== undefined && NOTHING_STARTED_CODES.has(code));
	}
	// A limit that passes (not the daily quota 4008); reads call no model, so 4013 and 4020 are limits here too.
	if (status === 429 || (code !== undefined && code !== 4008 && (LIMIT_ERROR_CODES.has(code) || MODEL_ERROR_CODES.has(code)))) return true;
	// An overloaded Coze, or an answer that is not an envelope (empty, cut off, a proxy's page).
	return status >= 500 || (!envelope && status < 400);
}

/**
 * Sends requests to Coze through the injected transport: spaced by the rate limiter, and repeated
 * after a backoff only where `mayRepeat` allows.
 */
export class CozeRequester {
	private readonly transport: HttpTransport;
	readonly runtime: ClientRuntime;
	private readonly readAttempts: number;
	private readonly rateLimiter: RequestRateLimiter | undefined;

	constructor(options: RequesterOptions) {
		this.transport = options.transport;
		this.runtime = options.runtime;
		this.readAttempts = options.readAttempts ?? 4;
		this.rateLimiter = options.rateLimiter;
	}

	/** A request answered with an envelope; a failure status, a non-zero code or no envelope at all becomes a `CozeApiError`. */
	async requestJson(request: TransportRequest, kind: RequestKind): Promise<JsonAnswer> {
		return await this.exchange(request, kind, async (response): Promise<Reading<JsonAnswer>> => {
			const text = await readText(response.body);
			const envelope = parseEnvelope(text);
			const code = envelope && typeof envelope.code === 'number' ? envelope.code : undefined;
			const failed = response.status >= 400 || !envelope || (code !== undefined && code !== 0) || 'error_code' in (envelope ?? {});
			if (failed || !envelope) return { ok: false, text, envelope };
			const data = isPlainObject(envelope.data) ? envelope.data : {};
			return { ok: true, value: { envelope, data, logId: response.header('x-tt-logid') ?? detailLogId(envelope) } };
		});
	}

	/**
	 * Sends a request until `read` takes the response, and returns what it made of it. A response it
	 * does not take becomes a `CozeApiError`, thrown unless the request may be sent again.
	 */
	async exchange<T>(request: TransportRequest, kind: RequestKind, read: (response: TransportResponse) => Promise<Reading<T>>): Promise<T> {
		const endpoint = `${request.method} ${request.path}`;
		for (let attempt = 1; ; attempt++) {
			const response = await this.send(request, kind);
			const reading = await read(response);
			if (reading.ok) return reading.value;
			const logId = response.header('x-tt-logid');
			const error = apiErrorFromBody(reading.text, response.status, logId, endpoint, response.header('content-type') ?? '', reading.envelope, kind === 'starts-run');
			if (!(await this.backOff(kind, attempt, { status: response.status, envelope: reading.envelope }))) throw error;
		}
	}

	/** Waits, in short slices so that a stopped execution is noticed within half a second. */
	async pause(ms: number): Promise<void> {
		await pause(this.runtime, ms, () => new CozeAbortedError());
	}

	/** Sends a request, repeating it after a connection failure only when `mayRepeat` allows. */
	private async send(request: TransportRequest, kind: RequestKind): Promise<TransportResponse> {
		for (let attempt = 1; ; attempt++) {
			if (this.runtime.isAborted() && !request.detached) throw new CozeAbortedError();
			await this.rateLimiter?.acquire(request.detached === true);
			const outcome = await this.transport.send(request).then(
				(response) => ({ response, error: undefined }),
				(error: unknown) => ({ response: undefined, error }),
			);
			if (outcome.response) return outcome.response;
			const error = outcome.error;
			if (await this.backOff(kind, attempt, { thrown: error })) continue;
			if (kind !== 'read' && error instanceof CozeConnectionError && error.mayHaveReachedServer) {
				const check = kind === 'uploads' ? 'the file may be stored already' : "check the workflow's runs in Coze before running it again";
				throw new CozeConnectionError(
					`${error.message}. Coze may have received the request, so it was not repeated: ${check}.`,
					error.code,
					true,
				);
			}
			throw error;
		}
	}

	/** After the `attempt`-th attempt failed: false when the request may not be sent again, else true once the backoff has passed. */
	private async backOff(kind: RequestKind, attempt: number, failure: AttemptFailure): Promise<boolean> {
		if (attempt >= this.readAttempts || !mayRepeat(kind, failure)) return false;
		await this.pause(backoffDelay(attempt - 1, RETRY_POLICY, this.runtime.random));
		return true;
	}
}
