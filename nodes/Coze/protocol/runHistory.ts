import type { CozeFlavor } from './endpoint';
import { CozeApiError, CozeTimeoutError } from './errors';
import { stringField } from './envelope';
import { idString, isPlainObject } from './json';
import { splitHistoryOutput } from './output';
import { nextPollDelay, RunDurations, type PollPolicy } from './pollSchedule';
import type { CozeRequester } from './requester';
import { interruptFromPayload, type AssembledMessage, type CozeRunResult } from './runResult';
import type { ClientRuntime } from '../../shared/clientRuntime';
import { settle } from '../../shared/settle';
import type { TransportRequest } from './transport';
import type { CozeUsage, InterruptPayload, RunHistoryRecord } from './types';

export interface PollOptions {
	policy: PollPolicy;
	maxWaitMs: number;
	idleTimeoutMs: number;
}

/** Lengths of recent async runs per workflow, shared by every client in this process (see pollSchedule.ts). */
const RUN_DURATIONS = new RunDurations();

/** This client has just started (or resumed) the run: polling waits before its first poll, and may learn the run's length. */
export interface JustStarted {
	startedAt: number;
	/** Remember how long it took, to poll the workflow's later runs less often (not for resumed runs). */
	remember: boolean;
}

/** Reads runs from their history: once, or polling until they leave `Running`. */
export class RunHistoryReader {
	private readonly runtime: ClientRuntime;

	constructor(
		private readonly requester: CozeRequester,
		private readonly flavor: CozeFlavor,
		/** Which Coze: runs of the same workflow ID on two hosts are different workflows. */
		private readonly host: string,
	) {
		this.runtime = requester.runtime;
	}

	async getRunHistory(workflowId: string, executeId: string, idleTimeoutMs: number, deadlineMs?: number): Promise<RunHistoryRecord> {
		const request: TransportRequest =
			this.flavor === 'studio'
				? {
						method: 'GET',
						path: '/v1/workflow/get_run_history',
						query: { workflow_id: workflowId, execute_id: executeId },
						idleTimeoutMs,
						deadlineMs,
					}
				: {
						method: 'GET',
						path: `/v1/workflows/${encodeURIComponent(workflowId)}/run_histories/${encodeURIComponent(executeId)}`,
						idleTimeoutMs,
						deadlineMs,
					};
		const { envelope, logId } = await this.requester.requestJson(request, 'read');
		const data = Array.isArray(envelope.data) ? envelope.data[0] : envelope.data;
		if (!isPlainObject(data)) {
			throw new CozeApiError({
				code: 4314,
				message: `Coze returned no run history for execute ID ${executeId}`,
				logId,
				endpoint: `GET ${request.path}`,
			});
		}
		return historyRecord(data, executeId);
	}

	/** Polls a run until it leaves `Running`, with backoff, until `maxWaitMs`. */
	async waitForRun(workflowId: string, executeId: string, poll: PollOptions, justStarted?: JustStarted): Promise<RunHistoryRecord> {
		const started = justStarted?.startedAt ?? this.runtime.now();
		const durationKey = `${this.host} ${workflowId}`;
		const estimate = justStarted?.remember ? RUN_DURATIONS.estimate(durationKey) : undefined;
		// A run started a moment ago is still running: wait before the first poll. One read later may be over.
		if (justStarted) await this.requester.pause(nextPollDelay(0, poll.policy, estimate, this.runtime.random));
		let lastRunningAt = started;
		for (;;) {
			// A poll may take the Request Timeout, but no longer than Max Wait has left.
			const left = poll.maxWaitMs - (this.runtime.now() - started);
			const cappedByMaxWait = left < poll.idleTimeoutMs;
			const record = await settle(async () => await this.getRunHistory(workflowId, executeId, poll.idleTimeoutMs, Math.max(1, Math.min(poll.idleTimeoutMs, left))));
			if (record instanceof CozeTimeoutError && record.timeoutKind === 'total' && cappedByMaxWait) {
				throw maxWaitError(poll.maxWaitMs, executeId);
			}
			if (record instanceof Error) throw record;
			// An interrupted run stays Running, with interrupt_data, until it is resumed: that is its answer.
			if (record.status === 'Running' && record.interrupt) return record;
			if (record.status !== 'Running') {
				// It ended between the last two polls: remember the middle.
				if (justStarted?.remember) RUN_DURATIONS.record(durationKey, (lastRunningAt + this.runtime.now()) / 2 - started);
				return record;
			}
			lastRunningAt = this.runtime.now();
			const elapsed = lastRunningAt - started;
			if (elapsed >= poll.maxWaitMs) {
				throw maxWaitError(poll.maxWaitMs, executeId, record.debugUrl);
			}
			const delay = Math.min(nextPollDelay(elapsed, poll.policy, estimate, this.runtime.random), poll.maxWaitMs - elapsed);
			await this.requester.pause(delay);
		}
	}

	/** Reads a run (waiting for it to finish if asked) and turns its history into a result. */
	async waitForResult(
		workflowId: string,
		executeId: string,
		poll: PollOptions,
		source: CozeRunResult['source'],
		justStarted?: JustStarted,
	): Promise<CozeRunResult> {
		const record = await this.waitForRun(workflowId, executeId, poll, justStarted);
		return await this.resultFromHistory(workflowId, record, source, poll.idleTimeoutMs);
	}

	/** Turns a finished history record into a result; a `Fail` record becomes a `CozeApiError`. */
	async resultFromHistory(
		workflowId: string,
		record: RunHistoryRecord,
		source: CozeRunResult['source'],
		idleTimeoutMs: number,
	): Promise<CozeRunResult> {
		if (record.status === 'Fail') {
			const code = Number(record.errorCode);
			throw new CozeApiError({
				code: Number.isFinite(code) && record.errorCode !== '' ? code : undefined,
				message: record.errorMessage || 'The workflow run failed',
				debugUrl: record.debugUrl,
				executeId: record.executeId,
				logId: record.logId,
				endpoint: 'run history',
				runFailed: true,
			});
		}
		const { endOutput, nodeOutputs } = splitHistoryOutput(record.output);
		const messages: AssembledMessage[] = Object.entries(nodeOutputs).map(([title, content]) => ({
			nodeTitle: title,
			nodeId: '',
			nodeType: '',
			content,
		}));
		const notices: string[] = [];
		if (record.isOutputTrimmed) {
			const recovered = await this.fetchTrimmedNodeOutputs(workflowId, record, messages, idleTimeoutMs);
			notices.push(
				recovered > 0
					? `Coze trimmed this run's stored output because it is large; the full content of ${recovered} output node(s) was fetched separately. The End node's output may still be cut.`
					: "Coze trimmed this run's stored output because it is large; the End node's output may be cut.",
			);
		}
		const interrupt = record.interrupt ? interruptFromPayload(record.interrupt, '', '') : undefined;
		return {
			status: interrupt ? 'interrupted' : 'succeeded',
			outputText: endOutput,
			executeId: record.executeId,
			debugUrl: record.debugUrl,
			usage: record.usage,
			logId: record.logId,
			messages,
			interrupt,
			outputTrimmed: record.isOutputTrimmed,
			source,
			messageCount: 0,
			notices,
		};
	}

	private async fetchTrimmedNodeOutputs(
		workflowId: string,
		record: RunHistoryRecord,
		messages: AssembledMessage[],
		idleTimeoutMs: number,
	): Promise<number> {
		if (this.flavor === 'studio') return 0;
		let recovered = 0;
		for (const [title, status] of Object.entries(record.nodeExecuteStatus)) {
			const uuid = status.node_execute_uuid;
			if (!uuid) continue;
			const { data } = await this.requester.requestJson(
				{
					method: 'GET',
					path: `/v1/workflows/${encodeURIComponent(workflowId)}/run_histories/${encodeURIComponent(record.executeId)}/execute_nodes/${encodeURIComponent(uuid)}`,
					idleTimeoutMs,
				},
				'read',
			);
			const content = typeof data.node_output === 'string' ? data.node_output : undefined;
			if (content === undefined) continue;
			const existing = messages.find((m) => m.nodeTitle === title);
			if (existing) existing.content = content;
			else messages.push({ nodeTitle: title, nodeId: status.node_id ?? '', nodeType: '', content });
			recovered++;
		}
		return recovered;
	}
}

function historyRecord(data: Record<string, unknown>, requestedExecuteId: string): RunHistoryRecord {
	const nodeStatus = isPlainObject(data.node_execute_status) ? data.node_execute_status : {};
	const errorCode = data.error_code;
	return {
		executeId: idString(data.execute_id) ?? requestedExecuteId,
		status: typeof data.execute_status === 'string' ? data.execute_status : 'Running',
		output: typeof data.output === 'string' ? data.output : data.output === undefined ? '' : JSON.stringify(data.output),
		errorCode: errorCode === undefined || errorCode === null ? undefined : String(errorCode),
		// Studio says `error_msg` and `log_id` where the cloud says `error_message` and `logid`.
		errorMessage: stringField(data, 'error_message') ?? stringField(data, 'error_msg'),
		debugUrl: stringField(data, 'debug_url'),
		usage: isPlainObject(data.usage) ? (data.usage as CozeUsage) : undefined,
		logId: stringField(data, 'logid') ?? stringField(data, 'log_id'),
		runMode: typeof data.run_mode === 'number' ? data.run_mode : undefined,
		isOutputTrimmed: data.is_output_trimmed === true,
		nodeExecuteStatus: nodeStatus as RunHistoryRecord['nodeExecuteStatus'],
		interrupt: isPlainObject(data.interrupt_data) ? (data.interrupt_data as InterruptPayload) : undefined,
		createTime: typeof data.create_time === 'number' ? data.create_time : undefined,
		updateTime: typeof data.update_time === 'number' ? data.update_time : undefined,
	};
}

function maxWaitError(maxWaitMs: number, executeId: string, debugUrl?: string): CozeTimeoutError {
	return new CozeTimeoutError(
		`The run was still running after ${formatDuration(maxWaitMs)} (Max Wait Time). It goes on in Coze: read it later with the Get Run operation and execute ID ${executeId}.`,
		'wait',
		executeId,
		debugUrl,
	);
}

/** A duration for messages, in the largest unit that states it exactly. */
export function formatDuration(ms: number): string {
	if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
	if (ms % 60_000 === 0) return `${ms / 60_000} min`;
	if (ms % 1000 === 0) return `${ms / 1000} s`;
	return `${ms} ms`;
}
