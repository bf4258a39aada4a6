import type { CozeFlavor } from './endpoint';
import { CozeConnectionError, CozeInputError, CozeProtocolError, CozeTimeoutError } from './errors';
import {
	readInputSchema,
	readVersion,
	readWorkflowSummary,
	readWorkspace,
	type ParameterSchema,
	type WorkflowSummary,
	type WorkflowVersion,
	type Workspace,
} from './discovery';
import { executeIdOf, stringField } from './envelope';
import { executeIdFromEventId } from './ids';
import { CozeRequester, type RequesterOptions } from './requester';
import { RunHistoryReader, type PollOptions } from './runHistory';
import { resultFromRunResponse, resumeBody, runBody, type CozeRunResult, type ResumeRequest, type RunRequest } from './runResult';
import { MAX_UPLOAD_BYTES, multipartFile, type UploadedFile } from './upload';
import { idString, isPlainObject } from './json';
import { runStream, type StreamOptions } from './runStream';
import type { ClientRuntime } from './transport';
import type { RunHistoryRecord } from './types';

export interface CozeClientOptions extends RequesterOptions {
	flavor: CozeFlavor;
	/** Used in messages: which Coze the client talks to, e.g. `api.coze.com`. */
	host: string;
}

export type { CozeRunResult, ResumeRequest, RunRequest } from './runResult';
export type { JustStarted, PollOptions } from './runHistory';
export type { StreamOptions } from './runStream';

const RUN_PATH = '/v1/workflow/run';
const STREAM_RUN_PATH = '/v1/workflow/stream_run';
const STREAM_RESUME_PATH = '/v1/workflow/stream_resume';
const RESUME_PATH = '/v1/workflows/resume';

/**
 * Coze's workflow API: runs in stream, sync and async mode, resumes, run histories. Knows nothing of
 * n8n; all I/O goes through the injected transport and runtime.
 */
export class CozeWorkflowClient {
	private readonly requester: CozeRequester;
	private readonly histories: RunHistoryReader;
	private readonly runtime: ClientRuntime;
	readonly flavor: CozeFlavor;
	readonly host: string;

	constructor(options: CozeClientOptions) {
		this.requester = new CozeRequester(options);
		this.runtime = options.runtime;
		this.flavor = options.flavor;
		this.host = options.host;
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
		const { envelope, logId } = await this.requester.requestJson(
			{ method: 'POST', path: RUN_PATH, json: runBody(request, false), idleTimeoutMs: timeoutMs },
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
		);
		return resultFromRunResponse(envelope, logId, 'sync');
	}

	/** Starts an async run; returns as soon as Coze has accepted it. */
	async startAsync(request: RunRequest, timeoutMs: number): Promise<{ executeId: string; debugUrl?: string; logId?: string; startedAt: number }> {
		const { envelope, logId } = await this.requester.requestJson(
			{ method: 'POST', path: RUN_PATH, json: runBody(request, true), idleTimeoutMs: timeoutMs },
			'starts-run',
		);
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
		const { envelope, logId } = await this.requester.requestJson(
			{ method: 'POST', path: RESUME_PATH, json: resumeBody(request), idleTimeoutMs: timeoutMs },
			'starts-run',
		);
		const hasResult = 'data' in envelope || isPlainObject(envelope.interrupt_data);
		const executeId = executeIdOf(envelope);
		if (!hasResult && executeId) {
			// The run was async: it goes on after the resume and is read from its history.
			return await this.waitForResult(request.workflowId, executeId, poll, 'async', { startedAt: this.runtime.now(), remember: false });
		}
		return resultFromRunResponse(envelope, logId, 'sync');
	}

	// ---- discovery (spec §6): lists and schemas for the editor ----

	/** Every workspace the token can see. */
	async listWorkspaces(idleTimeoutMs = 30_000): Promise<Workspace[]> {
		const all: Workspace[] = [];
		for (let page = 1; page <= 20; page++) {
			const { data } = await this.requester.requestJson(
				{ method: 'GET', path: '/v1/workspaces', query: { page_num: page, page_size: 50 }, idleTimeoutMs },
				'read',
			);
			const items = Array.isArray(data.workspaces) ? data.workspaces : [];
			for (const raw of items) {
				const workspace = readWorkspace(raw);
				if (workspace) all.push(workspace);
			}
			const total = typeof data.total_count === 'number' ? data.total_count : undefined;
			if (items.length < 50 || (total !== undefined && all.length >= total)) break;
		}
		return all;
	}

	/** One page of a workspace's workflows (at most 30 per page, Coze's limit). */
	async listWorkflows(
		workspace: Workspace,
		page: number,
		options: { publishStatus?: string; mode?: 'workflow' | 'chatflow'; idleTimeoutMs?: number } = {},
	): Promise<{ items: WorkflowSummary[]; hasMore: boolean }> {
		const { data } = await this.requester.requestJson(
			{
				method: 'GET',
				path: '/v1/workflows',
				query: {
					workspace_id: workspace.id,
					page_num: page,
					page_size: 30,
					publish_status: options.publishStatus ?? 'published_online',
					workflow_mode: options.mode,
				},
				idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
			},
			'read',
		);
		const items = (Array.isArray(data.items) ? data.items : []).flatMap((raw) => readWorkflowSummary(raw, workspace) ?? []);
		return { items, hasMore: data.has_more === true };
	}

	/** A workflow's input parameters, from its info with `include_input_output=true`. */
	async getWorkflowInputs(workflowId: string, idleTimeoutMs = 30_000): Promise<Record<string, ParameterSchema>> {
		const { envelope } = await this.requester.requestJson(
			{ method: 'GET', path: `/v1/workflows/${encodeURIComponent(workflowId)}`, query: { include_input_output: true }, idleTimeoutMs },
			'read',
		);
		return readInputSchema(envelope.data);
	}

	/** The published versions of a workflow, newest first (resource-library workflows only). */
	async listVersions(workflowId: string, idleTimeoutMs = 30_000): Promise<WorkflowVersion[]> {
		const all: WorkflowVersion[] = [];
		let pageToken: string | undefined;
		for (let page = 0; page < 10; page++) {
			const { data } = await this.requester.requestJson(
				{
					method: 'GET',
					path: `/v1/workflows/${encodeURIComponent(workflowId)}/versions`,
					query: { page_size: 30, page_token: pageToken },
					idleTimeoutMs,
				},
				'read',
			);
			for (const raw of Array.isArray(data.items) ? data.items : []) {
				const version = readVersion(raw);
				if (version) all.push(version);
			}
			pageToken = typeof data.next_page_token === 'string' && data.next_page_token ? data.next_page_token : undefined;
			if (data.has_more !== true || !pageToken) break;
		}
		return all;
	}

	/**
	 * Uploads one file (`POST /v1/files/upload`, multipart part `file`). Files over 512 MB are refused
	 * before sending. An upload is not repeated after a connection failure: it could store the file twice.
	 */
	async uploadFile(file: { fileName: string; mimeType?: string; data: Uint8Array }, idleTimeoutMs = 120_000): Promise<UploadedFile> {
		if (file.data.byteLength > MAX_UPLOAD_BYTES) {
			throw new CozeInputError('File', `The file "${file.fileName}" is ${Math.ceil(file.data.byteLength / 1048576)} MB; Coze accepts at most 512 MB per file.`);
		}
		if (file.data.byteLength === 0) throw new CozeInputError('File', `The file "${file.fileName}" is empty; Coze refuses empty files (4300).`);
		const { contentType, body } = multipartFile(file);
		const { data } = await this.requester.requestJson(
			{ method: 'POST', path: '/v1/files/upload', raw: { contentType, data: body }, idleTimeoutMs },
			'starts-run',
		);
		const id = idString(data.id);
		if (!id) throw new CozeProtocolError('Coze accepted the upload but returned no file ID');
		return { id, fileName: typeof data.file_name === 'string' ? data.file_name : file.fileName, bytes: typeof data.bytes === 'number' ? data.bytes : file.data.byteLength };
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

	async resultFromHistory(...args: Parameters<RunHistoryReader['resultFromHistory']>): Promise<CozeRunResult> {
		return await this.histories.resultFromHistory(...args);
	}
}
