/** The Coze fault matrix: one row per fault, one cell per mode (see `model.ts`). */
import { chatCells } from './chat-cells';
import type { ChatMode, FaultRow } from './model';
import {
	apiError,
	armedAtStart,
	cell,
	has5MbMessage,
	has5MbOutput,
	hasExecuteId,
	hasPing,
	ignoredInStreams,
	inputInterrupt,
	isAsyncStart,
	isPoll,
	isSyncStart,
	limitCodes,
	operationError,
	plainRun,
	pollRepeated,
	POLL,
	questionInterrupt,
	refused,
	refusedAtStart,
	refusedAtStartInEveryMode,
	SAME_ERROR,
	SAME_ERROR_AS_STREAM,
	SAME_ERROR_AT_START,
	succeeded,
	trimmedFetched,
	wholeBigOutput,
} from './builders';
import { FIVE_MB, WF } from './workflows';

const NOT_JSON = '{"code":0,"msg":"","data":[{"execute_status":"Succ';
const PARAM_ERROR = '{"code":4000,"msg":"Request parameter error","detail":{"logid":"20250101000000FAULTMATRIX0000"}}\n';
const TRANSIENT_BODY =
	'{"code":720701013,"msg":"We\'re currently experiencing server issues. Please try again later.","debug_url":"https://www.coze.cn/work_flow?execute_id=7600000000000000001&space_id=7500000000000000001&workflow_id=7400000000000000014","detail":{"logid":"20250101000000FAULTMATRIX0001"}}\n';

const RESET_NOT_REPEATED = /connection was reset.*may have received the request, so it was not repeated/;
const HTML_502 = apiError(/Coze answered HTTP 502 with an HTML page \("502 Bad Gateway"\)/, { httpStatus: 502 });
const EMPTY_BODY = apiError(/Coze answered HTTP 200 with an empty body/, { httpStatus: 200 });
const INVALID_JSON_DATA = operationError(/Coze sent a Message event \(id \d+\) whose data is not valid JSON/);
const WORKFLOW_FAILED = /The Coze workflow failed: \[720712000\]/;
const TRANSIENT = /Coze refused the request \(720701013\)/;
const READ_FROM_HISTORY = /read from the run history/;
/** Coze's 40 s before the first byte, and its PINGs every 40 s. */
const SLOW_FIRST_BYTE = { firstByteDelayMs: 40_000, pingIntervalMs: 40_000 };
const SLOW = { timeScale: 0.01, options: { idleTimeout: 0.9, includeEvents: true } };

/** A row as written below: the workflow columns, and the chat columns where a helper made them. */
type WorkflowRow = Omit<FaultRow, 'cells'> & { cells: Omit<FaultRow['cells'], ChatMode> & Partial<Pick<FaultRow['cells'], ChatMode>> };

const WORKFLOW_ROWS: WorkflowRow[] = [
	{
		id: 'refused',
		fault: 'Connection refused',
		how: 'The credential points at a loopback port nobody listens on.',
		cells: { stream: refused(), async: refused(), sync: refused(), resume: refused() },
	},
	{
		id: 'reset-before-headers',
		fault: 'Reset before headers',
		how: 'Knob `resetBeforeHeaders` on the request that starts (or resumes) the run: the socket is destroyed before any response byte.',
		cells: {
			stream: cell(
				'Error "the connection was reset"; not repeated, since Coze may have received it, and the message says to check Coze before running again.',
				refusedAtStart('stream', { resetBeforeHeaders: true }, operationError(RESET_NOT_REPEATED)),
			),
			async: cell(
				'On the start request: error "the connection was reset", not repeated (it may have started a run), no polling.',
				refusedAtStart('async', { resetBeforeHeaders: true }, operationError(RESET_NOT_REPEATED)),
			),
			sync: cell(
				'Error "Coze closed the connection before answering the sync run … The run may have started; check its history"; not repeated.',
				refusedAtStart('sync', { resetBeforeHeaders: true }, operationError(/closed the connection before answering the sync run.*The run may have started/)),
			),
			resume: cell(
				'Error "the connection was reset"; the resume is not repeated (it may have reached Coze).',
				refusedAtStart('resume', { resetBeforeHeaders: true }, operationError(/connection was reset.*may have received the request/)),
			),
		},
	},
	{
		id: 'reset-before-execute-id',
		fault: 'Reset mid-answer, execute ID not yet known',
		how: 'Stream: knob `cutAfterEvents: 2` (two PINGs, then the socket is destroyed). Async and sync: a fault proxy forwards the start request to Coze, which starts the run, then resets the connection instead of answering.',
		cells: {
			stream: cell(
				'Error "The stream ended before the workflow finished … Coze sent no execute ID before that, so the run cannot be looked up"; not repeated; the one run goes on in Coze.',
				armedAtStart('stream', { cutAfterEvents: 2 }, { ...operationError(/stream ended before the workflow finished.*no execute ID/), runs: 1 }),
			),
			async: cell(
				'The run started but its answer (with the execute ID) was lost: error "the connection was reset … may have received the request, so it was not repeated"; exactly one run.',
				{
					via: 'proxy',
					options: POLL,
					arrange: ({ proxy }) => proxy!.faults.push({ when: isAsyncStart, times: 1, kind: 'reset-after-forward' }),
					expect: { ...operationError(RESET_NOT_REPEATED), runs: 1, requests: { run: 1 } },
				},
			),
			sync: cell('The run started but its answer was lost: error "… The run may have started; check its history"; not repeated, exactly one run.', {
				via: 'proxy',
				arrange: ({ proxy }) => proxy!.faults.push({ when: isSyncStart, times: 1, kind: 'reset-after-forward' }),
				expect: { ...operationError(/The run may have started; check its history/), runs: 1, requests: { run: 1 } },
			}),
			resume: { na: 'The execute ID is the first part of the event ID the resume sends: it is always known.' },
		},
	},
	{
		id: 'reset-after-execute-id',
		fault: 'Reset mid-answer, execute ID known',
		how: 'Stream: the failing workflow, knob `cutAfterEvents: 3` cuts right after its `Error` event (whose debug URL names the execute ID), before `Done`. Async: knob `resetBeforeHeaders` on the first poll. Resume: knob `cutAfterEvents: 1` on `stream_resume`.',
		cells: {
			stream: cell(
				'The `Error` already received is the answer: error "The Coze workflow failed: [720712000] …" with code 5000, debug URL and execute ID; not repeated.',
				armedAtStart(
					'stream',
					{ cutAfterEvents: 3 },
					{ ...apiError(WORKFLOW_FAILED, { code: 5000, hint: /execute ID \d{19}/ }), runs: 1 },
					{ workflow: WF.failing, input: '{"query":"q"}' },
				),
			),
			async: cell('A poll is a read: it is repeated, and the run gives its result. One run.', pollRepeated({ resetBeforeHeaders: true })),
			sync: { na: 'A sync answer brings the execute ID together with the result: there is no "after".' },
			resume: cell(
				'The run is read from its run history (execute ID from the event ID): the result, with the notice "the result was read from the run history". The resume is not repeated.',
				armedAtStart(
					'resume',
					{ cutAfterEvents: 1 },
					{ ...succeeded({ notice: READ_FROM_HISTORY }), requests: { stream_resume: 1, history: { atLeast: 1 } } },
					{ options: POLL },
				),
			),
		},
	},
	{
		id: 'slow-first-byte',
		fault: 'First byte after 40 s, PINGs',
		how: "Knobs `firstByteDelayMs: 40000, pingIntervalMs: 40000` (nothing for 40 s, then a PING first, PINGs every 40 s while the workflow works), Coze time ×0.01, Idle Timeout 0.9 s (Coze's 90 s on that scale). Sync: knob `syncLatencyMs: 40000`, Request Timeout 1.2 s.",
		cells: {
			stream: cell(
				'Waits: the result, the same as without the delay; the PINGs are skipped (kept only in the events).',
				armedAtStart('stream', SLOW_FIRST_BYTE, { ...succeeded({ check: hasPing }), runs: 1 }, SLOW),
			),
			async: { na: 'No long answer to wait for: the start answers at once and each poll is a short read (a silent poll is the silence row).' },
			sync: cell(
				'Waits for the late answer (JSON has no PINGs): the result.',
				armedAtStart('sync', { syncLatencyMs: 40_000 }, { ...succeeded(), runs: 1 }, { timeScale: 0.01, options: { requestTimeout: 1.2 } }),
			),
			resume: cell('Waits: the result of the resumed run.', armedAtStart('resume', SLOW_FIRST_BYTE, succeeded({ check: hasPing }), SLOW)),
		},
	},
	{
		id: 'silence',
		fault: 'Silence longer than the idle timeout',
		how: "Stream and resume: knobs `silenceAfterEvents: 2` (resume: 1) and `silenceMs: 3600000`, Idle Timeout 0.3 s. Async: the fault proxy swallows the first poll, Request Timeout 0.3 s. Sync: knob `syncLatencyMs: 80000` (under Coze's 90 s cut) at Coze time ×0.01, Request Timeout 0.3 s.",
		cells: {
			stream: cell(
				'Gives up after the idle timeout: error "The stream ended before the workflow finished (Coze sent nothing for … Idle Timeout) … no execute ID"; not repeated.',
				armedAtStart(
					'stream',
					{ silenceAfterEvents: 2, silenceMs: 3_600_000 },
					{ ...operationError(/stream ended before the workflow finished \(Coze sent nothing for .*Idle Timeout/), runs: 1 },
					{ options: { idleTimeout: 0.3 } },
				),
			),
			async: cell('The silent poll times out and is repeated (a read): the result. One run.', {
				via: 'proxy',
				options: { ...POLL, requestTimeout: 0.3 },
				arrange: ({ proxy }) => proxy!.faults.push({ when: isPoll, times: 1, kind: 'swallow-response' }),
				expect: { ...succeeded(), runs: 1, requests: { run: 1, history: { atLeast: 2 } } },
			}),
			sync: cell(
				'Error "Coze sent nothing for … so the connection was closed … The run may have started; check its history"; not repeated.',
				armedAtStart(
					'sync',
					{ syncLatencyMs: 80_000 },
					{ ...operationError(/Coze sent nothing for .*The run may have started; check its history/), runs: 1 },
					{ timeScale: 0.01, options: { requestTimeout: 0.3 } },
				),
			),
			resume: cell(
				'Gives up on the silent stream after the idle timeout and reads the run from its history: the result, with the notice.',
				armedAtStart(
					'resume',
					{ silenceAfterEvents: 1, silenceMs: 3_600_000 },
					{ ...succeeded({ notice: READ_FROM_HISTORY }), requests: { stream_resume: 1, history: { atLeast: 1 } } },
					{ options: { ...POLL, idleTimeout: 0.3 } },
				),
			),
		},
	},
	{
		id: 'http-401',
		fault: 'HTTP 401 with JSON',
		how: 'Knob `httpStatus: 401`: `{"code":4100,"msg":"authentication is invalid"}` on the start (resume) request.',
		cells: refusedAtStartInEveryMode(
			{ httpStatus: 401 },
			apiError(/Coze refused the request \(4100\)/, { code: 4100, httpStatus: 401, hint: /switch the region/ }),
			'Error "Coze refused the request (4100)", HTTP 401, with the token/region hint; not repeated.',
		),
	},
	{
		id: 'code-non-zero',
		fault: 'HTTP 200 JSON, non-zero code',
		how: 'Knob `httpBody` (HTTP 200): `{"code":4000,"msg":"Request parameter error",…}` on the start (resume) request.',
		cells: refusedAtStartInEveryMode(
			{ httpStatus: 200, httpBody: PARAM_ERROR },
			apiError(/Coze refused the request \(4000\): Request parameter error/, { code: 4000, hint: /rejected the request parameters/ }),
			'Error "Coze refused the request (4000): Request parameter error" with the parameter hint; not repeated.',
		),
	},
	{
		id: 'html-502',
		fault: 'HTML 502',
		how: 'Knob `httpStatus: 502`: nginx\'s "502 Bad Gateway" page. Async: on the first poll.',
		cells: {
			stream: cell(
				'Error "Coze answered HTTP 502 with an HTML page ("502 Bad Gateway"), usually a gateway or proxy error"; not repeated (the gateway may have passed the run on).',
				refusedAtStart('stream', { httpStatus: 502 }, HTML_502),
			),
			async: cell('On a poll: repeated after a pause (a read), then the result. One run.', pollRepeated({ httpStatus: 502 })),
			sync: cell(SAME_ERROR_AS_STREAM, refusedAtStart('sync', { httpStatus: 502 }, HTML_502)),
			resume: cell(SAME_ERROR, refusedAtStart('resume', { httpStatus: 502 }, apiError(/Coze answered HTTP 502 with an HTML page/, { httpStatus: 502 }))),
		},
	},
	{
		id: 'empty-body',
		fault: 'Empty body',
		how: 'Knob `emptyBody`: HTTP 200, `Content-Length: 0`. Async: on the first poll.',
		cells: {
			stream: cell('Error "Coze answered HTTP 200 with an empty body"; not repeated.', refusedAtStart('stream', { emptyBody: true }, EMPTY_BODY)),
			async: cell('On a poll: repeated (a read), then the result. One run.', pollRepeated({ emptyBody: true })),
			sync: cell(SAME_ERROR_AS_STREAM, refusedAtStart('sync', { emptyBody: true }, EMPTY_BODY)),
			resume: cell(SAME_ERROR, refusedAtStart('resume', { emptyBody: true }, EMPTY_BODY)),
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
			stream: cell(
				'A protocol violation: error "Coze sent a Message event (id …) whose data is not valid JSON"; not repeated.',
				armedAtStart('stream', { invalidJsonData: true }, { ...INVALID_JSON_DATA, runs: 1 }),
			),
			async: cell('On a poll: repeated (a read), then the result. One run.', pollRepeated({ httpStatus: 200, httpBody: NOT_JSON })),
			sync: cell(
				'Error "Coze answered HTTP 200 with a body that is not JSON"; not repeated.',
				refusedAtStart('sync', { httpStatus: 200, httpBody: NOT_JSON }, apiError(/Coze answered HTTP 200 with a body that is not JSON/, { httpStatus: 200 })),
			),
			resume: cell(SAME_ERROR_AS_STREAM, refusedAtStart('resume', { invalidJsonData: true }, INVALID_JSON_DATA)),
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
			stream: cell(
				'One failure: error "The Coze workflow failed: [720712000] …", code 5000, with debug URL and execute ID; not repeated.',
				plainRun(
					'stream',
					WF.failing,
					apiError(WORKFLOW_FAILED, { code: 5000, hint: /Debug URL: https:\/\/www\.coze\.cn\/work_flow\?execute_id=\d{19}/ }),
					{ input: '{"query":"q"}' },
				),
			),
			async: cell(
				'Error "The Coze workflow failed: …" with code 720712000 as the history says; one run.',
				armedAtStart('async', { failAsync: true }, { ...apiError(/The Coze workflow failed/, { code: 720712000 }), runs: 1, requests: { run: 1, history: { atLeast: 1 } } }),
			),
			sync: cell(
				'Error "Coze refused the request (5000): [720712000] …" with the execute ID; not repeated.',
				plainRun('sync', WF.failing, apiError(/\(5000\): \[720712000\]/, { code: 5000, hint: /execute ID \d{19}/ }), { input: '{"query":"q"}' }),
			),
			resume: cell('Error "The Coze workflow failed: [720712000] …", code 5000.', plainRun('resume', WF.questionThenFailure, apiError(WORKFLOW_FAILED, { code: 5000 }))),
		},
	},
	{
		id: 'done-without-message',
		fault: '`Done` without any Message',
		how: 'A workflow that ends without output: its stream is only `Done`; its sync answer and history carry an empty output.',
		cells: {
			stream: cell('Succeeded, output `null`, execute ID from the `Done` debug URL.', plainRun('stream', WF.noOutput, succeeded({ output: 'null', check: hasExecuteId }))),
			async: cell('Succeeded, output `null`.', plainRun('async', WF.noOutput, succeeded({ output: 'null', check: hasExecuteId }))),
			sync: cell('Succeeded, output `null`.', plainRun('sync', WF.noOutput, succeeded({ output: 'null', check: hasExecuteId }))),
			resume: cell('Succeeded, output `null`.', plainRun('resume', WF.questionThenNothing, succeeded({ output: 'null' }))),
		},
	},
	{
		id: 'interrupt-then-close',
		fault: '`Interrupt` then close',
		how: "The trip planner's question node (no `Done` after `Interrupt`). Sync: an input node (Coze refuses question nodes in sync runs: 6039). Resume: an answer without a date, which asks again.",
		cells: {
			stream: cell(
				'Interrupted: `interrupt.eventId` (`<execute_id>/<n>`), type 2 and the question text; execute ID from the event ID.',
				plainRun('stream', WF.trip, {
					result: 'value',
					status: 'interrupted',
					check: (json) => {
						questionInterrupt(json);
						if (!(json.interrupt as { question: string }).question) throw new Error('no question text');
					},
				}),
			),
			async: cell(
				"Polling stops at the history's `interrupt_data`: interrupted, with event ID and type (the history has no question text).",
				plainRun('async', WF.trip, { result: 'value', status: 'interrupted', check: questionInterrupt }),
			),
			sync: cell(
				"The answer's `interrupt_data`: interrupted, type 5 with its required parameters.",
				plainRun('sync', WF.imageInput, { result: 'value', status: 'interrupted', check: inputInterrupt }),
			),
			resume: cell('Interrupted again, with a new event ID of the same execution.', {
				answer: 'somewhere nice',
				expect: { result: 'value', status: 'interrupted', check: questionInterrupt, requests: { stream_resume: 1 } },
			}),
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
			stream: cell(
				'Carried whole: the 5 MiB message is in `messages`, and the output is the same as without it.',
				armedAtStart('stream', { bigEventBytes: FIVE_MB }, { ...succeeded({ check: has5MbMessage }), runs: 1 }, { options: { includeMessages: true } }),
			),
			async: cell('The 5 MiB output, whole.', plainRun('async', WF.fiveMb, { result: 'value', status: 'succeeded', check: has5MbOutput })),
			sync: cell('The 5 MiB output, whole.', plainRun('sync', WF.fiveMb, { result: 'value', status: 'succeeded', check: has5MbOutput })),
			resume: cell(
				'Carried whole, as in stream mode.',
				armedAtStart('resume', { bigEventBytes: FIVE_MB }, succeeded({ check: has5MbMessage }), { options: { includeMessages: true } }),
			),
		},
	},
	{
		id: 'trimmed-output',
		fault: 'Trimmed output',
		how: 'The big-output workflow (~300 KB Output node) with knob `trimOutput`: its run history says `is_output_trimmed`.',
		cells: {
			stream: cell(
				'Not affected (the stream carries every chunk): the whole Output node content, no `outputTrimmed`.',
				plainRun('stream', WF.bigOutput, { result: 'value', status: 'succeeded', check: wholeBigOutput }, { options: { includeMessages: true } }),
			),
			async: cell(
				"`outputTrimmed: true`, the Output node's full content fetched from `execute_nodes`, and a notice that Coze trimmed the stored output.",
				plainRun(
					'async',
					WF.bigOutput,
					{ result: 'value', status: 'succeeded', notice: /trimmed/, check: trimmedFetched, requests: { execute_nodes: 1 } },
					{ options: { ...POLL, includeMessages: true } },
				),
			),
			sync: cell(
				'Not affected (the answer carries the End output): no `outputTrimmed`.',
				plainRun('sync', WF.bigOutput, { result: 'value', status: 'succeeded', check: wholeBigOutput }),
			),
			resume: { na: 'Trimming applies to run histories; a resumed stream carries every chunk, as the stream column shows.' },
		},
	},
	{
		id: 'limit-codes',
		fault: 'Limit codes',
		how: 'Knob `limitCode` (4008 daily quota, 4009, 4013, 4020; HTTP 200 JSON) once, on the start (resume) request; one fresh emulator per code.',
		cells: {
			stream: limitCodes('stream'),
			async: limitCodes('async', { history: { atLeast: 1 } }),
			sync: limitCodes('sync'),
			resume: limitCodes('resume'),
		},
	},
	{
		id: 'transient-720701013',
		fault: '720701013',
		how: 'Knob `transientFailure`: HTTP 200 `{"code":720701013,…,"debug_url":…}`, no `execute_id` field, no run. Resume: the same body through `httpBody`.',
		cells: {
			stream: cell(
				'Error "Coze refused the request (720701013)" with the hint "a temporary server problem and started no run. Running the node again usually works"; not repeated automatically.',
				refusedAtStart('stream', { transientFailure: true }, apiError(TRANSIENT, { code: 720701013, hint: /temporary server problem and started no run/ })),
			),
			async: cell(SAME_ERROR_AT_START, refusedAtStart('async', { transientFailure: true }, apiError(TRANSIENT, { code: 720701013, hint: /temporary server problem/ }))),
			sync: cell(SAME_ERROR, refusedAtStart('sync', { transientFailure: true }, apiError(TRANSIENT, { code: 720701013, hint: /temporary server problem/ }))),
			resume: cell(
				SAME_ERROR,
				refusedAtStart('resume', { httpStatus: 200, httpBody: TRANSIENT_BODY }, apiError(TRANSIENT, { code: 720701013, hint: /temporary server problem/ })),
			),
		},
	},
];

/** The matrix: each row with its chat columns, made with the row or in chat-cells.ts. */
export const FAULT_MATRIX: FaultRow[] = WORKFLOW_ROWS.map((row) => {
	const { chatflow, agent } = row.cells;
	return { ...row, cells: { ...row.cells, ...(chatflow && agent ? { chatflow, agent } : chatCells(row.id)) } };
});
