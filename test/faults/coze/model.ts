/**
 * The Coze fault matrix's data model: rows are faults, columns are the Coze Workflow node's modes
 * (stream, async, sync, resume) and the chats (a chatflow through Chat, an agent through the Coze
 * Agent node), and each cell says how the fault is made and what the node must
 * do about it. `rows.ts` holds the matrix, `faults.test.ts` runs one test per cell, and
 * `docs/faults-coze.md` is generated from the same data (`doc.ts`), so the docs and the tests
 * cannot drift apart.
 *
 * Counts of requests and runs are those of the cell itself (a resume cell's interrupted run, made
 * before the fault is armed, is not counted). Request kinds not listed in `requests` must not occur.
 */
import type { IDataObject } from 'n8n-workflow';

import type { CozeEmulator } from '../../emulator';
import type { NodeRunResult } from '../../harness/engine';
import type { FaultProxy } from '../../support/fault-proxy';

export const MODES = ['stream', 'async', 'sync', 'resume', 'chatflow', 'agent'] as const;
export type Mode = (typeof MODES)[number];

export const MODE_TITLES: Record<Mode, string> = {
	stream: 'Stream (`stream_run`)',
	async: 'Async (`is_async` + polling)',
	sync: 'Sync (`/v1/workflow/run`)',
	resume: 'Resume (`stream_resume`)',
	chatflow: 'Chatflow chat (`/v1/workflows/chat`)',
	agent: 'Agent chat (`/v3/chat`)',
};

/** The columns whose item is a chat round (its `answer`), not a workflow run (its `output`). */
export type ChatMode = 'chatflow' | 'agent';
export const isChatMode = (mode: Mode): mode is ChatMode => mode === 'chatflow' || mode === 'agent';

/** The requests a cell counts, by what they are. */
export const REQUEST_KINDS = {
	stream_run: (path: string) => path === '/v1/workflow/stream_run',
	run: (path: string) => path === '/v1/workflow/run',
	stream_resume: (path: string) => path === '/v1/workflow/stream_resume',
	history: (path: string) => /^\/v1\/workflows\/\d+\/run_histories\/\d+$/.test(path),
	execute_nodes: (path: string) => path.includes('/execute_nodes/'),
	workflows_chat: (path: string) => path === '/v1/workflows/chat',
	chat: (path: string) => path === '/v3/chat',
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
	/** Runs (agent columns: chats) the emulator started for this case (never 2: a retry must not start a second run). */
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
