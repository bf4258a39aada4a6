/**
 * What n8n's server does around a waiting execution, in-process: the execution row as n8n stores it
 * (status, waitTill, flatted run data), the waiting-webhook endpoint's checks and answers, the
 * resume in `WorkflowExecute`, and the WaitTracker's resume when the wait times out. Engine tests run
 * the whole park → callback → resume cycle with it, no n8n server needed.
 */
import './user-folder';

import { ExecutionLifecycleHooks, WebhookContext, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	Workflow,
	type ExecutionStatus,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type IRun,
	type IRunExecutionData,
	type ITaskData,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { answerLikeN8n, fakeHttpResponse, staticAnswer, type WebhookAnswer } from './answers';
import { executionAdditionalData, INSTANCE_URLS, type RunWorkflowOptions } from './contexts';
import type { TestCredentialsHelper } from './credentials';
import { countingNodeTypes } from './registry';
import { preserveInputOverride, requestBody, restartWebhooks, signatureParam } from './waiting-webhooks';

/**
 * `$execution.resumeUrl` is `<this>/<executionId>?signature=<resumeToken>`, as with WEBHOOK_URL
 * http://127.0.0.1:5678/ (nothing listens there unless a test serves the waiting webhooks).
 */
export const WAITING_BASE_URL = 'http://127.0.0.1:5678/webhook-waiting';
const WAITING_PATH = '/webhook-waiting/';

/** The execution's row in n8n's database, the only state that survives between park and resume. */
export interface ExecutionRow {
	id: string;
	status: ExecutionStatus;
	finished: boolean;
	mode: WorkflowExecuteMode;
	waitTill?: Date;
	workflowData: IWorkflowBase;
	/** The run execution data, flatted as n8n stores it. */
	data: string;
}

/** A request to `/webhook-waiting/<id>[/<suffix>]`. `query.signature` carries the resume token. */
export interface CallbackRequest {
	method?: string;
	suffix?: string;
	query?: IDataObject;
	headers?: Record<string, string>;
	body?: unknown;
}

export interface CallbackAnswer extends WebhookAnswer {
	/** This call won the resume: the execution continues with its `workflowData`. */
	resumed: boolean;
	/** Settles once the continuation this call started has been saved (at once if it started none). */
	done: Promise<void>;
	/**
	 * When the node wrote its answer before its `webhook()` returned (n8n sends it to the caller at
	 * once): what the call came to once `webhook()` returned. `resumed` is then false until this says.
	 */
	later?: Promise<CallbackAnswer>;
}

export interface WaitingRunOptions extends Omit<RunWorkflowOptions, 'streaming' | 'onChunk'> {
	/** The execution's mode, kept in its row (default `webhook`, a production execution). */
	mode?: WorkflowExecuteMode;
	/** Called once the row exists (status `running`), before any node runs: hands the execution to a test. */
	onStart?: (execution: WaitingExecution) => void;
	/** The workflow's settings; default `executionOrder: 'v1'`, as n8n gives new workflows. */
	settings?: IWorkflowSettings;
	/** n8n's webhookWaitingBaseUrl for this execution (default WAITING_BASE_URL), e.g. a served one. */
	waitingBaseUrl?: string;
}

/**
 * n8n stores run data with flatted (shared and circular references survive). flatted is not a
 * dependency of this package, so where it is missing a JSON round trip stands in.
 */
const { parse, stringify } = ((): { parse: (text: string) => unknown; stringify: (value: unknown) => string } => {
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		return require('flatted') as { parse: (text: string) => unknown; stringify: (value: unknown) => string };
	} catch {
		return JSON;
	}
})();
const unflatten = (data: string) => parse(data) as IRunExecutionData;
const executions = new Map<string, WaitingExecution>();
let lastExecutionId = 0;

/** One execution: its row, and what happened to it, for tests to assert on. */
export class WaitingExecution {
	/** execute() and webhook() calls, by node name. */
	readonly calls = { execute: {} as Record<string, number>, webhook: {} as Record<string, number> };
	/** The answer to each callback, in the order they were answered. */
	readonly answers: CallbackAnswer[] = [];
	/**
	 * Runs before each save of the row while it still says `running`: the window in which n8n
	 * answers a callback with 409 although the node has already parked.
	 */
	beforeSave?: (execution: WaitingExecution) => Promise<void> | void;
	private running = new Set<Promise<void>>();

	constructor(
		readonly row: ExecutionRow,
		readonly credentials: TestCredentialsHelper,
		readonly waitingBaseUrl: string,
	) {}

	get id(): string {
		return this.row.id;
	}
	get status(): ExecutionStatus {
		return this.row.status;
	}
	get waitTill(): Date | undefined {
		return this.row.waitTill;
	}
	/** The run execution data as stored (a fresh copy on each read). */
	get data(): IRunExecutionData {
		return unflatten(this.row.data);
	}
	get resumeToken(): string | undefined {
		return this.data.resumeToken;
	}
	/** What `$execution.resumeUrl` gives inside the execution. */
	get resumeUrl(): string {
		const token = this.resumeToken;
		return `${this.waitingBaseUrl}/${this.id}${token ? `?signature=${token}` : ''}`;
	}
	/** The execution's error as stored; `node` is the error's node, else the last node that ran. */
	get error(): { message: string; node?: string } | undefined {
		const { error, lastNodeExecuted } = this.data.resultData as { error?: Error & { node?: INode }; lastNodeExecuted?: string };
		return error && { message: error.message, node: error.node?.name ?? lastNodeExecuted };
	}
	/** Output 0 of each node's last run, by node name. */
	get items(): Record<string, INodeExecutionData[]> {
		const items: Record<string, INodeExecutionData[]> = {};
		for (const name of Object.keys(this.data.resultData.runData)) items[name] = this.outputs(name)[0] ?? [];
		return items;
	}
	/** Every output of a node's run (default: its last run). */
	outputs(node: string, runIndex?: number): INodeExecutionData[][] {
		const runs: ITaskData[] = this.data.resultData.runData[node] ?? [];
		const run = runs[runIndex ?? runs.length - 1];
		return (run?.data?.main ?? []).map((output) => output ?? []);
	}
	/** How many run entries a node has (a resumed node keeps one). */
	runCount(node: string): number {
		return this.data.resultData.runData[node]?.length ?? 0;
	}
	/** Settles when no continuation of this execution is running any more. */
	async settled(): Promise<void> {
		while (this.running.size > 0) await Promise.all([...this.running]);
	}
	/** @internal */
	track(done: Promise<void>): void {
		this.running.add(done);
		void done.finally(() => this.running.delete(done));
	}
}

/** The execution with this ID, if the harness ran it. */
export function findExecution(id: string): WaitingExecution | undefined {
	return executions.get(id);
}

/**
 * Runs a workflow from `startNode` as n8n does for a new execution, until it ends or parks; the row
 * then says `success`, `error` or `waiting`. The run data carries a resume token as in n8n 2.41.
 */
export async function startExecution(options: WaitingRunOptions): Promise<WaitingExecution> {
	const { nodes, connections } = structuredClone(options.workflow);
	const start = nodes.find((n) => n.name === options.startNode);
	if (!start) throw new Error(`the workflow has no node named ${JSON.stringify(options.startNode)}`);
	const items = (options.items ?? [{}]).map((json) => ({ json }));
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node: structuredClone(start), data: { main: [items] }, source: null }] },
	});
	const id = String(++lastExecutionId);
	const workflowData = { id: 'wf-waiting', name: 'waiting', nodes, connections, active: false, settings: options.settings ?? { executionOrder: 'v1' } } as unknown as IWorkflowBase;
	const row: ExecutionRow = { id, status: 'running', finished: false, mode: options.mode ?? 'webhook', workflowData, data: stringify(runExecutionData) };
	const execution = new WaitingExecution(row, options.credentials, options.waitingBaseUrl ?? WAITING_BASE_URL);
	executions.set(id, execution);
	options.onStart?.(execution);
	await runEngine(execution, runExecutionData);
	return execution;
}

/**
 * A call to the execution's waiting webhook, answered as n8n 2.41's waiting-webhooks endpoint does:
 * token (401), unknown execution (404), running (409), finished with error or finished (409), no
 * restart webhook for this method and path on the waiting node (404); then the node's `webhook()`
 * on the stored run data, and with `workflowData` the resume (a loser of the race gets 500).
 * Resolves with the answer when n8n would send it; `done` settles when the continuation is saved.
 */
export async function deliverCallback(target: WaitingExecution | string, request: CallbackRequest): Promise<CallbackAnswer> {
	const id = typeof target === 'string' ? target : target.id;
	// Everything up to webhook() happens before the first await, so concurrent calls all see the
	// row as it was when they arrived, as parallel requests reading the database do.
	const answer = await answerCallback(id, request);
	findExecution(id)?.answers.push(answer);
	return answer;
}

/**
 * `deliverCallback` for a full URL, e.g. the one a node handed to an upstream service; any host,
 * as n8n routes by path. A string or Buffer body is parsed as JSON where it is JSON.
 */
export async function deliverToUrl(url: string, request: Omit<CallbackRequest, 'suffix' | 'query'> = {}): Promise<CallbackAnswer> {
	const parsed = new URL(url);
	const at = parsed.pathname.indexOf(WAITING_PATH);
	if (at === -1) throw new Error(`not a waiting-webhook URL: ${url}`);
	const [id, ...suffix] = parsed.pathname.slice(at + WAITING_PATH.length).split('/');
	return await deliverCallback(id, { ...request, suffix: suffix.length ? suffix.join('/') : undefined, query: Object.fromEntries(parsed.searchParams) });
}

/**
 * What the WaitTracker does when the wait's time limit passes: resume the stored execution without
 * a callback. The engine disables the waiting node, so its input items pass through unchanged.
 * Returns false when another resume claimed it first (n8n skips it then).
 */
export async function expireWait(execution: WaitingExecution): Promise<boolean> {
	const { row } = execution;
	if (row.finished) throw new Error('The execution did succeed and can so not be started again.');
	if (!row.waitTill || row.waitTill.getUTCFullYear() >= 2999) throw new Error(`execution ${row.id} has no time limit: the WaitTracker never resumes it`);
	if (row.status !== 'waiting') return false;
	row.status = 'running';
	await runEngine(execution, unflatten(row.data));
	return true;
}

const done = (answer: WebhookAnswer): CallbackAnswer => ({ ...answer, resumed: false, done: Promise.resolve() });
// n8n's error body: a response error's own code, 0 for anything else (an HTTP 500).
const errorAnswer = (status: number, message: string) => done(staticAnswer(status, { code: status === 500 ? 0 : status, message }));

async function answerCallback(id: string, request: CallbackRequest): Promise<CallbackAnswer> {
	const execution = findExecution(id);
	const row = execution?.row;
	const stored = row && unflatten(row.data);
	let suffix = request.suffix;
	if (stored?.resumeToken) {
		const { token, webhookPath } = signatureParam(request.query?.signature);
		const valid = token !== undefined && token.length === stored.resumeToken.length && token === stored.resumeToken;
		if (!valid) return done(staticAnswer(401, { error: 'Invalid token' }));
		if (!suffix && webhookPath) suffix = webhookPath;
	}
	if (!execution || !row || !stored) return errorAnswer(404, `The execution "${id}" does not exist.`);
	if (row.status === 'running') return errorAnswer(409, `The execution "${id}" is running already.`);
	if (stored.resultData.error) return errorAnswer(409, `The execution "${id}" has finished with error.`);
	// The misplaced quote is n8n's.
	if (row.finished) return errorAnswer(409, `The execution "${id} has finished already.`);

	const lastNodeExecuted = stored.resultData.lastNodeExecuted!;
	const stack = stored.executionData!.nodeExecutionStack;
	stack[0].node.disabled = true;
	stored.waitTill = undefined;
	preserveInputOverride(stored.resultData.runData[lastNodeExecuted]);
	const workflow = workflowOf(execution);
	const node = workflow.getNode(lastNodeExecuted);
	if (!node) return errorAnswer(404, 'Could not find node to process webhook.');
	const method = (request.method ?? 'POST').toUpperCase();
	const webhook = restartWebhooks(workflow, node).find((w) => w.httpMethod === method && w.path === (suffix ?? ''));
	if (!webhook) return errorAnswer(404, `The workflow for execution "${id}" does not contain a waiting webhook with a matching path/method.`);

	let answeredEarly: (sent: { status: number; body: unknown }) => void = () => undefined;
	const early = new Promise<{ status: number; body: unknown }>((resolve) => (answeredEarly = resolve));
	const { response, sent } = fakeHttpResponse((written) => answeredEarly(written));
	const finishing = (async (): Promise<CallbackAnswer> => {
		const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
		const httpRequest = { method, headers, ...requestBody(request.body), query: request.query ?? {}, params: {} };
		const additionalData = {
			...INSTANCE_URLS,
			webhookWaitingBaseUrl: execution.waitingBaseUrl,
			executionId: id,
			credentialsHelper: execution.credentials,
			httpRequest,
			httpResponse: response,
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData = { ...webhook, workflowExecuteAdditionalData: additionalData } as IWebhookData;
		const context = new WebhookContext(workflow, node, additionalData, row.mode, webhookData, [], stored);
		let result: IWebhookResponseData;
		try {
			result = await (workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion).webhook as (this: unknown) => Promise<IWebhookResponseData>).call(context);
		} catch (error) {
			// n8n answers 500 and still continues the execution with the error recorded on the node.
			Object.assign(stored, { resultData: { runData: {}, lastNodeExecuted: node.name, error: { message: (error as Error).message, stack: (error as Error).stack } } });
			result = { noWebhookResponse: true, workflowData: [[{ json: {} }]] };
			const claimed = claim(execution, stored, result);
			return { ...staticAnswer(500, { code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' }), resumed: claimed !== undefined, done: claimed ?? Promise.resolve() };
		}
		const description = webhook.webhookDescription;
		const answer = (r: IWebhookResponseData) => {
			const built = answerLikeN8n(workflow, node, description, r, sent());
			if (built === 'respondToWebhookNode') throw new Error('responseNode is not modelled for waiting webhooks');
			return built;
		};
		if (result.workflowData === undefined) return done(answer(result));
		const continuation = claim(execution, stored, result);
		// A node that answered itself has answered; the lost race then only shows in n8n's log.
		if (!continuation) return result.noWebhookResponse === true ? done(answer(result)) : errorAnswer(500, 'There was a problem executing the workflow');
		const mode = workflow.expression.getComplexParameterValue(node, description.responseMode ?? 'onReceived', 'webhook', {}, undefined, 'onReceived');
		if (mode === 'lastNode' && result.noWebhookResponse !== true) {
			// The caller waits for the end and gets the last node's items.
			await continuation;
			const last = execution.data.resultData.lastNodeExecuted!;
			return { ...answer({ workflowData: execution.outputs(last) }), resumed: true, done: continuation };
		}
		return { ...answer(result), resumed: true, done: continuation };
	})();
	const first = await Promise.race([finishing, early]);
	if ('done' in first) return first;
	// The node answered before its webhook() returned: n8n has sent that answer to the caller already.
	return { ...staticAnswer(first.status, first.body), resumed: false, done: finishing.then(async (outcome) => await outcome.done), later: finishing };
}

/**
 * n8n 2.41's compare-and-set (`UPDATE … WHERE status = 'waiting'`), then the continuation with the
 * stack entry prepared as prepareExecutionData does: the node's output is exactly `workflowData`.
 */
function claim(execution: WaitingExecution, stored: IRunExecutionData, result: IWebhookResponseData): Promise<void> | undefined {
	if (execution.row.status !== 'waiting') return undefined;
	execution.row.status = 'running';
	const entry = stored.executionData!.nodeExecutionStack[0];
	entry.data.main = result.workflowData ?? [];
	entry.metadata = { ...entry.metadata, forwardAllOutputs: true };
	return runEngine(execution, stored);
}

function workflowOf(execution: WaitingExecution): Workflow {
	const data = structuredClone(execution.row.workflowData);
	return new Workflow({ ...data, nodeTypes: countingNodeTypes(execution.calls), staticData: data.staticData, settings: data.settings });
}

/**
 * Runs the engine on `runExecutionData` and saves the row when it ends or parks, as n8n's
 * workflowExecuteAfter hook does. Resolves after the save.
 */
function runEngine(execution: WaitingExecution, runExecutionData: IRunExecutionData): Promise<void> {
	const { row } = execution;
	const workflow = workflowOf(execution);
	const hooks = new ExecutionLifecycleHooks(row.mode, row.id, row.workflowData);
	let saved!: () => void;
	const finished = new Promise<void>((resolve) => (saved = resolve));
	hooks.addHandler('workflowExecuteAfter', async (run: IRun) => {
		try {
			await execution.beforeSave?.(execution);
		} finally {
			row.status = run.status;
			row.finished = run.finished === true;
			row.waitTill = run.waitTill ?? undefined;
			row.data = stringify(run.data);
			saved();
		}
	});
	const additionalData = { ...executionAdditionalData(row.id, hooks, execution.credentials), webhookWaitingBaseUrl: execution.waitingBaseUrl };
	const engine = new WorkflowExecute(additionalData, row.mode, runExecutionData).processRunExecutionData(workflow);
	// An engine that throws before its hook ran leaves the row as n8n's crash recovery would.
	const ended = Promise.resolve(engine).then(
		() => finished,
		() => {
			if (row.status === 'running') row.status = 'crashed';
			saved();
			return finished;
		},
	);
	execution.track(ended);
	return ended;
}
