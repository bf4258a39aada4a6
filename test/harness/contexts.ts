/**
 * Runs the package's built nodes inside n8n-core's real contexts, as n8n does: an execution in
 * `WorkflowExecute` (one node, or a workflow from a start node), a polling trigger's `poll()`, a
 * webhook trigger's `webhook()`, and the editor's methods (list search, resource mapper, options).
 */
import './user-folder';

import { ExecutionLifecycleHooks, LoadOptionsContext, PollContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import {
	Workflow,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type IRun,
	type IRunExecutionData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type NodeExecutionHint,
	type WorkflowExecuteMode,
	type IWebhookData,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { answerLikeN8n, fakeHttpResponse, type SentResponse, type WebhookAnswer } from './answers';
import type { TestCredentialsHelper } from './credentials';
import { baseKind, nodeType, nodeTypes, PACKAGE_NAME } from './registry';

/**
 * The one node of a test workflow: this package's `kind` with `parameters` and a stored credential
 * of each type. `as` is how the entry point names it (n8n keys run data and errors by the name).
 */
export function nodeUnderTest(
	kind: string,
	parameters: INodeParameters,
	credentialTypes: string[],
	as: Pick<INode, 'id' | 'name'> & Partial<Pick<INode, 'typeVersion' | 'webhookId' | 'onError'>>,
): INode {
	return {
		id: as.id,
		name: as.name,
		type: `${PACKAGE_NAME}.${kind}`,
		typeVersion: as.typeVersion ?? 1,
		position: [0, 0],
		parameters,
		...(as.webhookId ? { webhookId: as.webhookId } : {}),
		credentials: Object.fromEntries(credentialTypes.map((t) => [t, { id: t, name: t }])),
		...(as.onError ? { onError: as.onError } : {}),
	};
}

export interface StructuredChunk {
	type: 'begin' | 'item' | 'end' | 'error';
	content?: string;
	metadata: { nodeId: string; nodeName: string; itemIndex: number; runIndex: number; timestamp: number };
}

export interface RunNodeOptions {
	node?: string;
	parameters: INodeParameters;
	credentials: TestCredentialsHelper;
	/** Which credential types the node is given (default: the Coze access token). */
	credentialTypes?: string[];
	items?: IDataObject[];
	mode?: WorkflowExecuteMode;
	/** Enables n8n's streaming response (sendChunk) for this execution. */
	streaming?: boolean;
	onChunk?: (chunk: StructuredChunk) => void;
	continueOnFail?: boolean;
	/** Input items with binary data (instead of `items`). */
	inputItems?: INodeExecutionData[];
	typeVersion?: number;
	/** Stops the execution (as the user's Stop button does) after this long. */
	cancelAfterMs?: number;
	/** Stops the execution (as the user's Stop button does) when this settles. */
	cancelOn?: Promise<unknown>;
	/** n8n's Retry On Fail on the node: two tries, no wait between them. */
	retryOnFail?: boolean;
	/** The execution's ID; each execution gets one of its own unless given (n8n 1.x re-runs a job under the same ID). */
	executionId?: string;
}

export interface NodeRunResult {
	status: IRun['status'];
	items: INodeExecutionData[];
	error?: { message: string; description?: string | null; httpCode?: string | null; name: string; context?: IDataObject };
	chunks: StructuredChunk[];
	hints: NodeExecutionHint[];
	run: IRun;
}

/** The URLs n8n's additional data carries; the nodes under test never call them. */
export const INSTANCE_URLS = {
	restApiUrl: 'http://localhost/rest',
	instanceBaseUrl: 'http://localhost',
	webhookBaseUrl: 'http://localhost/webhook',
	webhookWaitingBaseUrl: 'http://localhost/webhook-waiting',
	webhookTestBaseUrl: 'http://localhost/webhook-test',
	formWaitingBaseUrl: 'http://localhost/form-waiting',
	variables: {},
};

const NODE_NAMES: Record<string, string> = { cozeWorkflow: 'Coze Workflow', cozeAgent: 'Coze Agent', openClawTaskFlow: 'OpenClaw TaskFlow' };

export async function runNode(options: RunNodeOptions): Promise<NodeRunResult> {
	const NODE_NAME = NODE_NAMES[baseKind(options.node ?? 'cozeWorkflow')] ?? 'Node';
	const credentialTypes = options.credentialTypes ?? ['cozeAccessTokenApi'];
	const node = nodeUnderTest(options.node ?? 'cozeWorkflow', options.parameters, credentialTypes, {
		id: 'node-under-test',
		name: NODE_NAME,
		typeVersion: options.typeVersion,
		onError: options.continueOnFail ? 'continueRegularOutput' : undefined,
	});
	if (options.retryOnFail) Object.assign(node, { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 });
	const items = options.inputItems ?? (options.items ?? [{}]).map((json) => ({ json }));
	const { run, chunks } = await execute([node], {}, node, items, options);
	const taskData = run.data.resultData.runData[NODE_NAME]?.[0];
	const error = run.data.resultData.error as (Error & { description?: string; httpCode?: string; context?: IDataObject }) | undefined;
	return {
		status: run.status,
		items: taskData?.data?.main?.[0] ?? [],
		error: error && {
			message: error.message,
			description: error.description,
			httpCode: error.httpCode,
			name: error.name,
			context: error.context,
		},
		chunks,
		hints: (taskData?.hints ?? []) as NodeExecutionHint[],
		run,
	};
}

export interface WorkflowJson {
	nodes: INode[];
	connections: IConnections;
}

export interface RunWorkflowOptions {
	workflow: WorkflowJson;
	/** The node the execution starts at, with `items` as its input (n8n's own trigger nodes are not loaded here). */
	startNode: string;
	items?: IDataObject[];
	credentials: TestCredentialsHelper;
	mode?: WorkflowExecuteMode;
	streaming?: boolean;
	onChunk?: (chunk: StructuredChunk) => void;
	executionId?: string;
}

export interface WorkflowRunResult {
	status: IRun['status'];
	/** The first output of each node that ran, by node name. */
	items: Record<string, INodeExecutionData[]>;
	error?: { message: string; description?: string | null; node?: string };
	chunks: StructuredChunk[];
	run: IRun;
}

/**
 * Runs a workflow (as exported from n8n) from `startNode` on, following its connections, in
 * n8n-core's engine: expressions such as `{{ $json.executeId }}` see the previous node's items.
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
	const start = options.workflow.nodes.find((n) => n.name === options.startNode);
	if (!start) throw new Error(`the workflow has no node named ${JSON.stringify(options.startNode)}`);
	const { run, chunks } = await execute(options.workflow.nodes, options.workflow.connections, start, (options.items ?? [{}]).map((json) => ({ json })), options);
	const items: Record<string, INodeExecutionData[]> = {};
	for (const [name, runs] of Object.entries(run.data.resultData.runData)) items[name] = runs[0]?.data?.main?.[0] ?? [];
	const error = run.data.resultData.error as (Error & { description?: string; node?: INode }) | undefined;
	return {
		status: run.status,
		items,
		error: error && { message: error.message, description: error.description, node: error.node?.name },
		chunks,
		run,
	};
}

/** n8n's additional data for one execution: its ID, lifecycle hooks and the credentials helper. */
export function executionAdditionalData(
	executionId: string,
	hooks: ExecutionLifecycleHooks,
	credentials: TestCredentialsHelper,
	streaming = false,
): IWorkflowExecuteAdditionalData {
	return {
		executionId,
		hooks,
		streamingEnabled: streaming,
		credentialsHelper: credentials,
		...INSTANCE_URLS,
		currentNodeParameters: undefined,
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;
}

let executions = 0;

/** One execution in `WorkflowExecute`, with `start` first on the stack and `items` as its input. */
async function execute(
	nodes: INode[],
	connections: IConnections,
	start: INode,
	items: INodeExecutionData[],
	options: {
		mode?: WorkflowExecuteMode;
		streaming?: boolean;
		onChunk?: (chunk: StructuredChunk) => void;
		credentials: TestCredentialsHelper;
		cancelAfterMs?: number;
		cancelOn?: Promise<unknown>;
		executionId?: string;
	},
): Promise<{ run: IRun; chunks: StructuredChunk[] }> {
	const mode = options.mode ?? 'manual';
	const executionId = options.executionId ?? `exec-${++executions}-${process.pid}`;
	const workflowData = { id: 'wf-test', name: 'test', nodes, connections, active: false, settings: {} };
	const workflow = new Workflow({ ...workflowData, nodeTypes });
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData as unknown as IWorkflowBase);
	const chunks: StructuredChunk[] = [];
	if (options.streaming) {
		hooks.addHandler('sendChunk', (chunk: StructuredChunk) => {
			chunks.push(chunk);
			options.onChunk?.(chunk);
		});
	}
	let finish!: (run: IRun) => void;
	const finished = new Promise<IRun>((r) => (finish = r));
	hooks.addHandler('workflowExecuteAfter', (run: IRun) => finish(run));

	const additionalData = executionAdditionalData(executionId, hooks, options.credentials, options.streaming === true);

	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: start, data: { main: [items] }, source: null }],
		},
	} as unknown as IRunExecutionData;

	const execution = new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow);
	let cancelTimer: NodeJS.Timeout | undefined;
	if (options.cancelAfterMs !== undefined) cancelTimer = setTimeout(() => execution.cancel(), options.cancelAfterMs);
	void options.cancelOn?.finally(() => execution.cancel());
	const run = await finished;
	if (cancelTimer) clearTimeout(cancelTimer);
	await execution.catch(() => undefined);
	return { run, chunks };
}

export interface PollOptions {
	node: string;
	parameters: INodeParameters;
	credentials: TestCredentialsHelper;
	credentialTypes: string[];
	/** The workflow's static data from an earlier poll (a restart keeps it). */
	staticData?: IDataObject;
	/** `manual`: the editor's test of the trigger. */
	mode?: 'trigger' | 'manual';
}

export interface PollResult {
	items: INodeExecutionData[] | null;
	/** The workflow's static data after the poll, as n8n would store it. */
	staticData: IDataObject;
}

/** Runs a polling trigger's `poll()` once in n8n-core's PollContext, as n8n's poller does. */
export async function pollTrigger(options: PollOptions): Promise<PollResult> {
	const mode = options.mode ?? 'trigger';
	const node = nodeUnderTest(options.node, options.parameters, options.credentialTypes, { id: 'trigger-under-test', name: 'Trigger' });
	const workflow = new Workflow({
		id: 'wf-poll',
		name: 'poll',
		nodes: [node],
		connections: {},
		active: mode === 'trigger',
		nodeTypes,
		staticData: structuredClone(options.staticData ?? {}),
	});
	const additionalData = {
		executionId: undefined,
		credentialsHelper: options.credentials,
		...INSTANCE_URLS,
	} as unknown as IWorkflowExecuteAdditionalData;
	const context = new PollContext(workflow, node, additionalData, mode, mode === 'manual' ? 'manual' : 'activate');
	const type = nodeType(options.node);
	if (!type.poll) throw new Error(`${options.node} has no poll()`);
	const output = await type.poll.call(context);
	// n8n's static data is an observable proxy; JSON is how n8n stores it anyway.
	return { items: output?.[0] ?? null, staticData: JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject };
}

export interface WebhookCall {
	node: string;
	parameters: INodeParameters;
	credentials: TestCredentialsHelper;
	credentialTypes: string[];
	headers: Record<string, string>;
	/** The bytes as sent; n8n keeps them as \`rawBody\` next to the parsed body. */
	rawBody: Buffer;
	query?: IDataObject;
	/** The trigger's node ID, which keys its memory of seen signatures. */
	nodeId?: string;
}

export interface WebhookOutcome {
	result: IWebhookResponseData;
	/** What the node wrote to the response itself (a rejection), if anything. */
	sent?: SentResponse;
	/**
	 * The answer the caller gets, built from `result` and the webhook description as n8n's webhook
	 * helpers build it; in "When Last Node Finishes" mode the trigger is taken as the last node.
	 * `respondToWebhookNode`: the answer is left to a Respond to Webhook node.
	 */
	answer: WebhookAnswer | 'respondToWebhookNode';
}

/** Calls a webhook trigger's \`webhook()\` in n8n-core's WebhookContext with a request as n8n hands it over. */
export async function callWebhook(call: WebhookCall): Promise<WebhookOutcome> {
	const node = nodeUnderTest(call.node, call.parameters, call.credentialTypes, {
		id: call.nodeId ?? 'webhook-under-test',
		name: 'Trigger',
		webhookId: 'f3c1b5a2-0000-4000-8000-000000000001',
	});
	const workflow = new Workflow({ id: 'wf-webhook', name: 'webhook', nodes: [node], connections: {}, active: true, nodeTypes });
	let parsed: unknown = {};
	try {
		parsed = JSON.parse(call.rawBody.toString('utf8'));
	} catch {}
	const headers = Object.fromEntries(Object.entries(call.headers).map(([k, v]) => [k.toLowerCase(), v]));
	const request = { method: 'POST', headers, body: parsed, rawBody: call.rawBody, query: call.query ?? {}, params: {} };
	const { response, sent } = fakeHttpResponse();
	const additionalData = { ...INSTANCE_URLS, credentialsHelper: call.credentials, httpRequest: request, httpResponse: response } as unknown as IWorkflowExecuteAdditionalData;
	const type = nodeType(call.node);
	const webhookData = {
		httpMethod: 'POST',
		node: node.name,
		path: 'coze',
		webhookDescription: type.description.webhooks![0],
		workflowId: 'wf-webhook',
		workflowExecuteAdditionalData: additionalData,
	} as unknown as IWebhookData;
	const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], null);
	if (!type.webhook) throw new Error(`${call.node} has no webhook()`);
	const result = await type.webhook.call(context);
	return { result, sent: sent(), answer: answerLikeN8n(workflow, workflow.nodes[node.name], type.description.webhooks![0], result, sent()) };
}

/**
 * Calls one of a node's editor methods (list search, resource mapper, load options) in n8n-core's
 * LoadOptionsContext, with the node's current parameters, as the editor's backend does.
 */
export async function callEditorMethod(options: {
	node: string;
	kind: 'listSearch' | 'resourceMapping' | 'loadOptions';
	method: string;
	parameters: INodeParameters;
	credentials: TestCredentialsHelper;
	credentialTypes?: string[];
	args?: unknown[];
	typeVersion?: number;
}): Promise<unknown> {
	const node = nodeUnderTest(options.node, options.parameters, options.credentialTypes ?? ['cozeAccessTokenApi'], {
		id: 'editor-node',
		name: 'Node',
		typeVersion: options.typeVersion ?? 1.1,
	});
	const workflow = new Workflow({ id: 'wf-editor', name: 'editor', nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = { ...INSTANCE_URLS, credentialsHelper: options.credentials } as unknown as IWorkflowExecuteAdditionalData;
	const context = new LoadOptionsContext(workflow, node, additionalData, '');
	const methods = (nodeType(options.node).methods ?? {}) as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>> | undefined>;
	const fn = methods[options.kind]?.[options.method];
	if (!fn) throw new Error(`${options.node} has no ${options.kind}.${options.method}`);
	return await fn.call(context, ...(options.args ?? []));
}
