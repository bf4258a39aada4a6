// The Coze fault matrix: one test per cell of rows.ts, named "<mode> × <fault>", each checking the
// value or error, the requests and runs, the canary token's absence everywhere, and that nothing
// was left open; plus docs/faults-coze.md against the data.
import { N8N_LOG_FILE } from '../../engine/debug-logging';

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { CHAT_IDS, startEmulator, type CozeEmulator } from '../../emulator';
import { agentChatParams, chatflowParams, run, runParams, workflow } from '../../engine/helpers';
import { accessTokenCredentials, runNode, type NodeRunResult } from '../../harness/engine';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { assertNoLeaks, extraResources, settledResources } from '../../support/leaks';
import { freePort } from '../../support/processes';
import { captureLoggerLines, runSurfaces } from '../../support/secret-surfaces';
import { renderFaultMatrixDoc } from './doc';
import { isApplicable, isChatMode, MODES, REQUEST_KINDS, type FaultCase, type FaultRow, type Mode, type RequestKind } from './model';
import { succeeded } from './builders';
import { FAULT_MATRIX } from './rows';
import { MATRIX_SCENARIOS, VALID_ANSWER, WF } from './workflows';

const CANARY = `pat_CANARY_${randomBytes(12).toString('hex')}`;
const DOC = join(__dirname, '../../../docs/faults-coze.md');

/** Lines of n8n-workflow's logger proxy (captured in `before`); n8n-core's own logger writes to N8N_LOG_FILE. */
let logLines: string[] = [];
const surfaces = runSurfaces;

function assertNoCanary(text: string, where: string): void {
	const at = text.indexOf(CANARY);
	assert.equal(at, -1, `the token leaked into ${where}: …${text.slice(Math.max(0, at - 200), at)}<TOKEN>`);
}

/** The outputs of runs without any fault, which several cells must reproduce. */
const baseline: Partial<Record<Mode, unknown>> = {};

const isRunMode = (mode: Mode) => mode !== 'resume';

/** The chat columns: a chatflow in the agent it runs in, and an agent; each answers the message "x" the same way every time. */
const CHAT_MESSAGE = 'x';
const CHATFLOW = CHAT_IDS.chatflows.twoOutputs;
const CHAT_AGENT = CHAT_IDS.agents.echo;

/** The node, its version and its input item for a column. */
function nodeOf(mode: Mode): { node: string; typeVersion: number; items: IDataObject[] } {
	if (mode === 'agent') return { node: 'cozeAgent', typeVersion: 1, items: [{ chatInput: CHAT_MESSAGE }] };
	if (mode === 'chatflow') return { node: 'cozeWorkflow', typeVersion: 1.1, items: [{ chatInput: CHAT_MESSAGE }] };
	return { node: 'cozeWorkflow', typeVersion: 1, items: [{}] };
}

/** What a column's item answered: a run's output, a chat's answer. */
const valueOf = (mode: Mode, json: IDataObject) => (isChatMode(mode) ? json.answer : json.output);

/** Runs (agents: chats) the emulator started. */
const startedBy = (mode: Mode, emu: CozeEmulator) => (mode === 'agent' ? emu.chatsStarted() : emu.runsStarted());

function nodeParameters(mode: Mode, c: FaultCase, eventId: string, interruptType: number): INodeParameters {
	const workflowId = c.workflow ?? (isRunMode(mode) ? WF.story : WF.trip);
	const options = (c.options ?? {}) as INodeParameters;
	if (mode === 'chatflow') return chatflowParams(c.workflow ?? CHATFLOW, { botId: CHAT_AGENT, options });
	if (mode === 'agent') return agentChatParams(CHAT_AGENT, { options });
	if (mode === 'resume') {
		return {
			operation: 'resume',
			workflowId: workflow(workflowId),
			eventId,
			interruptType,
			resumeData: c.answer ?? VALID_ANSWER,
			resumeVia: 'stream',
			options,
		};
	}
	return runParams(workflowId, { mode, parametersJson: c.input ?? '{"topic":"x"}', options });
}

/** Runs one case of a cell from a fresh emulator, and checks everything the cell promises. */
async function runCase(row: FaultRow, mode: Mode, c: FaultCase): Promise<void> {
	const label = `${mode} × ${row.fault}${c.label ? ` (${c.label})` : ''}`;
	const before = await settledResources();
	const via = c.via ?? 'emulator';
	let emu: CozeEmulator | undefined;
	let proxy: FaultProxy | undefined;
	let result: NodeRunResult;
	let requestsBefore = 0;
	let runsBefore = 0;
	try {
		let baseUrl = `http://127.0.0.1:${await freePort()}`;
		let eventId = '7400000000000000999/1';
		let interruptType = 2;
		if (via !== 'closed-port') {
			emu = await startEmulator({ timeScale: c.timeScale ?? 0.001, token: CANARY, scenarios: MATRIX_SCENARIOS });
			baseUrl = emu.baseUrl;
			if (mode === 'resume') {
				// The interrupt to answer, made before the fault is armed.
				const interrupted = await run(emu, runParams(c.workflow ?? WF.trip, { parametersJson: c.input ?? '{}' }));
				const interrupt = interrupted.items[0]?.json.interrupt as { eventId: string; type: number } | undefined;
				assert.ok(interrupt, `the setup run did not interrupt: ${interrupted.error?.message ?? JSON.stringify(interrupted.items[0]?.json)}`);
				({ eventId, type: interruptType } = interrupt);
			}
			if (via === 'proxy') {
				proxy = await startFaultProxy(emu.baseUrl);
				baseUrl = proxy.url;
			}
			c.arrange?.({ emu, proxy });
			requestsBefore = emu.requests.length;
			runsBefore = startedBy(mode, emu);
		}
		result = await runNode({ parameters: nodeParameters(mode, c, eventId, interruptType), credentials: accessTokenCredentials(baseUrl, CANARY), ...nodeOf(mode) });
	} finally {
		await proxy?.close();
		await emu?.close();
	}

	const expect = c.expect;
	if (expect.result === 'value') {
		assert.equal(result.status, 'success', `${label}: ${result.error?.message} — ${result.error?.description}`);
		const json = result.items[0].json;
		assert.equal(json.status, expect.status, label);
		if (expect.output === 'baseline') assert.deepEqual(valueOf(mode, json), baseline[mode], `${label}: the output differs from a run without the fault`);
		if (expect.output === 'null') assert.equal(valueOf(mode, json), null, label);
		if (expect.notice) {
			const notice = expect.notice;
			assert.ok(
				result.hints.some((hint) => notice.test(hint.message)),
				`${label}: no notice ${notice} in ${JSON.stringify(result.hints)}`,
			);
		}
		expect.check?.(json as IDataObject, result);
	} else {
		assert.equal(result.status, 'error', `${label}: expected an error, got ${JSON.stringify(result.items[0]?.json)?.slice(0, 300)}`);
		const error = result.error!;
		const description = error.description ?? '';
		assert.equal(error.name, expect.error, `${label}: ${error.name}: ${error.message}`);
		assert.match(error.message, expect.message, label);
		if (expect.code !== undefined) assert.match(description, new RegExp(`Coze code ${expect.code}\\b`), `${label}: ${description}`);
		if (expect.httpStatus !== undefined) assert.equal(error.httpCode, String(expect.httpStatus), label);
		if (expect.hint) assert.match(description, expect.hint, label);
		assert.doesNotMatch(`${error.message}\n${description}`, /\n\s+at .+:\d+:\d+/, `${label}: a stack trace in the message`);
	}

	assertNoCanary(surfaces(result), `the result of ${label}`);
	if (existsSync(N8N_LOG_FILE)) assertNoCanary(readFileSync(N8N_LOG_FILE, 'utf8'), "n8n's debug log");
	assertNoCanary(logLines.join('\n'), "n8n's logger lines");

	if (emu) {
		const requests = emu.requests.slice(requestsBefore);
		const counted: Record<string, number> = {};
		for (const [kind, matches] of Object.entries(REQUEST_KINDS)) {
			const count = requests.filter((r) => matches(r.path)).length;
			counted[kind] = count;
			const want = expect.requests?.[kind as RequestKind];
			if (want === undefined) assert.equal(count, 0, `${label}: unexpected ${kind} requests`);
			else if (typeof want === 'number') assert.equal(count, want, `${label}: ${kind} requests`);
			else assert.ok(count >= want.atLeast, `${label}: ${count} ${kind} requests, expected at least ${want.atLeast}`);
		}
		const runs = startedBy(mode, emu) - runsBefore;
		assert.ok(runs <= 1, `${label}: ${runs} runs started for one item`);
		if (expect.runs !== undefined) assert.equal(runs, expect.runs, `${label}: runs started`);
	}

	await assertNoLeaks(before, { label });
}

describe('Coze fault matrix', () => {
	before(async () => {
		logLines = captureLoggerLines();
		const emu = await startEmulator({ timeScale: 0.001, token: CANARY, scenarios: MATRIX_SCENARIOS });
		try {
			const clean = await run(emu, runParams(WF.story, { parametersJson: '{"topic":"x"}' }));
			assert.equal(clean.status, 'success', clean.error?.message);
			baseline.stream = baseline.async = baseline.sync = clean.items[0].json.output;
			const interrupted = await run(emu, runParams(WF.trip, { parametersJson: '{}' }));
			const interrupt = interrupted.items[0].json.interrupt as { eventId: string };
			const resumed = await run(emu, {
				operation: 'resume',
				workflowId: workflow(WF.trip),
				eventId: interrupt.eventId,
				interruptType: 2,
				resumeData: VALID_ANSWER,
				options: {},
			});
			assert.equal(resumed.status, 'success', resumed.error?.message);
			baseline.resume = resumed.items[0].json.output;
			for (const mode of ['chatflow', 'agent'] as const) {
				const chat = await runNode({ parameters: nodeParameters(mode, { expect: succeeded() }, '', 0), credentials: accessTokenCredentials(emu.baseUrl, CANARY), ...nodeOf(mode) });
				assert.equal(chat.status, 'success', chat.error?.message);
				baseline[mode] = chat.items[0].json.answer;
			}
		} finally {
			await emu.close();
		}
	});

	for (const row of FAULT_MATRIX) {
		describe(row.fault, () => {
			for (const mode of MODES) {
				const cell = row.cells[mode];
				if (!isApplicable(cell)) continue;
				it(`${mode} × ${row.fault}`, { timeout: 60_000 }, async () => {
					for (const c of cell.cases) await runCase(row, mode, c);
				});
			}
		});
	}

	after(() => {
		// The canary search must have had material: n8n's debug log was written.
		const log = existsSync(N8N_LOG_FILE) ? readFileSync(N8N_LOG_FILE, 'utf8') : '';
		assert.ok(/debug/i.test(log) || logLines.some((line) => line.startsWith('debug')), 'n8n debug logging was captured');
	});
});

describe('Coze fault matrix: docs and checks', () => {
	it('docs/faults-coze.md is the table of these tests (UPDATE_FAULT_MATRIX=1 rewrites it)', () => {
		const expected = renderFaultMatrixDoc();
		if (process.env.UPDATE_FAULT_MATRIX === '1') writeFileSync(DOC, expected);
		const actual = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '';
		assert.equal(
			actual,
			expected,
			'docs/faults-coze.md differs from the fault matrix: run UPDATE_FAULT_MATRIX=1 npm test -- test/faults/coze/faults.test.ts',
		);
		for (const row of FAULT_MATRIX) {
			for (const mode of MODES) {
				const cell = row.cells[mode];
				assert.ok(isApplicable(cell) ? cell.says.length > 0 && cell.cases.length > 0 : cell.na.length > 0, `${mode} × ${row.fault} says nothing`);
			}
		}
	});

	it('the leak check catches a server and a timer left open', async () => {
		const before = await settledResources();
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const timer = setInterval(() => {}, 1000);
		try {
			await assert.rejects(assertNoLeaks(before, { settleMs: 100 }), /TCPServerWrap.*Timeout|Timeout.*TCPServerWrap/s);
		} finally {
			clearInterval(timer);
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
		await assertNoLeaks(before);
		assert.deepEqual(extraResources(before), []);
	});
});
