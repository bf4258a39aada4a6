/**
 * The Coze fault matrix as data (issue 11): rows are faults, columns are the Coze Workflow node's
 * modes (stream, async, sync, resume), and each cell says how the fault is made and what the node
 * must do about it. `coze-fault-matrix.test.ts` runs one test per cell and `docs/fault-matrix.md`
 * is generated from the same data, so the docs and the tests cannot drift apart.
 *
 * Counts of requests and runs are those of the cell itself (a resume cell's interrupted run, made
 * before the fault is armed, is not counted). Request kinds not listed in `requests` must not occur.
 */
import type { IDataObject } from 'n8n-workflow';

import type { CozeEmulator, WorkflowScenario } from '../emulator';
import type { NodeRunResult } from '../harness/engine';
import { IDS } from '../engine/helpers';
import type { FaultProxy } from '../support/fault-proxy';

export const MODES = ['stream', 'async', 'sync', 'resume'] as const;
export type Mode = (typeof MODES)[number];

export const MODE_TITLES: Record<Mode, string> = {
	stream: 'Stream (`stream_run`)',
	async: 'Async (`is_async` + polling)',
	sync: 'Sync (`/v1/workflow/run`)',
	resume: 'Resume (`stream_resume`)',
};

/** The requests a cell counts, by what they are. */
export const REQUEST_KINDS = {
	stream_run: (path: string) => path === '/v1/workflow/stream_run',
	run: (path: string) => path === '/v1/workflow/run',
	stream_resume: (path: string) => path === '/v1/workflow/stream_resume',
	history: (path: string) => /^\/v1\/workflows\/\d+\/run_histories\/\d+$/.test(path),
	execute_nodes: (path: string) => path.includes('/execute_nodes/'),
} as const;
export type RequestKind = keyof typeof REQUEST_KINDS;

export interface CellContext {
	emu: CozeEmulator;
	/** A fault proxy in front of the emulator (cells with `via: 'proxy'`). */
	proxy?: FaultProxy;
}

export interface ValueExpectation {
	result: 'value';
	status: 'succeeded' | 'interrupted';
	/** `baseline`: the same output as a run without the fault; `null`: no output. */
	output?: 'baseline' | 'null';
	/** A hint shown on the output pane. */
	notice?: RegExp;
	check?: (json: IDataObject, result: NodeRunResult) => void;
}

export interface ErrorExpectation {
	result: 'error';
	error: 'NodeApiError' | 'NodeOperationError';
	message: RegExp;
	/** Coze's business code, as the error description names it. */
	code?: number;
	httpStatus?: number;
	/** What the error description must also say (the hint). */
	hint?: RegExp;
}

export type Expectation = (ValueExpectation | ErrorExpectation) & {
	/** Runs the emulator started for this case (never 2: a retry must not start a second run). */
	runs?: number;
	/** Requests per kind; `{ atLeast }` for polling. Omitted kinds must be 0. */
	requests?: Partial<Record<RequestKind, number | { atLeast: number }>>;
};

export interface FaultCase {
	/** Sub-case name, when a cell has several (the limit codes). */
	label?: string;
	/** Where the node is pointed: the emulator, a fault proxy in front of it, or a port nobody listens on. */
	via?: 'emulator' | 'proxy' | 'closed-port';
	/** Coze time per real time (default 0.001: Coze's 40 s are 40 ms). */
	timeScale?: number;
	workflow?: string;
	/** The workflow inputs (default `{"topic":"x"}`). */
	input?: string;
	/** Resume: the answer (default a valid date for the trip planner). */
	answer?: string;
	/** The node's Options. */
	options?: IDataObject;
	/** Arms the fault: emulator knobs or proxy faults. Runs after a resume cell's interrupted run. */
	arrange?: (ctx: CellContext) => void;
	expect: Expectation;
}

export interface FaultCell {
	/** The expected result in words: the docs' table cell. */
	says: string;
	cases: FaultCase[];
}

export interface NotApplicable {
	na: string;
}

export interface FaultRow {
	id: string;
	fault: string;
	/** How the fault is made. */
	how: string;
	cells: Record<Mode, FaultCell | NotApplicable>;
}

export function isApplicable(cell: FaultCell | NotApplicable): cell is FaultCell {
	return 'cases' in cell;
}

// ---- workflows of the matrix ----------------------------------------------------------------

const QUESTION = { id: '148293', type: 'Question', title: '问答' };

/** Workflows the built-in catalogue lacks, added to each cell's emulator. */
export const MATRIX_SCENARIOS: WorkflowScenario[] = [
	{ id: '7400000000000009001', name: 'No output', description: 'Finishes without any Message: only Done.', script: [{ kind: 'wait', ms: 1000 }] },
	{
		id: '7400000000000009002',
		name: 'Five megabytes',
		description: 'The End node returns 5 MB of variables in one Message.',
		script: [
			{ kind: 'wait', ms: 1000 },
			{ kind: 'end', mode: 'variables', output: () => ({ output: FIVE_MB_TEXT() }) },
		],
	},
	{
		id: '7400000000000009003',
		name: 'Question, then nothing',
		description: 'A question; after the answer the workflow ends without any Message.',
		script: [
			{ kind: 'wait', ms: 500 },
			{ kind: 'interrupt', node: QUESTION, interruptType: 2, question: 'Which day?', resume: { then: [{ kind: 'wait', ms: 500 }] } },
		],
	},
	{
		id: '7400000000000009004',
		name: 'Question, then a failure',
		description: 'A question; after the answer a node fails (Error, then Done).',
		script: [
			{ kind: 'wait', ms: 500 },
			{
				kind: 'interrupt',
				node: QUESTION,
				interruptType: 2,
				question: 'Which day?',
				resume: {
					then: [
						{ kind: 'wait', ms: 500 },
						{ kind: 'fail', errorCode: 5000, errorMessage: '[720712000] The node "Plan" failed after the answer.' },
					],
				},
			},
		],
	},
];

export const WF = {
	story: IDS.story,
	failing: IDS.failing,
	trip: IDS.tripQuestion,
	imageInput: IDS.imageInput,
	bigOutput: IDS.bigOutput,
	noOutput: '7400000000000009001',
	fiveMb: '7400000000000009002',
	questionThenNothing: '7400000000000009003',
	questionThenFailure: '7400000000000009004',
} as const;

const FIVE_MB = 5 * 1024 * 1024;
let fiveMbText: string | undefined;
function FIVE_MB_TEXT(): string {
	fiveMbText ??= 'x'.repeat(FIVE_MB);
	return fiveMbText;
}

/** Fast polling (seconds), as the engine tests use. */
const POLL = { pollInitialInterval: 0.02, pollMaxInterval: 0.1 };

export const VALID_ANSWER = '杭州，2024-08-20';
const STREAM_RESUME = '/v1/workflow/stream_resume';
const RUN = '/v1/workflow/run';
const STREAM_RUN = '/v1/workflow/stream_run';
const HISTORY = '/v1/workflows/*';
const isAsyncStart = (body: unknown) => typeof body === 'object' && body !== null && (body as { is_async?: unknown }).is_async === true;
const isSyncStart = (body: unknown) => typeof body === 'object' && body !== null && 'parameters' in body && !isAsyncStart(body);
const isPoll = (body: unknown) => body === undefined;

const NOT_JSON = '{"code":0,"msg":"","data":[{"execute_status":"Succ';
const PARAM_ERROR = '{"code":4000,"msg":"Request parameter error","detail":{"logid":"20250101000000FAULTMATRIX0000"}}\n';
const TRANSIENT_BODY =
	'{"code":720701013,"msg":"We\'re currently experiencing server issues. Please try again later.","debug_url":"https://www.coze.cn/work_flow?execute_id=7600000000000000001&space_id=7500000000000000001&workflow_id=7400000000000000014","detail":{"logid":"20250101000000FAULTMATRIX0001"}}\n';

// ---- expectations shared by several cells ------------------------------------------------------

const refused = (): FaultCell => ({
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

const apiError = (message: RegExp, extra: Partial<ErrorExpectation> = {}): ErrorExpectation => ({
	result: 'error',
	error: 'NodeApiError',
	message,
	...extra,
});
const operationError = (message: RegExp): ErrorExpectation => ({ result: 'error', error: 'NodeOperationError', message });
const succeeded = (extra: Partial<ValueExpectation> = {}): ValueExpectation => ({
	result: 'value',
	status: 'succeeded',
	output: 'baseline',
	...extra,
});

const LIMIT_HINT = /limiting requests/;
const LIMIT_CODES = [4008, 4009, 4013, 4020] as const;

/** A limit code on a request that cannot have started anything: waited out, except the daily quota. */
function limitCodesRetried(
	path: string,
	kind: RequestKind,
	more: Partial<Record<RequestKind, number | { atLeast: number }>>,
	options?: IDataObject,
): FaultCell {
	return {
		says: '4009, 4013, 4020: Coze started nothing, so the request is repeated after a pause, once here, and the run gives its result. 4008 (daily quota): error with the limit hint, not repeated.',
		cases: LIMIT_CODES.map((code) => ({
			label: String(code),
			options,
			arrange: ({ emu }) => emu.setKnobs({ limitCode: code }, { times: 1, path }),
			expect:
				code === 4008
					? { ...apiError(/Coze refused the request \(4008\)/, { code, hint: LIMIT_HINT }), runs: 0, requests: { [kind]: 1 } }
					: { ...succeeded(), runs: 1, requests: { [kind]: 2, ...more } },
		})),
	};
}

/**
 * A stream oddity the node ignores: stream and resume get the plain result, with the knob armed once
 * on their endpoint; the JSON modes have nothing of the kind (`na` says why).
 */
function ignoredInStreams(
	streamKnobs: Parameters<CozeEmulator['setKnobs']>[0],
	resumeKnobs: Parameters<CozeEmulator['setKnobs']>[0],
	na: string,
	streamSays = 'Ignored: the result, the same as without it.',
): FaultRow['cells'] {
	return {
		stream: {
			says: streamSays,
			cases: [
				{
					arrange: ({ emu }) => emu.setKnobs(streamKnobs, { times: 1, path: STREAM_RUN }),
					expect: { ...succeeded(), runs: 1, requests: { stream_run: 1 } },
				},
			],
		},
		async: { na },
		sync: { na },
		resume: {
			says: 'Ignored: the result.',
			cases: [
				{
					arrange: ({ emu }) => emu.setKnobs(resumeKnobs, { times: 1, path: STREAM_RESUME }),
					expect: { ...succeeded(), requests: { stream_resume: 1 } },
				},
			],
		},
	};
}

const has5MbMessage = (json: IDataObject) => {
	const messages = (json.messages ?? []) as Array<{ content: string }>;
	if (!messages.some((m) => Buffer.byteLength(m.content) === FIVE_MB)) throw new Error('no 5 MB message in the output');
};
const has5MbOutput = (json: IDataObject) => {
	const output = json.output as { output?: string } | null;
	if (Buffer.byteLength(output?.output ?? '') !== FIVE_MB) throw new Error('the output is not the 5 MB of the End node');
};
const hasPing = (json: IDataObject) => {
	const events = (json.events ?? []) as Array<{ type: string }>;
	if (events[0]?.type !== 'PING') throw new Error(`the first event is ${events[0]?.type}, not a PING`);
};
const questionInterrupt = (json: IDataObject) => {
	const interrupt = json.interrupt as { eventId: string; type: number; question: string };
	if (!/^\d{19}\/\d+$/.test(interrupt.eventId) || interrupt.type !== 2) throw new Error(`unexpected interrupt ${JSON.stringify(interrupt)}`);
	if (json.executeId !== interrupt.eventId.split('/')[0]) throw new Error('the execute ID is not the one in the event ID');
};
const wholeBigOutput = (json: IDataObject) => {
	if (json.outputTrimmed !== undefined) throw new Error('a streamed or sync result is never trimmed');
	const output = json.output as { characters: number };
	const message = ((json.messages ?? []) as Array<{ nodeTitle: string; content: string }>).find((m) => m.nodeTitle === 'Message');
	if (message && message.content.length !== output.characters) throw new Error('the Output node content is not whole');
};

// ---- the matrix ----------------------------------------------------------------------------------

export const FAULT_MATRIX: FaultRow[] = [
	{
		id: 'refused',
		fault: 'Connection refused',
		how: 'The credential points at a loopback port nobody listens on.',
		cells: {
			stream: refused(),
			async: refused(),
			sync: refused(),
			resume: { says: refused().says, cases: [{ via: 'closed-port', expect: refused().cases[0].expect }] },
		},
	},
	{
		id: 'reset-before-headers',
		fault: 'Reset before headers',
		how: 'Knob `resetBeforeHeaders` on the request that starts (or resumes) the run: the socket is destroyed before any response byte.',
		cells: {
			stream: {
				says: 'Error "the connection was reset"; not repeated, since Coze may have received it, and the message says to check Coze before running again.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ resetBeforeHeaders: true }, { times: 1, path: STREAM_RUN }),
						expect: {
							...operationError(/connection was reset.*may have received the request, so it was not repeated/),
							runs: 0,
							requests: { stream_run: 1 },
						},
					},
				],
			},
			async: {
				says: 'On the start request: error "the connection was reset", not repeated (it may have started a run), no polling.',
				cases: [
					{
						options: POLL,
						arrange: ({ emu }) => emu.setKnobs({ resetBeforeHeaders: true }, { times: 1, path: RUN }),
						expect: {
							...operationError(/connection was reset.*may have received the request, so it was not repeated/),
							runs: 0,
							requests: { run: 1 },
						},
					},
				],
			},
			sync: {
				says: 'Error "Coze closed the connection before answering the sync run … The run may have started; check its history"; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ resetBeforeHeaders: true }, { times: 1, path: RUN }),
						expect: {
							...operationError(/closed the connection before answering the sync run.*The run may have started/),
							runs: 0,
							requests: { run: 1 },
						},
					},
				],
			},
			resume: {
				says: 'Error "the connection was reset"; the resume is not repeated (it may have reached Coze).',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ resetBeforeHeaders: true }, { times: 1, path: STREAM_RESUME }),
						expect: { ...operationError(/connection was reset.*may have received the request/), requests: { stream_resume: 1 } },
					},
				],
			},
		},
	},
	{
		id: 'reset-before-execute-id',
		fault: 'Reset mid-answer, execute ID not yet known',
		how: 'Stream: knob `cutAfterEvents: 2` (two PINGs, then the socket is destroyed). Async and sync: a fault proxy forwards the start request to Coze, which starts the run, then resets the connection instead of answering.',
		cells: {
			stream: {
				says: 'Error "The stream ended before the workflow finished … Coze sent no execute ID before that, so the run cannot be looked up"; not repeated; the one run goes on in Coze.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ cutAfterEvents: 2 }, { times: 1, path: STREAM_RUN }),
						expect: { ...operationError(/stream ended before the workflow finished.*no execute ID/), runs: 1, requests: { stream_run: 1 } },
					},
				],
			},
			async: {
				says: 'The run started but its answer (with the execute ID) was lost: error "the connection was reset … may have received the request, so it was not repeated"; exactly one run.',
				cases: [
					{
						via: 'proxy',
						options: POLL,
						arrange: ({ proxy }) => proxy!.faults.push({ when: isAsyncStart, times: 1, kind: 'reset-after-forward' }),
						expect: {
							...operationError(/connection was reset.*may have received the request, so it was not repeated/),
							runs: 1,
							requests: { run: 1 },
						},
					},
				],
			},
			sync: {
				says: 'The run started but its answer was lost: error "… The run may have started; check its history"; not repeated, exactly one run.',
				cases: [
					{
						via: 'proxy',
						arrange: ({ proxy }) => proxy!.faults.push({ when: isSyncStart, times: 1, kind: 'reset-after-forward' }),
						expect: { ...operationError(/The run may have started; check its history/), runs: 1, requests: { run: 1 } },
					},
				],
			},
			resume: { na: 'The execute ID is the first part of the event ID the resume sends: it is always known.' },
		},
	},
	{
		id: 'reset-after-execute-id',
		fault: 'Reset mid-answer, execute ID known',
		how: 'Stream: the failing workflow, knob `cutAfterEvents: 3` cuts right after its `Error` event (whose debug URL names the execute ID), before `Done`. Async: knob `resetBeforeHeaders` on the first poll. Resume: knob `cutAfterEvents: 1` on `stream_resume`.',
		cells: {
			stream: {
				says: 'The `Error` already received is the answer: error "The Coze workflow failed: [720712000] …" with code 5000, debug URL and execute ID; not repeated.',
				cases: [
					{
						workflow: WF.failing,
						input: '{"query":"q"}',
						arrange: ({ emu }) => emu.setKnobs({ cutAfterEvents: 3 }, { times: 1, path: STREAM_RUN }),
						expect: {
							...apiError(/The Coze workflow failed: \[720712000\]/, { code: 5000, hint: /execute ID \d{19}/ }),
							runs: 1,
							requests: { stream_run: 1 },
						},
					},
				],
			},
			async: {
				says: 'A poll is a read: it is repeated, and the run gives its result. One run.',
				cases: [
					{
						options: POLL,
						arrange: ({ emu }) => emu.setKnobs({ resetBeforeHeaders: true }, { times: 1, path: HISTORY }),
						expect: { ...succeeded(), runs: 1, requests: { run: 1, history: { atLeast: 2 } } },
					},
				],
			},
			sync: { na: 'A sync answer brings the execute ID together with the result: there is no "after".' },
			resume: {
				says: 'The run is read from its run history (execute ID from the event ID): the result, with the notice "the result was read from the run history". The resume is not repeated.',
				cases: [
					{
						options: POLL,
						arrange: ({ emu }) => emu.setKnobs({ cutAfterEvents: 1 }, { times: 1, path: STREAM_RESUME }),
						expect: { ...succeeded({ notice: /read from the run history/ }), requests: { stream_resume: 1, history: { atLeast: 1 } } },
					},
				],
			},
		},
	},
	{
		id: 'slow-first-byte',
		fault: 'First byte after 40 s, PINGs',
		how: "Knobs `firstByteDelayMs: 40000, pingIntervalMs: 40000` (nothing for 40 s, then a PING first, PINGs every 40 s while the workflow works), Coze time ×0.01, Idle Timeout 0.9 s (Coze's 90 s on that scale). Sync: knob `syncLatencyMs: 40000`, Request Timeout 1.2 s.",
		cells: {
			stream: {
				says: 'Waits: the result, the same as without the delay; the PINGs are skipped (kept only in the events).',
				cases: [
					{
						timeScale: 0.01,
						options: { idleTimeout: 0.9, includeEvents: true },
						arrange: ({ emu }) => emu.setKnobs({ firstByteDelayMs: 40_000, pingIntervalMs: 40_000 }, { times: 1, path: STREAM_RUN }),
						expect: { ...succeeded({ check: hasPing }), runs: 1, requests: { stream_run: 1 } },
					},
				],
			},
			async: { na: 'No long answer to wait for: the start answers at once and each poll is a short read (a silent poll is the silence row).' },
			sync: {
				says: 'Waits for the late answer (JSON has no PINGs): the result.',
				cases: [
					{
						timeScale: 0.01,
						options: { requestTimeout: 1.2 },
						arrange: ({ emu }) => emu.setKnobs({ syncLatencyMs: 40_000 }, { times: 1, path: RUN }),
						expect: { ...succeeded(), runs: 1, requests: { run: 1 } },
					},
				],
			},
			resume: {
				says: 'Waits: the result of the resumed run.',
				cases: [
					{
						timeScale: 0.01,
						options: { idleTimeout: 0.9, includeEvents: true },
						arrange: ({ emu }) => emu.setKnobs({ firstByteDelayMs: 40_000, pingIntervalMs: 40_000 }, { times: 1, path: STREAM_RESUME }),
						expect: { ...succeeded({ check: hasPing }), requests: { stream_resume: 1 } },
					},
				],
			},
		},
	},
	{
		id: 'silence',
		fault: 'Silence longer than the idle timeout',
		how: "Stream and resume: knobs `silenceAfterEvents: 2` (resume: 1) and `silenceMs: 3600000`, Idle Timeout 0.3 s. Async: the fault proxy swallows the first poll, Request Timeout 0.3 s. Sync: knob `syncLatencyMs: 80000` (under Coze's 90 s cut) at Coze time ×0.01, Request Timeout 0.3 s.",
		cells: {
			stream: {
				says: 'Gives up after the idle timeout: error "The stream ended before the workflow finished (Coze sent nothing for … Idle Timeout) … no execute ID"; not repeated.',
				cases: [
					{
						options: { idleTimeout: 0.3 },
						arrange: ({ emu }) => emu.setKnobs({ silenceAfterEvents: 2, silenceMs: 3_600_000 }, { times: 1, path: STREAM_RUN }),
						expect: {
							...operationError(/stream ended before the workflow finished \(Coze sent nothing for .*Idle Timeout/),
							runs: 1,
							requests: { stream_run: 1 },
						},
					},
				],
			},
			async: {
				says: 'The silent poll times out and is repeated (a read): the result. One run.',
				cases: [
					{
						via: 'proxy',
						options: { ...POLL, requestTimeout: 0.3 },
						arrange: ({ proxy }) => proxy!.faults.push({ when: isPoll, times: 1, kind: 'swallow-response' }),
						expect: { ...succeeded(), runs: 1, requests: { run: 1, history: { atLeast: 2 } } },
					},
				],
			},
			sync: {
				says: 'Error "Coze sent nothing for … so the connection was closed … The run may have started; check its history"; not repeated.',
				cases: [
					{
						timeScale: 0.01,
						options: { requestTimeout: 0.3 },
						arrange: ({ emu }) => emu.setKnobs({ syncLatencyMs: 80_000 }, { times: 1, path: RUN }),
						expect: { ...operationError(/Coze sent nothing for .*The run may have started; check its history/), runs: 1, requests: { run: 1 } },
					},
				],
			},
			resume: {
				says: 'Gives up on the silent stream after the idle timeout and reads the run from its history: the result, with the notice.',
				cases: [
					{
						options: { ...POLL, idleTimeout: 0.3 },
						arrange: ({ emu }) => emu.setKnobs({ silenceAfterEvents: 1, silenceMs: 3_600_000 }, { times: 1, path: STREAM_RESUME }),
						expect: { ...succeeded({ notice: /read from the run history/ }), requests: { stream_resume: 1, history: { atLeast: 1 } } },
					},
				],
			},
		},
	},
	{
		id: 'http-401',
		fault: 'HTTP 401 with JSON',
		how: 'Knob `httpStatus: 401`: `{"code":4100,"msg":"authentication is invalid"}` on the start (resume) request.',
		cells: {
			stream: {
				says: 'Error "Coze refused the request (4100)", HTTP 401, with the token/region hint; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 401 }, { times: 1, path: STREAM_RUN }),
						expect: {
							...apiError(/Coze refused the request \(4100\)/, { code: 4100, httpStatus: 401, hint: /switch the region/ }),
							runs: 0,
							requests: { stream_run: 1 },
						},
					},
				],
			},
			async: {
				says: 'On the start request: the same error; no polling.',
				cases: [
					{
						options: POLL,
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 401 }, { times: 1, path: RUN }),
						expect: {
							...apiError(/Coze refused the request \(4100\)/, { code: 4100, httpStatus: 401, hint: /switch the region/ }),
							runs: 0,
							requests: { run: 1 },
						},
					},
				],
			},
			sync: {
				says: 'The same error; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 401 }, { times: 1, path: RUN }),
						expect: {
							...apiError(/Coze refused the request \(4100\)/, { code: 4100, httpStatus: 401, hint: /switch the region/ }),
							runs: 0,
							requests: { run: 1 },
						},
					},
				],
			},
			resume: {
				says: 'The same error; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 401 }, { times: 1, path: STREAM_RESUME }),
						expect: {
							...apiError(/Coze refused the request \(4100\)/, { code: 4100, httpStatus: 401, hint: /switch the region/ }),
							requests: { stream_resume: 1 },
						},
					},
				],
			},
		},
	},
	{
		id: 'code-non-zero',
		fault: 'HTTP 200 JSON, non-zero code',
		how: 'Knob `httpBody` (HTTP 200): `{"code":4000,"msg":"Request parameter error",…}` on the start (resume) request.',
		cells: {
			stream: {
				says: 'Error "Coze refused the request (4000): Request parameter error" with the parameter hint; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 200, httpBody: PARAM_ERROR }, { times: 1, path: STREAM_RUN }),
						expect: {
							...apiError(/Coze refused the request \(4000\): Request parameter error/, { code: 4000, hint: /rejected the request parameters/ }),
							runs: 0,
							requests: { stream_run: 1 },
						},
					},
				],
			},
			async: {
				says: 'On the start request: the same error; no polling.',
				cases: [
					{
						options: POLL,
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 200, httpBody: PARAM_ERROR }, { times: 1, path: RUN }),
						expect: {
							...apiError(/Coze refused the request \(4000\): Request parameter error/, { code: 4000, hint: /rejected the request parameters/ }),
							runs: 0,
							requests: { run: 1 },
						},
					},
				],
			},
			sync: {
				says: 'The same error; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 200, httpBody: PARAM_ERROR }, { times: 1, path: RUN }),
						expect: {
							...apiError(/Coze refused the request \(4000\): Request parameter error/, { code: 4000, hint: /rejected the request parameters/ }),
							runs: 0,
							requests: { run: 1 },
						},
					},
				],
			},
			resume: {
				says: 'The same error; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 200, httpBody: PARAM_ERROR }, { times: 1, path: STREAM_RESUME }),
						expect: {
							...apiError(/Coze refused the request \(4000\): Request parameter error/, { code: 4000, hint: /rejected the request parameters/ }),
							requests: { stream_resume: 1 },
						},
					},
				],
			},
		},
	},
	{
		id: 'html-502',
		fault: 'HTML 502',
		how: 'Knob `httpStatus: 502`: nginx\'s "502 Bad Gateway" page. Async: on the first poll.',
		cells: {
			stream: {
				says: 'Error "Coze answered HTTP 502 with an HTML page ("502 Bad Gateway"), usually a gateway or proxy error"; not repeated (the gateway may have passed the run on).',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 502 }, { times: 1, path: STREAM_RUN }),
						expect: {
							...apiError(/Coze answered HTTP 502 with an HTML page \("502 Bad Gateway"\)/, { httpStatus: 502 }),
							runs: 0,
							requests: { stream_run: 1 },
						},
					},
				],
			},
			async: {
				says: 'On a poll: repeated after a pause (a read), then the result. One run.',
				cases: [
					{
						options: POLL,
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 502 }, { times: 1, path: HISTORY }),
						expect: { ...succeeded(), runs: 1, requests: { run: 1, history: { atLeast: 2 } } },
					},
				],
			},
			sync: {
				says: 'The same error as in stream mode; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 502 }, { times: 1, path: RUN }),
						expect: {
							...apiError(/Coze answered HTTP 502 with an HTML page \("502 Bad Gateway"\)/, { httpStatus: 502 }),
							runs: 0,
							requests: { run: 1 },
						},
					},
				],
			},
			resume: {
				says: 'The same error; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 502 }, { times: 1, path: STREAM_RESUME }),
						expect: { ...apiError(/Coze answered HTTP 502 with an HTML page/, { httpStatus: 502 }), requests: { stream_resume: 1 } },
					},
				],
			},
		},
	},
	{
		id: 'empty-body',
		fault: 'Empty body',
		how: 'Knob `emptyBody`: HTTP 200, `Content-Length: 0`. Async: on the first poll.',
		cells: {
			stream: {
				says: 'Error "Coze answered HTTP 200 with an empty body"; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ emptyBody: true }, { times: 1, path: STREAM_RUN }),
						expect: { ...apiError(/Coze answered HTTP 200 with an empty body/, { httpStatus: 200 }), runs: 0, requests: { stream_run: 1 } },
					},
				],
			},
			async: {
				says: 'On a poll: repeated (a read), then the result. One run.',
				cases: [
					{
						options: POLL,
						arrange: ({ emu }) => emu.setKnobs({ emptyBody: true }, { times: 1, path: HISTORY }),
						expect: { ...succeeded(), runs: 1, requests: { run: 1, history: { atLeast: 2 } } },
					},
				],
			},
			sync: {
				says: 'The same error as in stream mode; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ emptyBody: true }, { times: 1, path: RUN }),
						expect: { ...apiError(/Coze answered HTTP 200 with an empty body/, { httpStatus: 200 }), runs: 0, requests: { run: 1 } },
					},
				],
			},
			resume: {
				says: 'The same error; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ emptyBody: true }, { times: 1, path: STREAM_RESUME }),
						expect: { ...apiError(/Coze answered HTTP 200 with an empty body/, { httpStatus: 200 }), requests: { stream_resume: 1 } },
					},
				],
			},
		},
	},
	{
		id: 'malformed-sse-line',
		fault: 'Malformed SSE line',
		how: 'Knob `malformedLine`: a line that is no `field: value` after the first event.',
		cells: ignoredInStreams(
			{ malformedLine: true },
			{ malformedLine: true },
			'JSON answers have no SSE lines (a body that is not JSON is the invalid-JSON row).',
		),
	},
	{
		id: 'invalid-json',
		fault: 'Invalid JSON in `data`',
		how: 'Knob `invalidJsonData`: a `Message` whose data is `{"content":"unterminated`. Async and sync: knob `httpBody` with cut-off JSON (HTTP 200); async on the first poll.',
		cells: {
			stream: {
				says: 'A protocol violation: error "Coze sent a Message event (id …) whose data is not valid JSON"; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ invalidJsonData: true }, { times: 1, path: STREAM_RUN }),
						expect: { ...operationError(/Coze sent a Message event \(id \d+\) whose data is not valid JSON/), runs: 1, requests: { stream_run: 1 } },
					},
				],
			},
			async: {
				says: 'On a poll: repeated (a read), then the result. One run.',
				cases: [
					{
						options: POLL,
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 200, httpBody: NOT_JSON }, { times: 1, path: HISTORY }),
						expect: { ...succeeded(), runs: 1, requests: { run: 1, history: { atLeast: 2 } } },
					},
				],
			},
			sync: {
				says: 'Error "Coze answered HTTP 200 with a body that is not JSON"; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 200, httpBody: NOT_JSON }, { times: 1, path: RUN }),
						expect: { ...apiError(/Coze answered HTTP 200 with a body that is not JSON/, { httpStatus: 200 }), runs: 0, requests: { run: 1 } },
					},
				],
			},
			resume: {
				says: 'The same error as in stream mode; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ invalidJsonData: true }, { times: 1, path: STREAM_RESUME }),
						expect: { ...operationError(/Coze sent a Message event \(id \d+\) whose data is not valid JSON/), requests: { stream_resume: 1 } },
					},
				],
			},
		},
	},
	{
		id: 'unknown-event',
		fault: 'Unknown event',
		how: 'Knob `unknownEvent`: an event named `Progress` after the first event.',
		cells: ignoredInStreams({ unknownEvent: true }, { unknownEvent: true }, 'JSON answers have no events.'),
	},
	{
		id: 'error-then-done',
		fault: '`Error` then `Done`',
		how: 'The failing workflow (`Error` 5000 "[720712000] …", then `Done`). Async: knob `failAsync` (the history says `Fail`). Resume: a workflow that fails after the answer.',
		cells: {
			stream: {
				says: 'One failure: error "The Coze workflow failed: [720712000] …", code 5000, with debug URL and execute ID; not repeated.',
				cases: [
					{
						workflow: WF.failing,
						input: '{"query":"q"}',
						expect: {
							...apiError(/The Coze workflow failed: \[720712000\]/, {
								code: 5000,
								hint: /Debug URL: https:\/\/www\.coze\.cn\/work_flow\?execute_id=\d{19}/,
							}),
							runs: 1,
							requests: { stream_run: 1 },
						},
					},
				],
			},
			async: {
				says: 'Error "The Coze workflow failed: …" with code 720712000 as the history says; one run.',
				cases: [
					{
						options: POLL,
						arrange: ({ emu }) => emu.setKnobs({ failAsync: true }, { times: 1, path: RUN }),
						expect: { ...apiError(/The Coze workflow failed/, { code: 720712000 }), runs: 1, requests: { run: 1, history: { atLeast: 1 } } },
					},
				],
			},
			sync: {
				says: 'Error "Coze refused the request (5000): [720712000] …" with the execute ID; not repeated.',
				cases: [
					{
						workflow: WF.failing,
						input: '{"query":"q"}',
						expect: { ...apiError(/\(5000\): \[720712000\]/, { code: 5000, hint: /execute ID \d{19}/ }), runs: 1, requests: { run: 1 } },
					},
				],
			},
			resume: {
				says: 'Error "The Coze workflow failed: [720712000] …", code 5000.',
				cases: [
					{
						workflow: WF.questionThenFailure,
						expect: { ...apiError(/The Coze workflow failed: \[720712000\]/, { code: 5000 }), requests: { stream_resume: 1 } },
					},
				],
			},
		},
	},
	{
		id: 'done-without-message',
		fault: '`Done` without any Message',
		how: 'A workflow that ends without output: its stream is only `Done`; its sync answer and history carry an empty output.',
		cells: {
			stream: {
				says: 'Succeeded, output `null`, execute ID from the `Done` debug URL.',
				cases: [
					{
						workflow: WF.noOutput,
						input: '{}',
						expect: { result: 'value', status: 'succeeded', output: 'null', check: hasExecuteId, runs: 1, requests: { stream_run: 1 } },
					},
				],
			},
			async: {
				says: 'Succeeded, output `null`.',
				cases: [
					{
						workflow: WF.noOutput,
						input: '{}',
						options: POLL,
						expect: {
							result: 'value',
							status: 'succeeded',
							output: 'null',
							check: hasExecuteId,
							runs: 1,
							requests: { run: 1, history: { atLeast: 1 } },
						},
					},
				],
			},
			sync: {
				says: 'Succeeded, output `null`.',
				cases: [
					{
						workflow: WF.noOutput,
						input: '{}',
						expect: { result: 'value', status: 'succeeded', output: 'null', check: hasExecuteId, runs: 1, requests: { run: 1 } },
					},
				],
			},
			resume: {
				says: 'Succeeded, output `null`.',
				cases: [
					{
						workflow: WF.questionThenNothing,
						input: '{}',
						expect: { result: 'value', status: 'succeeded', output: 'null', requests: { stream_resume: 1 } },
					},
				],
			},
		},
	},
	{
		id: 'interrupt-then-close',
		fault: '`Interrupt` then close',
		how: "The trip planner's question node (no `Done` after `Interrupt`). Sync: an input node (Coze refuses question nodes in sync runs: 6039). Resume: an answer without a date, which asks again.",
		cells: {
			stream: {
				says: 'Interrupted: `interrupt.eventId` (`<execute_id>/<n>`), type 2 and the question text; execute ID from the event ID.',
				cases: [
					{
						workflow: WF.trip,
						input: '{}',
						expect: {
							result: 'value',
							status: 'interrupted',
							check: (json) => {
								questionInterrupt(json);
								if (!(json.interrupt as { question: string }).question) throw new Error('no question text');
							},
							runs: 1,
							requests: { stream_run: 1 },
						},
					},
				],
			},
			async: {
				says: "Polling stops at the history's `interrupt_data`: interrupted, with event ID and type (the history has no question text).",
				cases: [
					{
						workflow: WF.trip,
						input: '{}',
						options: POLL,
						expect: { result: 'value', status: 'interrupted', check: questionInterrupt, runs: 1, requests: { run: 1, history: { atLeast: 1 } } },
					},
				],
			},
			sync: {
				says: "The answer's `interrupt_data`: interrupted, type 5 with its required parameters.",
				cases: [
					{
						workflow: WF.imageInput,
						input: '{}',
						expect: { result: 'value', status: 'interrupted', check: inputInterrupt, runs: 1, requests: { run: 1 } },
					},
				],
			},
			resume: {
				says: 'Interrupted again, with a new event ID of the same execution.',
				cases: [
					{ answer: 'somewhere nice', expect: { result: 'value', status: 'interrupted', check: questionInterrupt, requests: { stream_resume: 1 } } },
				],
			},
		},
	},
	{
		id: 'repeated-ids',
		fault: 'Repeated event id',
		how: 'Knob `duplicateIds`: an event repeats the previous `id` (stream: the 3rd event; resume: the 2nd).',
		cells: ignoredInStreams(
			{ duplicateIds: 2 },
			{ duplicateIds: 1 },
			'JSON answers have no event ids.',
			'Ignored (ids are not used to assemble): the result, the same as without it.',
		),
	},
	{
		id: 'missing-ids',
		fault: 'Missing event id',
		how: 'Knob `missingIds`: an event skips one `id` number (no event is lost; stream: the 3rd event; resume: the 2nd).',
		cells: ignoredInStreams({ missingIds: 2 }, { missingIds: 1 }, 'JSON answers have no event ids.'),
	},
	{
		id: 'five-mb-event',
		fault: 'A single 5 MB event',
		how: 'Stream and resume: knob `bigEventBytes: 5242880` (one Message of exactly 5 MiB, split across many reads). Async and sync: a workflow whose End node returns 5 MiB (one answer, one history record).',
		cells: {
			stream: {
				says: 'Carried whole: the 5 MiB message is in `messages`, and the output is the same as without it.',
				cases: [
					{
						options: { includeMessages: true },
						arrange: ({ emu }) => emu.setKnobs({ bigEventBytes: FIVE_MB }, { times: 1, path: STREAM_RUN }),
						expect: { ...succeeded({ check: has5MbMessage }), runs: 1, requests: { stream_run: 1 } },
					},
				],
			},
			async: {
				says: 'The 5 MiB output, whole.',
				cases: [
					{
						workflow: WF.fiveMb,
						input: '{}',
						options: POLL,
						expect: { result: 'value', status: 'succeeded', check: has5MbOutput, runs: 1, requests: { run: 1, history: { atLeast: 1 } } },
					},
				],
			},
			sync: {
				says: 'The 5 MiB output, whole.',
				cases: [
					{ workflow: WF.fiveMb, input: '{}', expect: { result: 'value', status: 'succeeded', check: has5MbOutput, runs: 1, requests: { run: 1 } } },
				],
			},
			resume: {
				says: 'Carried whole, as in stream mode.',
				cases: [
					{
						options: { includeMessages: true },
						arrange: ({ emu }) => emu.setKnobs({ bigEventBytes: FIVE_MB }, { times: 1, path: STREAM_RESUME }),
						expect: { ...succeeded({ check: has5MbMessage }), requests: { stream_resume: 1 } },
					},
				],
			},
		},
	},
	{
		id: 'trimmed-output',
		fault: 'Trimmed output',
		how: 'The big-output workflow (~300 KB Output node) with knob `trimOutput`: its run history says `is_output_trimmed`.',
		cells: {
			stream: {
				says: 'Not affected (the stream carries every chunk): the whole Output node content, no `outputTrimmed`.',
				cases: [
					{
						workflow: WF.bigOutput,
						input: '{}',
						options: { includeMessages: true },
						expect: { result: 'value', status: 'succeeded', check: wholeBigOutput, runs: 1, requests: { stream_run: 1 } },
					},
				],
			},
			async: {
				says: "`outputTrimmed: true`, the Output node's full content fetched from `execute_nodes`, and a notice that Coze trimmed the stored output.",
				cases: [
					{
						workflow: WF.bigOutput,
						input: '{}',
						options: { ...POLL, includeMessages: true },
						expect: {
							result: 'value',
							status: 'succeeded',
							notice: /trimmed/,
							check: trimmedFetched,
							runs: 1,
							requests: { run: 1, history: { atLeast: 1 }, execute_nodes: 1 },
						},
					},
				],
			},
			sync: {
				says: 'Not affected (the answer carries the End output): no `outputTrimmed`.',
				cases: [
					{
						workflow: WF.bigOutput,
						input: '{}',
						expect: { result: 'value', status: 'succeeded', check: wholeBigOutput, runs: 1, requests: { run: 1 } },
					},
				],
			},
			resume: { na: 'Trimming applies to run histories; a resumed stream carries every chunk, as the stream column shows.' },
		},
	},
	{
		id: 'limit-codes',
		fault: 'Limit codes',
		how: 'Knob `limitCode` (4008 daily quota, 4009, 4013, 4020; HTTP 200 JSON) once, on the start (resume) request; one fresh emulator per code.',
		cells: {
			stream: limitCodesRetried(STREAM_RUN, 'stream_run', {}),
			async: limitCodesRetried(RUN, 'run', { history: { atLeast: 1 } }, POLL),
			sync: limitCodesRetried(RUN, 'run', {}),
			resume: {
				...limitCodesRetried(STREAM_RESUME, 'stream_resume', {}),
				cases: limitCodesRetried(STREAM_RESUME, 'stream_resume', {}).cases.map((c) => ({ ...c, expect: { ...c.expect, runs: undefined } })),
			},
		},
	},
	{
		id: 'transient-720701013',
		fault: '720701013',
		how: 'Knob `transientFailure`: HTTP 200 `{"code":720701013,…,"debug_url":…}`, no `execute_id` field, no run. Resume: the same body through `httpBody`.',
		cells: {
			stream: {
				says: 'Error "Coze refused the request (720701013)" with the hint "a temporary server problem and started no run. Running the node again usually works"; not repeated automatically.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ transientFailure: true }, { times: 1, path: STREAM_RUN }),
						expect: {
							...apiError(/Coze refused the request \(720701013\)/, { code: 720701013, hint: /temporary server problem and started no run/ }),
							runs: 0,
							requests: { stream_run: 1 },
						},
					},
				],
			},
			async: {
				says: 'On the start request: the same error; no polling.',
				cases: [
					{
						options: POLL,
						arrange: ({ emu }) => emu.setKnobs({ transientFailure: true }, { times: 1, path: RUN }),
						expect: {
							...apiError(/Coze refused the request \(720701013\)/, { code: 720701013, hint: /temporary server problem/ }),
							runs: 0,
							requests: { run: 1 },
						},
					},
				],
			},
			sync: {
				says: 'The same error; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ transientFailure: true }, { times: 1, path: RUN }),
						expect: {
							...apiError(/Coze refused the request \(720701013\)/, { code: 720701013, hint: /temporary server problem/ }),
							runs: 0,
							requests: { run: 1 },
						},
					},
				],
			},
			resume: {
				says: 'The same error; not repeated.',
				cases: [
					{
						arrange: ({ emu }) => emu.setKnobs({ httpStatus: 200, httpBody: TRANSIENT_BODY }, { times: 1, path: STREAM_RESUME }),
						expect: {
							...apiError(/Coze refused the request \(720701013\)/, { code: 720701013, hint: /temporary server problem/ }),
							requests: { stream_resume: 1 },
						},
					},
				],
			},
		},
	},
];

function hasExecuteId(json: IDataObject): void {
	if (typeof json.executeId !== 'string' || !/^\d{19}$/.test(json.executeId)) throw new Error(`no execute ID: ${String(json.executeId)}`);
}

function inputInterrupt(json: IDataObject): void {
	const interrupt = json.interrupt as { eventId: string; type: number; requiredParameters: Record<string, unknown> | null };
	if (interrupt.type !== 5 || !interrupt.requiredParameters?.img || !/^\d{19}\/\d+$/.test(interrupt.eventId)) {
		throw new Error(`unexpected interrupt ${JSON.stringify(interrupt)}`);
	}
}

function trimmedFetched(json: IDataObject): void {
	if (json.outputTrimmed !== true) throw new Error('outputTrimmed is not set');
	const output = json.output as { characters: number };
	const message = ((json.messages ?? []) as Array<{ nodeTitle: string; content: string }>).find((m) => m.nodeTitle === 'Message');
	if (!message || message.content.length !== output.characters) throw new Error('the Output node content was not fetched whole');
}
