import type { ICredentialsDecrypted, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { CozeAbortedError, CozeApiError, CozeConnectionError, CozeInputError, CozeTimeoutError } from '../protocol/errors';
import { formatDuration } from '../protocol/runHistory';
import type { ByteStream, HttpTransport, TransportRequest, TransportResponse } from '../protocol/transport';
import { classifyRequestFailure, inWords } from '../../shared/networkErrors';
import { cancelSignal, type RequestContext } from '../../shared/n8nRuntime';

/** What n8n's request helper hands back with `encoding: 'stream'`: Node's IncomingMessage. */
interface IncomingBody extends AsyncIterable<Uint8Array> {
	destroy(error?: Error): void;
	setTimeout?(ms: number, callback?: () => void): void;
}

class IdleTimeout extends Error {
	constructor() {
		super('idle');
	}
}

class DeadlinePassed extends Error {
	constructor() {
		super('deadline');
	}
}

/**
 * The context a request is sent with: n8n's request helper ties a request to the cancel signal its
 * `this` offers. A detached request gets none (a clean-up sent after a stop would be cut at once);
 * one with a deadline gets the execution's signal joined with the deadline's.
 */
function withCancelSignal(context: RequestContext, signal: AbortSignal | undefined): RequestContext {
	const key = 'getExecutionCancelSignal';
	return new Proxy(context, {
		has: (target, name) => (name === key ? signal !== undefined : Reflect.has(target, name)),
		get: (target, name, receiver) => (name === key ? (signal && (() => signal)) : Reflect.get(target, name, receiver)),
	});
}

/**
 * Ends a request whose answer has not begun when its deadline passes, e.g. an upload still sending or
 * waiting for Coze. Equal to the idle timeout (a sync run), the socket timer already ends a silent
 * wait and reports it as such, so none is set. While the answer is read, `wrapBody` ends it at the
 * same moment. The timer is unref'd: it keeps no process alive.
 */
function deadlineBeforeAnswer(request: TransportRequest, execution: AbortSignal | undefined): { signal: AbortSignal; passed: () => boolean } | undefined {
	if (request.deadlineMs === undefined || request.deadlineMs === request.idleTimeoutMs) return undefined;
	const deadline = AbortSignal.timeout(request.deadlineMs);
	const joined = execution !== undefined && !request.detached;
	return {
		signal: joined ? AbortSignal.any([execution, deadline]) : deadline,
		passed: () => deadline.aborted && !(joined && execution.aborted),
	};
}

/**
 * The Coze client's transport over n8n's `httpRequestWithAuthentication`: proxies, TLS settings,
 * credential refresh and execution cancellation work as everywhere in n8n.
 */
export class N8nHttpTransport implements HttpTransport {
	constructor(
		private readonly context: RequestContext,
		private readonly credentialType: string,
		private readonly baseUrl: string,
		/** The JWT credential's token is renewed by n8n on a 401, which n8n sees only if it is not ignored. */
		private readonly renewsOn401: boolean,
		/** The credential as the node read it; without it n8n reads it again for each request. */
		private readonly credential?: ICredentialsDecrypted,
	) {}

	async send(request: TransportRequest): Promise<TransportResponse> {
		const deadlineAt = request.deadlineMs === undefined ? undefined : Date.now() + request.deadlineMs;
		const early = deadlineBeforeAnswer(request, cancelSignal(this.context));
		const context = early ? withCancelSignal(this.context, early.signal) : request.detached ? withCancelSignal(this.context, undefined) : this.context;
		const send = async (ignoreStatuses: boolean) =>
			await this.request(context, request, ignoreStatuses).catch((error: unknown) => {
				throw early?.passed() ? this.deadlineError(request.deadlineMs ?? 0) : error;
			});
		let response = await send(true);
		if (response.statusCode === 401 && this.renewsOn401) {
			// n8n 1.x ignores every status when asked to ignore any, so it did not renew the token: ask again
			// without ignoring statuses, which makes n8n renew it and repeat the request once. A 401 means
			// Coze started nothing, so repeating cannot run a workflow twice.
			(response.body as IncomingBody).destroy();
			response = await send(false);
		}
		const body = response.body as IncomingBody;
		const headers = response.headers;
		return {
			status: response.statusCode,
			header: (name) => {
				const value = headers[name.toLowerCase()];
				return Array.isArray(value) ? value.join(', ') : value === undefined ? undefined : String(value);
			},
			body: this.wrapBody(body, request.idleTimeoutMs, deadlineAt === undefined ? undefined : { at: deadlineAt, ms: request.deadlineMs ?? 0 }),
		};
	}

	private async request(context: RequestContext, request: TransportRequest, ignoreStatuses: boolean): Promise<IN8nHttpFullResponse> {
		const headers: Record<string, string> = { Accept: request.accept ?? 'application/json' };
		let body: string | Buffer | undefined;
		if (request.json !== undefined) {
			headers['Content-Type'] = 'application/json';
			body = JSON.stringify(request.json);
		} else if (request.raw) {
			headers['Content-Type'] = request.raw.contentType;
			body = Buffer.from(request.raw.data);
		}
		const options: IHttpRequestOptions = {
			method: request.method,
			url: `${this.baseUrl}${request.path}`,
			qs: request.query,
			headers,
			body,
			encoding: 'stream',
			returnFullResponse: true,
			json: false,
			// axios' timeout is a socket inactivity limit too; it stays a little behind the one wrapBody sets
			// on the response, so that silence in the body is reported as such rather than as a reset.
			timeout: request.idleTimeoutMs + Math.min(1000, Math.ceil(request.idleTimeoutMs / 10)),
			ignoreHttpStatusErrors: ignoreStatuses ? (this.renewsOn401 ? { ignore: true, except: [401] } : true) : false,
		};
		try {
			return (await context.helpers.httpRequestWithAuthentication.call(
				context,
				this.credentialType,
				options,
				this.credential && { credentialsDecrypted: this.credential },
			)) as IN8nHttpFullResponse;
		} catch (error) {
			throw this.classify(error, request.idleTimeoutMs);
		}
	}

	private wrapBody(body: IncomingBody, idleTimeoutMs: number, deadline?: { at: number; ms: number }): ByteStream {
		// Coze sends PINGs while a run works; a silent socket means the connection is gone. Both this
		// socket timer and axios' (a little later) can close it, so silence is recognised by the time
		// since the last byte rather than by which timer fired. No JS timers: they die with the socket.
		// The deadline shortens the socket timer as it comes closer, and each byte is checked against it,
		// so bytes that trickle in cannot stretch it.
		let lastByteAt = Date.now();
		const timerMs = (now: number) => (deadline ? Math.max(1, Math.min(idleTimeoutMs, deadline.at - now)) : idleTimeoutMs);
		const passed = () => deadline !== undefined && Date.now() >= deadline.at;
		body.setTimeout?.(timerMs(lastByteAt), () => body.destroy(passed() ? new DeadlinePassed() : new IdleTimeout()));
		const classify = (error: unknown) => {
			if (error instanceof DeadlinePassed || passed()) return this.deadlineError(deadline?.ms ?? 0);
			return error instanceof IdleTimeout || Date.now() - lastByteAt >= idleTimeoutMs
				? this.idleError(idleTimeoutMs)
				: this.classify(error, idleTimeoutMs);
		};
		return {
			destroy: () => body.destroy(),
			[Symbol.asyncIterator]: async function* () {
				try {
					for await (const chunk of body) {
						lastByteAt = Date.now();
						if (passed()) throw new DeadlinePassed();
						if (deadline) body.setTimeout?.(timerMs(lastByteAt));
						yield chunk;
					}
				} catch (error) {
					throw classify(error);
				}
			},
		};
	}

	private deadlineError(deadlineMs: number): CozeTimeoutError {
		return new CozeTimeoutError(
			`Coze did not finish its answer within ${formatDuration(deadlineMs)} (Request Timeout), so the connection was closed.`,
			'total',
		);
	}

	private idleError(idleTimeoutMs: number): CozeTimeoutError {
		return new CozeTimeoutError(
			`Coze sent nothing for ${Math.round(idleTimeoutMs / 1000)} s (Idle Timeout), so the connection was closed.`,
			'idle',
		);
	}

	private classify(error: unknown, idleTimeoutMs: number): Error {
		if (error instanceof IdleTimeout && !cancelSignal(this.context)?.aborted) return this.idleError(idleTimeoutMs);
		const failure = classifyRequestFailure(error, cancelSignal(this.context));
		switch (failure.kind) {
			case 'aborted':
				return new CozeAbortedError();
			case 'timeout':
				return this.idleError(idleTimeoutMs);
			case 'never-sent':
				return new CozeConnectionError(`Could not connect to Coze at ${this.baseUrl}: ${inWords(failure.code)}`, failure.code, false);
		}
		if (String((error as { httpCode?: unknown }).httpCode) === '401') {
			return new CozeApiError({
				httpStatus: 401,
				message: 'Coze rejected the access token (HTTP 401), also after it was renewed',
				endpoint: this.baseUrl,
			});
		}
		if (failure.kind === 'refused-by-n8n') {
			// Not a network failure: n8n refused the request itself, e.g. the credential could not get a token.
			return new CozeInputError('Credential', error instanceof Error ? error.message : String(error));
		}
		return new CozeConnectionError(`The connection to Coze at ${this.baseUrl} failed: ${inWords(failure.code)}`, failure.code, true);
	}
}
