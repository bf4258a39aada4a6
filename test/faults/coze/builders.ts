/**
 * Builders for the cells of the Coze fault matrix: most faults are made the same way in several
 * modes (a knob armed once on the request that starts or resumes the run, a fault on a poll), and
 * the expectations follow from the mode (async polls; a resume starts no run).
 */
import type { IDataObject } from 'n8n-workflow';

import type { Knobs } from '../../emulator';
import { isChatMode, type ErrorExpectation, type Expectation, type FaultCase, type FaultCell, type ChatMode, type FaultRow, type Mode, type RequestKind, type ValueExpectation } from './model';
import { FIVE_MB } from './workflows';

const STREAM_RUN = '/v1/workflow/stream_run';
const RUN = '/v1/workflow/run';
const STREAM_RESUME = '/v1/workflow/stream_resume';
const HISTORY = '/v1/workflows/*';

/** The request that starts (or, for resume, resumes) the run in each mode. */
const START: Record<Mode, { path: string; kind: RequestKind }> = {
	stream: { path: STREAM_RUN, kind: 'stream_run' },
	async: { path: RUN, kind: 'run' },
	sync: { path: RUN, kind: 'run' },
	resume: { path: STREAM_RESUME, kind: 'stream_resume' },
	chatflow: { path: '/v1/workflows/chat', kind: 'workflows_chat' },
	agent: { path: '/v3/chat', kind: 'chat' },
};

/** Fast polling (seconds), as the engine tests use. */
export const POLL = { pollInitialInterval: 0.02, pollMaxInterval: 0.1 };

/** Request bodies, for the fault proxy's faults (a poll is a GET without a body). */
export const isAsyncStart = (body: unknown) => typeof body === 'object' && body !== null && (body as { is_async?: unknown }).is_async === true;
export const isSyncStart = (body: unknown) => typeof body === 'object' && body !== null && 'parameters' in body && !isAsyncStart(body);
export const isPoll = (body: unknown) => body === undefined;

type Requests = NonNullable<Expectation['requests']>;

// ---- expectations ----------------------------------------------------------------------------

export const apiError = (message: RegExp, extra: Partial<ErrorExpectation> = {}): ErrorExpectation => ({
	result: 'error',
	error: 'NodeApiError',
	message,
	...extra,
});
export const operationError = (message: RegExp): ErrorExpectation => ({ result: 'error', error: 'NodeOperationError', message });
export const succeeded = (extra: Partial<ValueExpectation> = {}): ValueExpectation => ({
	result: 'value',
	status: 'succeeded',
	output: 'baseline',
	...extra,
});

/** The docs' words for a cell that repeats another mode's error. */
export const SAME_ERROR = 'The same error; not repeated.';
export const SAME_ERROR_AS_STREAM = 'The same error as in stream mode; not repeated.';
export const SAME_ERROR_AT_START = 'On the start request: the same error; no polling.';

// ---- cells -----------------------------------------------------------------------------------

export const cell = (says: string, ...cases: FaultCase[]): FaultCell => ({ says, cases });

/**
 * A case whose fault is armed once, with emulator knobs, on the request that starts (or resumes)
 * the run; `expect` counts that one request unless it says otherwise. Async cells poll fast.
 */
export function armedAtStart(mode: Mode, knobs: Partial<Knobs>, expect: Expectation, more: Omit<FaultCase, 'arrange' | 'expect'> = {}): FaultCase {
	const { path, kind } = START[mode];
	return {
		...(mode === 'async' ? { options: POLL } : {}),
		...more,
		arrange: ({ emu }) => emu.setKnobs(knobs, { times: 1, path }),
		expect: { requests: { [kind]: 1 }, ...expect },
	};
}

/** The request that starts (or resumes) the run fails on the fault: the error, no run started, nothing polled. */
export function refusedAtStart(mode: Mode, knobs: Partial<Knobs>, error: ErrorExpectation): FaultCase {
	return armedAtStart(mode, knobs, mode === 'resume' ? error : { ...error, runs: 0 });
}

/** A row whose fault every mode's start (resume) request meets, with the same error everywhere. */
export function refusedAtStartInEveryMode(knobs: Partial<Knobs>, error: ErrorExpectation, streamSays: string): FaultRow['cells'] {
	return {
		stream: cell(streamSays, refusedAtStart('stream', knobs, error)),
		async: cell(SAME_ERROR_AT_START, refusedAtStart('async', knobs, error)),
		sync: cell(SAME_ERROR, refusedAtStart('sync', knobs, error)),
		resume: cell(SAME_ERROR, refusedAtStart('resume', knobs, error)),
		chatflow: cell(SAME_ERROR, refusedAtStart('chatflow', knobs, error)),
		agent: cell(SAME_ERROR, refusedAtStart('agent', knobs, error)),
	};
}

/** An async run whose first poll meets the fault: a poll is a read, so it is repeated and the run gives its result. */
export function pollRepeated(knobs: Partial<Knobs>): FaultCase {
	return {
		options: POLL,
		arrange: ({ emu }) => emu.setKnobs(knobs, { times: 1, path: HISTORY }),
		expect: { ...succeeded(), runs: 1, requests: { run: 1, history: { atLeast: 2 } } },
	};
}

/**
 * A workflow run as it is, nothing armed (input `{}` unless `more` says otherwise): one run, its
 * start (resume) request, for async its polls, and `requests` on top.
 */
export function plainRun(mode: Mode, workflow: string, expect: Expectation, more: Omit<FaultCase, 'workflow' | 'arrange' | 'expect'> = {}): FaultCase {
	const requests: Requests = { [START[mode].kind]: 1, ...(mode === 'async' ? { history: { atLeast: 1 } } : {}), ...expect.requests };
	return {
		workflow,
		input: '{}',
		...(mode === 'async' ? { options: POLL } : {}),
		...more,
		expect: { ...expect, ...(mode === 'resume' ? {} : { runs: 1 }), requests },
	};
}

/** The connection is refused: the request never reached Coze, in any mode. */
export const refused = (): FaultCell => ({
	says: 'Error "Could not connect to Coze at … the connection was refused", after up to 4 attempts (the request never reached Coze, so repeating it cannot start anything; the attempts are not counted here).',
	cases: [
		{
			via: 'closed-port',
			expect: {
				result: 'error',
				error: 'NodeOperationError',
				message: /Could not connect to Coze at http:\/\/127\.0\.0\.1:\d+: the connection was refused/,
			},
		},
	],
});

const LIMIT_HINT = /limiting requests/;
const LIMIT_CODES = [4008, 4009, 4013, 4020] as const;
const MODEL_HINTS: Record<number, RegExp> = { 4013: /A model inside the workflow failed/, 4020: /requests-per-minute limit/ };

/**
 * A limit code on the request that starts (or resumes) a run: 4009 is waited out (Coze started
 * nothing); the daily quota 4008 is not; 4013 and 4020 come from a model, inside the run, so the run failed.
 */
export function limitCodes(mode: Mode, more: Requests = {}): FaultCell {
	return cell(
		"4009: Coze started nothing, so the request is repeated after a pause, once here, and the run gives its result. 4008 (daily quota): error with the limit hint, not repeated. 4013 (a model error) and 4020 (the model's per-minute limit) come from a model inside the run: the run failed, with the model hint; not repeated.",
		...LIMIT_CODES.map((code) => ({
			label: String(code),
			...(code === 4009
				? armedAtStart(mode, { limitCode: code }, { ...succeeded(), ...(mode === 'resume' ? {} : { runs: 1 }), requests: { [START[mode].kind]: 2, ...more } })
				: code === 4008
					? refusedAtStart(mode, { limitCode: code }, apiError(/Coze refused the request \(4008\)/, { code, hint: LIMIT_HINT }))
					: refusedAtStart(mode, { limitCode: code }, apiError(isChatMode(mode) ? /The Coze chat failed/ : /The Coze workflow failed/, { code, hint: MODEL_HINTS[code] }))),
		})),
	);
}

/**
 * A stream oddity the node ignores: stream and resume get the plain result, with the knob armed once
 * on their endpoint; the JSON modes have nothing of the kind (`na` says why).
 */
export function ignoredInStreams(
	streamKnobs: Partial<Knobs>,
	resumeKnobs: Partial<Knobs>,
	na: string,
	streamSays = 'Ignored: the result, the same as without it.',
): Omit<FaultRow['cells'], ChatMode> {
	return {
		stream: cell(streamSays, armedAtStart('stream', streamKnobs, { ...succeeded(), runs: 1 })),
		async: { na },
		sync: { na },
		resume: cell('Ignored: the result.', armedAtStart('resume', resumeKnobs, succeeded())),
	};
}

/** Why a stream oddity has no chat cells. */
export const NO_CHAT_KNOB = "The emulator's chat streams do not make this fault (no knob on the chat surface).";

// ---- checks of the item ----------------------------------------------------------------------

export const has5MbMessage = (json: IDataObject) => {
	const messages = (json.messages ?? []) as Array<{ content: string }>;
	if (!messages.some((m) => Buffer.byteLength(m.content) === FIVE_MB)) throw new Error('no 5 MB message in the output');
};
export const has5MbOutput = (json: IDataObject) => {
	const output = json.output as { output?: string } | null;
	if (Buffer.byteLength(output?.output ?? '') !== FIVE_MB) throw new Error('the output is not the 5 MB of the End node');
};
export const hasPing = (json: IDataObject) => {
	const events = (json.events ?? []) as Array<{ type: string }>;
	if (events[0]?.type !== 'PING') throw new Error(`the first event is ${events[0]?.type}, not a PING`);
};
export const questionInterrupt = (json: IDataObject) => {
	const interrupt = json.interrupt as { eventId: string; type: number; question: string };
	if (!/^\d{19}\/\d+$/.test(interrupt.eventId) || interrupt.type !== 2) throw new Error(`unexpected interrupt ${JSON.stringify(interrupt)}`);
	if (json.executeId !== interrupt.eventId.split('/')[0]) throw new Error('the execute ID is not the one in the event ID');
};
export const wholeBigOutput = (json: IDataObject) => {
	if (json.outputTrimmed !== undefined) throw new Error('a streamed or sync result is never trimmed');
	const output = json.output as { characters: number };
	const message = ((json.messages ?? []) as Array<{ nodeTitle: string; content: string }>).find((m) => m.nodeTitle === 'Message');
	if (message && message.content.length !== output.characters) throw new Error('the Output node content is not whole');
};

export function hasExecuteId(json: IDataObject): void {
	if (typeof json.executeId !== 'string' || !/^\d{19}$/.test(json.executeId)) throw new Error(`no execute ID: ${String(json.executeId)}`);
}

export function inputInterrupt(json: IDataObject): void {
	const interrupt = json.interrupt as { eventId: string; type: number; requiredParameters: Record<string, unknown> | null };
	if (interrupt.type !== 5 || !interrupt.requiredParameters?.img || !/^\d{19}\/\d+$/.test(interrupt.eventId)) {
		throw new Error(`unexpected interrupt ${JSON.stringify(interrupt)}`);
	}
}

export function trimmedFetched(json: IDataObject): void {
	if (json.outputTrimmed !== true) throw new Error('outputTrimmed is not set');
	const output = json.output as { characters: number };
	const message = ((json.messages ?? []) as Array<{ nodeTitle: string; content: string }>).find((m) => m.nodeTitle === 'Message');
	if (!message || message.content.length !== output.characters) throw new Error('the Output node content was not fetched whole');
}
