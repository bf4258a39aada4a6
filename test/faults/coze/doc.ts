/**
 * Renders docs/faults-coze.md from the fault matrix data, so that the table is the tests' own
 * description of themselves (faults.test.ts fails when the file differs).
 */
import { isApplicable, MODE_TITLES, MODES, type Expectation, type FaultCase, type FaultCell, type NotApplicable } from './model';
import { FAULT_MATRIX } from './rows';

function outcome(expect: Expectation): string {
	if (expect.result === 'value')
		return `✅ ${expect.status}${expect.output === 'baseline' ? ', same output as without the fault' : expect.output === 'null' ? ', output null' : ''}`;
	const facts = [
		expect.code !== undefined ? `code ${expect.code}` : undefined,
		expect.httpStatus !== undefined ? `HTTP ${expect.httpStatus}` : undefined,
	].filter(Boolean);
	return `❌ ${expect.error}${facts.length ? ` (${facts.join(', ')})` : ''}`;
}

function counts(expect: Expectation): string {
	const requests = Object.entries(expect.requests ?? {}).map(([kind, n]) => `${kind} ${typeof n === 'number' ? `×${n}` : `≥${n.atLeast}`}`);
	const parts = requests.length ? [`requests: ${requests.join(', ')}`] : ['no request reaches Coze'];
	if (expect.runs !== undefined) parts.push(`runs started: ${expect.runs}`);
	return parts.join('; ');
}

function caseFacts(c: FaultCase): string {
	return `${c.label ? `**${c.label}**: ` : ''}${outcome(c.expect)}; ${counts(c.expect)}`;
}

function cellText(cell: FaultCell | NotApplicable): string {
	if (!isApplicable(cell)) return `n/a: ${cell.na}`;
	return [cell.says, ...cell.cases.map(caseFacts)].join('<br>');
}

const escape = (text: string) => text.replace(/\|/g, '\\|');

export function renderFaultMatrixDoc(): string {
	const tests = FAULT_MATRIX.flatMap((row) => MODES.filter((mode) => isApplicable(row.cells[mode]))).length;
	const na = FAULT_MATRIX.length * MODES.length - tests;
	const lines = [
		'# Coze fault matrix',
		'',
		'<!-- Generated from test/faults/coze/rows.ts. Do not edit by hand: change the data, then run',
		'     UPDATE_FAULT_MATRIX=1 npm test -- test/faults/coze/faults.test.ts -->',
		'',
		'What the Coze Workflow and Coze Agent nodes do when Coze, or the network in between, misbehaves: each fault (row) in each',
		'mode (column). Every cell that is not n/a is one test, named `<mode> × <fault>`, in',
		'[`test/faults/coze/faults.test.ts`](../test/faults/coze/faults.test.ts); it runs the node in',
		"n8n-core's engine against the Coze emulator (`test/emulator/`) and checks what the cell says. The test fails",
		'when this page and the data it is generated from differ, so the two match one to one.',
		'',
		`${FAULT_MATRIX.length} faults × ${MODES.length} modes: ${tests} tests, ${na} cells n/a.`,
		'',
		'Modes: **stream** runs with `stream_run` (SSE); **async** starts with `is_async` and polls `run_histories`;',
		'**sync** waits for `/v1/workflow/run`; **resume** is the Resume operation answering an interrupt through',
		'`stream_resume` (the interrupted run is made first, before the fault is armed, and is not counted);',
		'**chatflow** is the Chat operation on a chatflow through `/v1/workflows/chat`, **agent** the Coze Agent node\'s',
		'Chat through `/v3/chat` (both streamed; an agent column counts chats where the others count runs).',
		'',
		`| Fault | ${MODES.map((mode) => MODE_TITLES[mode]).join(' | ')} |`,
		`|---|${MODES.map(() => '---').join('|')}|`,
		...FAULT_MATRIX.map((row) => `| **${escape(row.fault)}** | ${MODES.map((mode) => escape(cellText(row.cells[mode]))).join(' | ')} |`),
		'',
		'## How each fault is made',
		'',
		...FAULT_MATRIX.map((row) => `- **${row.fault}**: ${row.how}`),
		'',
		'## What every test checks',
		'',
		'- The item (status, output, interrupt, notices) or the error: the n8n error class (`NodeApiError` when Coze',
		'  answered, `NodeOperationError` otherwise), its message, the Coze code and the hint in its description, and',
		'  that neither carries a stack trace.',
		'- The requests Coze received, by kind (`stream_run`, `run`, `stream_resume`, `history` polls,',
		'  `execute_nodes`, `workflows_chat`, `chat`); kinds a cell does not list must not occur. More than one request of the faulted kind means',
		'  the node repeated it. **runs started** counts the runs the emulator started: never 2, since a repeated',
		'  request must never start a second Coze run (resumes do not start runs).',
		'- Secrets: the emulator accepts only a canary token (`pat_CANARY_…`), which must not appear in the error',
		"  (message, description, stack), the items, the hints, n8n's debug log or its logger's lines.",
		'- Nothing is left open: the active resources of the process (`process.getActiveResourcesInfo()`: sockets,',
		'  servers, timers) are the same after the cell, once the emulator is closed, as before it.',
		'',
		'## The rules behind the cells',
		'',
		'- A request that may start a run (stream_run, run, stream_resume, resume) is repeated only when it provably',
		'  never reached Coze (connection refused) or Coze said it started nothing because of a rate limit',
		'  (429, 4009; not the daily quota 4008), and never when the answer names a run (execute_id, debug_url).',
		'  4013 and 4020 come from a model inside the run: the run failed. A reset, a timeout or a gateway error',
		'  after sending may have started the run: the error says so instead of repeating it.',
		'- Reads (run history polls, node outputs) are repeated after connection failures, timeouts, HTTP 5xx, limit',
		'  codes and answers that are not JSON: repeating them cannot start anything.',
		'- A stream that breaks keeps what it received: an `Error` or `Interrupt` before the break is the answer. When',
		'  the execute ID is known (always for a resume: it is part of the event ID), the run is read from its run',
		'  history instead; otherwise the error says that the run cannot be looked up.',
		'- Streams do not (yet) wait out limit codes the way sync and async runs do; see the limit-codes row.',
		'',
		'Whole-suite check: `npm test` preloads `test/support/no-open-handles.ts` into every test process; a test file',
		'whose process is still kept alive 2 s after its tests ended fails, listing what kept it alive.',
		'',
		'The OpenClaw TaskFlow faults are in [faults-openclaw.md](faults-openclaw.md).',
		'',
	];
	return lines.join('\n');
}
