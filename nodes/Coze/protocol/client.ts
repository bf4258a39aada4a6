import {
	getWorkflowInfo,
	getWorkflowInputs,
	listVersions,
	listWorkflows,
	listWorkspaces,
	type ListWorkflowsOptions,
	type ParameterSchema,
	type WorkflowSummary,
	type WorkflowVersion,
	type Workspace,
} from './discovery';
import type { CozeFlavor } from './endpoint';
import { CozeConnectionError, CozeInputError, CozeProtocolError, CozeTimeoutError, markingOpenRun } from './errors';
import { executeIdOf, stringField } from './envelope';
import { executeIdFromEventId } from './ids';
import { isPlainObject } from './json';
import { CozeRequester, type RequesterOptions } from './requester';
import { RunHistoryReader, type PollOptions } from './runHistory';
import { resultFromRunResponse, resumeBody, runBody, type CozeRunResult, type ResumeRequest, type RunRequest } from './runResult';
import { runStream, type StreamOptions } from './runStream';
import type { ClientRuntime } from '../../shared/clientRuntime';
import type { RunHistoryRecord } from './types';
import { uploadFile, type UploadedFile, type UploadTimeouts } from './upload';

export interface CozeClientOptions extends RequesterOptions {
	flavor: CozeFlavor;
	/** Used in messages: which Coze the client talks to, e.g. `api.coze.com`. */
	host: string;
	/**
	 * Which Coze account the credential is, for what clients of one process share (the session
	 * conversations): not a secret. Two accounts may use the same bot and session IDs.
	 */
	account?: string;
}

export type { CozeRunResult, ResumeRequest, RunRequest } from './runResult';
export type { JustStarted, PollOptions } from './runHistory';
export type { StreamOptions } from './runStream';

const RUN_PATH = '/v1/workflow/run';
const STREAM_RUN_PATH = '/v1/workflow/stream_run';
const STREAM_RESUME_PATH = '/v1/workflow/stream_resume';
const RESUME_PATH = '/v1/workflows/resume';

/** What every Coze client holds: the requester over the injected transport, the runtime, and which Coze it talks to. */
export abstract class CozeClientBase {
	protected readonly requester: CozeRequester;
	protected readonly runtime: ClientRuntime;
	readonly flavor: CozeFlavor;
	readonly host: string;
	readonly account: string;

	constructor(options: CozeClientOptions) {
		this.requester = new CozeRequester(options);
		this.runtime = options.runtime;
		this.flavor = options.flavor;
		this.host = options.host;
		this.account = options.account ?? '';
	}
}

/**
 * Coze's workflow API: runs in stream, sync and async mode, resumes, run histories. Knows nothing of
 * n8n; all I/O goes through the injected transport and runtime.
 */
export class CozeWorkflowClient extends CozeClientBase {
	private readonly histories: RunHistoryReader;

	constructor(options: CozeClientOptions) {
		super(options);
		this.histories = new RunHistoryReader(this.requester, options.flavor, options.host);
	}

	// ---- runs ----

	async streamRun(request: RunRequest, options: StreamOptions): Promise<CozeRunResult> {
		return await runStream(this.requester, this.histories, STREAM_RUN_PATH, runBody(request, false), request.workflowId, options);
	}

	async streamResume(request: ResumeRequest, options: StreamOptions): Promise<CozeRunResult> {
		// The event ID starts with the execute ID: a broken resume stream can always be read from the run history.
		return await runStream(this.requester, this.histories, STREAM_RESUME_PATH, resumeBody(request), request.workflowId, options, executeIdFromEventId(request.eventId));
	}

	async runSync(request: RunRequest, timeoutMs: number): Promise<CozeRunResult> {
		const { envelope, logId } = await markingOpenRun('sending', async () => await this.requester.requestJson(
			{ method: 'POST', path: RUN_PATH, json: runBody(request, false), idleTimeoutMs: timeoutMs, deadlineMs: timeoutMs },
			'starts-run',
		).then(
			(answer) => answer,
			(error: unknown) => {
				// Coze drops a sync request that has no answer after 90 s, without a response.
				if (error instanceof CozeConnectionError && error.mayHaveReachedServer) {
					throw new CozeConnectionError(
						`Coze closed the connection before answering the sync run. Coze cuts sync runs after 90 s: use stream or async mode for long workflows. The run may have started; check its history in Coze before running it again.`,
						error.code,
						true,
					);
				}
				if (error instanceof CozeTimeoutError) {
					throw new CozeTimeoutError(`${error.message} The run may have started; check its history in Coze before running it again.`, error.timeoutKind);
				}
				throw error;
			},
		));
		return resultFromRunResponse(envelope, logId, 'sync');
	}

	/** Starts an async run; returns as soon as Coze has accepted it. */
	async startAsync(request: RunRequest, timeoutMs: number): Promise<{ executeId: string; debugUrl?: string; logId?: string; startedAt: number }> {
		const { envelope, logId } = await markingOpenRun('sending', async () => await this.requester.requestJson(
			{ method: 'POST', path: RUN_PATH, json: runBody(request, true), idleTimeoutMs: timeoutMs, deadlineMs: timeoutMs },
			'starts-run',
		));
		const debugUrl = stringField(envelope, 'debug_url');
		const executeId = executeIdOf(envelope);
		if (!executeId) throw new CozeProtocolError('Coze accepted the async run but sent no execute_id');
		return { executeId, debugUrl, logId, startedAt: this.runtime.now() };
	}

	/** `/v1/workflows/resume`, for runs that started sync or async. An async run is then polled. */
	async resume(request: ResumeRequest, timeoutMs: number, poll: PollOptions): Promise<CozeRunResult> {
		if (this.flavor === 'studio') {
			throw new CozeInputError(
				'Resume Via',
				'Coze Studio has no non-stream resume endpoint (/v1/workflows/resume). Resume through the stream instead.',
			);
		}
		const { envelope, logId } = await markingOpenRun('sending', async () => await this.requester.requestJson(
			{ method: 'POST', path: RESUME_PATH, json: resumeBody(request), idleTimeoutMs: timeoutMs, deadlineMs: timeoutMs },
			'starts-run',
		));
		const hasResult = 'data' in envelope || isPlainObject(envelope.interrupt_data);
		const executeId = executeIdOf(envelope);
		if (!hasResult && executeId) {
			// The run was async: it goes on after the resume and is read from its history.
			return await this.followRun(request.workflowId, executeId, poll, 'async', { startedAt: this.runtime.now(), remember: false });
		}
		return resultFromRunResponse(envelope, logId, 'sync');
	}

	// ---- discovery (discovery.ts): lists and schemas for the editor ----

	async listWorkspaces(idleTimeoutMs?: number): Promise<Workspace[]> {
		return await listWorkspaces(this.requester, idleTimeoutMs);
	}

	async listWorkflows(workspace: Workspace, page: number, options?: ListWorkflowsOptions): Promise<{ items: WorkflowSummary[]; hasMore: boolean }> {
		return await listWorkflows(this.requester, workspace, page, options);
	}

	async getWorkflowInputs(workflowId: string, idleTimeoutMs?: number): Promise<Record<string, ParameterSchema>> {
		return await getWorkflowInputs(this.requester, workflowId, idleTimeoutMs);
	}

	async getWorkflowInfo(workflowId: string, idleTimeoutMs?: number): Promise<{ name?: string; description?: string }> {
		return await getWorkflowInfo(this.requester, workflowId, idleTimeoutMs);
	}

	async listVersions(workflowId: string, idleTimeoutMs?: number): Promise<WorkflowVersion[]> {
		return await listVersions(this.requester, workflowId, idleTimeoutMs);
	}

	/** Uploads one file (upload.ts); an upload is never repeated once it may have reached Coze. */
	async uploadFile(file: { fileName: string; mimeType?: string; data: Uint8Array }, timeouts?: UploadTimeouts): Promise<UploadedFile> {
		return await uploadFile(this.requester, file, timeouts);
	}

	// ---- run histories (runHistory.ts) ----

	async getRunHistory(...args: Parameters<RunHistoryReader['getRunHistory']>): Promise<RunHistoryRecord> {
		return await this.histories.getRunHistory(...args);
	}

	async waitForRun(...args: Parameters<RunHistoryReader['waitForRun']>): Promise<RunHistoryRecord> {
		return await this.histories.waitForRun(...args);
	}

	async waitForResult(...args: Parameters<RunHistoryReader['waitForResult']>): Promise<CozeRunResult> {
		return await this.histories.waitForResult(...args);
	}

	/** `waitForResult` for a run this client started or resumed: its failures leave the run open unless it failed. */
	async followRun(...args: Parameters<RunHistoryReader['waitForResult']>): Promise<CozeRunResult> {
		return await markingOpenRun('started', async () => await this.histories.waitForResult(...args));
	}

	async resultFromHistory(...args: Parameters<RunHistoryReader['resultFromHistory']>): Promise<CozeRunResult> {
		return await this.histories.resultFromHistory(...args);
	}
}
