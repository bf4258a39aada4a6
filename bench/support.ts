// Shared pieces of the network figures: bench scenarios for the emulator, the raw client floor
// (undici + eventsource-parser), curl -N, the @coze/api SDK, and a runner for the engine.
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';

import { createParser } from 'eventsource-parser';
import { request } from 'undici';

import type { WorkflowScenario } from '../test/emulator';
import { accessTokenCredentials, runNode, type NodeRunResult, type RunNodeOptions } from '../test/harness/engine';
import { runParams } from '../test/engine/helpers';
import type { INodeParameters } from 'n8n-workflow';

export const BENCH_IDS = {
	short: '7400000000000090001',
	events10k: '7400000000000090002',
	halfSecond: '7400000000000090003',
	async5s: '7400000000000090005',
	async60s: '7400000000000090060',
	async600s: '7400000000000090600',
	big100MB: '7400000000000090100',
} as const;

const OUTPUT_NODE = { id: '135279', type: 'Message', title: 'Message' };
const output = { parameters: { output: { type: 'string' as const } }, terminatePlan: 'return_variables' as const };

function scenario(id: string, name: string, script: WorkflowScenario['script']): WorkflowScenario {
	return { id, name, output, script };
}

/** One Output-node Message (so the node forwards a live chunk), then End variables and Done. */
export const shortScenario = scenario(BENCH_IDS.short, 'Bench: short run', [
	{ kind: 'message', node: OUTPUT_NODE, chunks: ['你好'] },
	{ kind: 'end', mode: 'variables', output: { output: '你好' } },
]);

/** 10,000 Output-node Message events (short CJK chunks), then End variables and Done. */
export const events10kScenario = scenario(BENCH_IDS.events10k, 'Bench: 10,000 events', [
	{
		kind: 'message',
		node: OUTPUT_NODE,
		chunks: Array.from({ length: 9_999 }, (_, i) => `第${i}段：今天天气很好，我们去公园散步。`),
	},
	{ kind: 'end', mode: 'variables', output: { output: 'done' } },
]);

/** A run that takes 500 ms of Coze time. */
export const halfSecondScenario = scenario(BENCH_IDS.halfSecond, 'Bench: 500 ms run', [
	{ kind: 'wait', ms: 500 },
	{ kind: 'end', mode: 'variables', output: { output: 'ok' } },
]);

export function waitScenario(id: string, ms: number): WorkflowScenario {
	return scenario(id, `Bench: ${ms / 1000} s run`, [
		{ kind: 'wait', ms },
		{ kind: 'end', mode: 'variables', output: { output: 'ok' } },
	]);
}

/** An End node streaming its answer: `bytes` of CJK text in 64 KiB chunks. */
export function bigScenario(bytes: number): WorkflowScenario {
	const piece = '这是一个很长的输出用于测量内存峰值。'.repeat(1300); // ~64 KiB of UTF-8 (3 bytes a character)
	const pieceBytes = Buffer.byteLength(piece);
	const count = Math.ceil(bytes / pieceBytes);
	return {
		id: BENCH_IDS.big100MB,
		name: 'Bench: 100 MB output',
		output: { parameters: { output: { type: 'string' } }, terminatePlan: 'use_answer_content' },
		script: [{ kind: 'end', mode: 'answer', chunks: Array.from({ length: count }, () => piece) }],
	};
}

export interface Target {
	baseUrl: string;
	token: string;
}

/** The floor: a raw undici POST to stream_run, SSE parsed by eventsource-parser, Message contents collected. */
export async function floorStream(target: Target, workflowId: string): Promise<{ events: number; text: string }> {
	const res = await request(`${target.baseUrl}/v1/workflow/stream_run`, {
		method: 'POST',
		headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ workflow_id: workflowId, parameters: {} }),
	});
	if (res.statusCode !== 200) throw new Error(`floor: HTTP ${res.statusCode}`);
	let events = 0;
	let text = '';
	let done = false;
	const decoder = new TextDecoder();
	const parser = createParser({
		onEvent: (m) => {
			events++;
			if (m.event === 'Message') text += (JSON.parse(m.data) as { content: string }).content;
			else if (m.event === 'Done') done = true;
		},
	});
	for await (const chunk of res.body) parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
	if (!done) throw new Error('floor: no Done');
	return { events, text };
}

export const hasCurl = spawnSync('curl', ['--version']).status === 0;

/** curl -N streaming the same run to /dev/null (includes curl's process start). */
export function curlStream(target: Target, workflowId: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn(
			'curl',
			['-sS', '-N', '-o', '/dev/null', '-X', 'POST', `${target.baseUrl}/v1/workflow/stream_run`,
				'-H', `Authorization: Bearer ${target.token}`, '-H', 'Content-Type: application/json',
				'--data', JSON.stringify({ workflow_id: workflowId, parameters: {} })],
			{ stdio: ['ignore', 'ignore', 'inherit'] },
		);
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`curl exited ${code}`))));
	});
}

/** The official SDK's stream (undefined when @coze/api is not installed). */
export async function cozeSdkStream(target: Target, workflowId: string): Promise<number> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { CozeAPI } = require('@coze/api') as typeof import('@coze/api');
	const api = new CozeAPI({ token: target.token, baseURL: target.baseUrl });
	let events = 0;
	for await (const _event of api.workflows.runs.stream({ workflow_id: workflowId, parameters: {} })) events++;
	return events;
}

/** Runs the built Coze Workflow node in n8n-core's engine against the emulator. */
export async function engineRun(target: Target, parameters: INodeParameters, extra: Partial<RunNodeOptions> = {}): Promise<NodeRunResult> {
	const result = await runNode({ parameters, credentials: accessTokenCredentials(target.baseUrl, target.token), ...extra });
	if (result.status !== 'success') throw new Error(`engine run ${result.status}: ${result.error?.message ?? ''}`);
	return result;
}

export function streamParams(workflowId: string, extra: INodeParameters = {}): INodeParameters {
	return runParams(workflowId, extra);
}

/**
 * Records when the emulator (same process) hands the first SSE Message of a response to Node's
 * HTTP layer: `ServerResponse.prototype.write` is wrapped; the emulator itself is not changed.
 */
export class FirstMessageProbe {
	private readonly original = http.ServerResponse.prototype.write;
	firstMessageAt: number | undefined;

	/** `event`: what the first write of interest starts with (a workflow Message, or a chat answer delta). */
	constructor(private readonly event: RegExp = /event: ?Message/) {}

	install(): void {
		const original = this.original;
		// eslint-disable-next-line @typescript-eslint/no-this-alias
		const probe = this;
		http.ServerResponse.prototype.write = function (this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
			if (probe.firstMessageAt === undefined && Buffer.isBuffer(chunk) && probe.event.test(chunk.toString('latin1', 0, 200))) {
				probe.firstMessageAt = performance.now();
			}
			return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
		} as typeof original;
	}

	reset(): void {
		this.firstMessageAt = undefined;
	}

	uninstall(): void {
		http.ServerResponse.prototype.write = this.original;
	}
}
