/**
 * Runs the package's built nodes inside n8n-core's real `WorkflowExecute`, the engine n8n itself
 * uses, with a credentials helper that behaves like n8n's: generic and function `authenticate`,
 * and `preAuthentication` of expirable credentials when the token is empty or after a 401, with the
 * renewed fields persisted for later requests.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// n8n-core keeps an instance key in the user folder; tests must not touch the real home.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-coze-engine-'));

import { ExecutionLifecycleHooks, LoadOptionsContext, PollContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import {
	ICredentialsHelper,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IConnections,
	type IDataObject,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunExecutionData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type NodeExecutionHint,
	type WorkflowExecuteMode,
	type INodeCredentialTestResult,
	type IWebhookData,
	type IWebhookResponseData,
} from 'n8n-workflow';

export const PACKAGE_NAME = 'n8n-nodes-coze-openclaw';
const DIST = resolve(__dirname, '../../dist');

type NodeClass = new () => INodeType;
type CredentialClass = new () => ICredentialType;

function loadExport<T>(file: string, exportName: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(join(DIST, file)) as Record<string, unknown>;
	const value = mod[exportName];
	if (!value) throw new Error(`${file} does not export ${exportName}: run npm run build first`);
	return value as T;
}

const nodeClasses: Record<string, () => NodeClass> = {
	cozeWorkflow: () => loadExport<NodeClass>('nodes/Coze/CozeWorkflow.node.js', 'CozeWorkflow'),
	cozeTrigger: () => loadExport<NodeClass>('nodes/Coze/CozeTrigger.node.js', 'CozeTrigger'),
	openClawTaskFlow: () => loadExport<NodeClass>('nodes/OpenClaw/OpenClawTaskFlow.node.js', 'OpenClawTaskFlow'),
	openClawTaskFlowTrigger: () => loadExport<NodeClass>('nodes/OpenClaw/OpenClawTaskFlowTrigger.node.js', 'OpenClawTaskFlowTrigger'),
};
const credentialClasses: Record<string, () => CredentialClass> = {
	cozeAccessTokenApi: () => loadExport<CredentialClass>('credentials/CozeAccessTokenApi.credentials.js', 'CozeAccessTokenApi'),
	cozeJwtApi: () => loadExport<CredentialClass>('credentials/CozeJwtApi.credentials.js', 'CozeJwtApi'),
	cozeWebhookSecretApi: () => loadExport<CredentialClass>('credentials/CozeWebhookSecretApi.credentials.js', 'CozeWebhookSecretApi'),
	openClawWebhookApi: () => loadExport<CredentialClass>('credentials/OpenClawWebhookApi.credentials.js', 'OpenClawWebhookApi'),
};

const nodeInstances = new Map<string, INodeType>();
function nodeType(name: string): INodeType {
	let instance = nodeInstances.get(name);
	if (!instance) {
		const make = nodeClasses[name];
		if (!make) throw new Error(`unknown node ${name}`);
		instance = new (make())();
		nodeInstances.set(name, instance);
	}
	return instance;
}

const nodeTypes: INodeTypes = {
	getByName: (type: string) => nodeType(type.replace(`${PACKAGE_NAME}.`, '')),
	getByNameAndVersion: (type: string) => nodeType(type.replace(`${PACKAGE_NAME}.`, '')),
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

export function credentialType(name: string): ICredentialType {
	const make = credentialClasses[name];
	if (!make) throw new Error(`unknown credential ${name}`);
	return new (make())();
}

/** Replaces `{{$credentials.x}}` in a generic authenticate template. */
function resolveTemplate(value: unknown, credentials: ICredentialDataDecryptedObject): string {
	return String(value)
		.replace(/^=/, '')
		.replace(/\{\{\s*\$credentials\??\.(\w+)\s*\}\}/g, (_m, key: string) => String(credentials[key] ?? ''));
}

/** Stored credentials, and what n8n would do with them. */
export class TestCredentialsHelper extends ICredentialsHelper {
	/** How often preAuthentication ran (a JWT exchange), per credential type. */
	readonly renewals: Record<string, number> = {};

	constructor(private readonly store: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	stored(type: string): ICredentialDataDecryptedObject {
		return { ...this.store[type] };
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const auth = credentialType(typeName).authenticate;
		if (!auth) return requestOptions;
		if (typeof auth === 'function') return await auth(credentials, requestOptions);
		const headers = { ...(requestOptions.headers ?? {}) } as Record<string, string>;
		for (const [key, value] of Object.entries(auth.properties.headers ?? {})) headers[key] = resolveTemplate(value, credentials);
		return { ...requestOptions, headers };
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = credentialType(typeName);
		const expirable = type.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		this.renewals[typeName] = (this.renewals[typeName] ?? 0) + 1;
		// n8n persists the renewed fields, so later requests and items reuse them.
		this.store[typeName] = { ...this.store[typeName], ...output } as ICredentialDataDecryptedObject;
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used by the harness');
	}

	async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, _nodeCredentials: INodeCredentialsDetails, type: string) {
		const stored = this.store[type];
		if (!stored) throw new Error(`the test set no credentials of type ${type}`);
		return { ...stored };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return credentialType(type).properties;
	}
}

export interface StructuredChunk {
	type: 'begin' | 'item' | 'end' | 'error';
	content?: string;
	metadata: { nodeId: string; nodeName: string; itemIndex: number; runIndex: number; timestamp: number };
}

export interface RunNodeOptions {
	node?: keyof typeof nodeClasses;
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
const INSTANCE_URLS = {
	restApiUrl: 'http://localhost/rest',
	instanceBaseUrl: 'http://localhost',
	webhookBaseUrl: 'http://localhost/webhook',
	webhookWaitingBaseUrl: 'http://localhost/webhook-waiting',
	webhookTestBaseUrl: 'http://localhost/webhook-test',
	formWaitingBaseUrl: 'http://localhost/form-waiting',
	variables: {},
};

const NODE_NAMES: Record<string, string> = { cozeWorkflow: 'Coze Workflow', openClawTaskFlow: 'OpenClaw TaskFlow' };

export async function runNode(options: RunNodeOptions): Promise<NodeRunResult> {
	const NODE_NAME = NODE_NAMES[options.node ?? 'cozeWorkflow'] ?? 'Node';
	const credentialTypes = options.credentialTypes ?? ['cozeAccessTokenApi'];
	const node: INode = {
		id: 'node-under-test',
		name: NODE_NAME,
		type: `${PACKAGE_NAME}.${options.node ?? 'cozeWorkflow'}`,
		typeVersion: options.typeVersion ?? 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: Object.fromEntries(credentialTypes.map((t) => [t, { id: t, name: t }])),
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
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

/** One execution in `WorkflowExecute`, with `start` first on the stack and `items` as its input. */
async function execute(
	nodes: INode[],
	connections: IConnections,
	start: INode,
	items: INodeExecutionData[],
	options: { mode?: WorkflowExecuteMode; streaming?: boolean; onChunk?: (chunk: StructuredChunk) => void; credentials: TestCredentialsHelper; cancelAfterMs?: number },
): Promise<{ run: IRun; chunks: StructuredChunk[] }> {
	const mode = options.mode ?? 'manual';
	const workflowData = { id: 'wf-test', name: 'test', nodes, connections, active: false, settings: {} };
	const workflow = new Workflow({ ...workflowData, nodeTypes });
	const hooks = new ExecutionLifecycleHooks(mode, 'exec-test', workflowData as unknown as IWorkflowBase);
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

	const additionalData = {
		executionId: 'exec-test',
		hooks,
		streamingEnabled: options.streaming === true,
		credentialsHelper: options.credentials,
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
	const run = await finished;
	if (cancelTimer) clearTimeout(cancelTimer);
	await execution.catch(() => undefined);
	return { run, chunks };
}

/** Evaluates a `={{ … }}` credential-test expression with `$credentials` (the harness's stand-in for n8n's expression engine). */
function credentialExpression(value: unknown, credentials: ICredentialDataDecryptedObject): string {
	const text = String(value ?? '');
	const match = /^=\{\{([\s\S]*)\}\}$/.exec(text.trim());
	if (!match) return text.replace(/^=/, '');
	return String(new Function('$credentials', `return (${match[1]});`)(credentials));
}

/** n8n's request helper for preAuthentication, over fetch. */
const fetchHelpers: IHttpRequestHelper = {
	helpers: {
		httpRequest: async (options: IHttpRequestOptions) => {
			const response = await fetch(String(options.url), {
				method: options.method ?? 'GET',
				headers: options.headers as Record<string, string>,
				body: options.body === undefined ? undefined : JSON.stringify(options.body),
			});
			const text = await response.text();
			let body: unknown = text;
			try {
				body = JSON.parse(text);
			} catch {}
			return options.returnFullResponse ? { statusCode: response.status, body, headers: {} } : body;
		},
	},
} as unknown as IHttpRequestHelper;

/**
 * Tests a credential as n8n's CredentialsTester does with a declarative `test`: get a token first
 * for an expirable credential (preAuthentication), send the authenticated request, then apply the
 * rules: `responseCode` rules to a failed response (else its status text), `responseSuccessBody`
 * rules to a successful one; a network failure gives the error's code.
 */
export async function testCredentialLikeN8n(type: string, data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
	const definition = credentialType(type);
	const test = definition.test;
	if (!test) {
		// A test function of a node (testedBy), as n8n falls back to when the credential has no request.
		for (const name of Object.keys(nodeClasses)) {
			const node = nodeType(name);
			const entry = node.description.credentials?.find((c) => c.name === type && typeof c.testedBy === 'string');
			const fn = entry ? node.methods?.credentialTest?.[entry.testedBy as string] : undefined;
			if (fn) return await fn.call({ helpers: {} } as never, { id: 'test', name: 'test', type, data });
		}
		throw new Error(`${type} has no test`);
	}
	const helper = new TestCredentialsHelper({ [type]: { ...data } });
	let credentials = { ...data };
	try {
		credentials = (await helper.preAuthentication(fetchHelpers, credentials, type, {} as INode, false)) ?? credentials;
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
	const url = credentialExpression(test.request.baseURL, credentials) + credentialExpression(test.request.url, credentials);
	const requestBody = test.request.body === undefined ? undefined : JSON.stringify(test.request.body);
	const options = await helper.authenticate(credentials, type, {
		url,
		method: test.request.method ?? 'GET',
		headers: { ...(requestBody ? { 'Content-Type': 'application/json' } : {}), ...((test.request.headers ?? {}) as Record<string, string>) },
	});
	let response: Response;
	try {
		response = await fetch(url, { method: options.method, headers: options.headers as Record<string, string>, body: requestBody });
	} catch (error) {
		const cause = (error as { cause?: { code?: string } }).cause;
		return { status: 'Error', message: cause?.code ?? (error as Error).message };
	}
	const rules = (test.rules ?? []) as Array<{ type: string; properties: { value: unknown; key?: string; message: string } }>;
	const text = await response.text();
	if (response.status < 200 || response.status > 299) {
		const rule = rules.find((r) => r.type === 'responseCode' && r.properties.value === response.status);
		return { status: 'Error', message: rule?.properties.message ?? (response.statusText || `Received HTTP status code: ${response.status}`) };
	}
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		body = {};
	}
	for (const rule of rules) {
		if (rule.type !== 'responseSuccessBody') continue;
		const found = String(rule.properties.key)
			.split('.')
			.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), body);
		if (found === rule.properties.value) return { status: 'Error', message: rule.properties.message };
	}
	return { status: 'OK', message: 'Connection successful!' };
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
	const node: INode = {
		id: 'trigger-under-test',
		name: 'Trigger',
		type: `${PACKAGE_NAME}.${options.node}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: Object.fromEntries(options.credentialTypes.map((t) => [t, { id: t, name: t }])),
	};
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
	sent?: { status: number; body: unknown };
}

/** Calls a webhook trigger's \`webhook()\` in n8n-core's WebhookContext with a request as n8n hands it over. */
export async function callWebhook(call: WebhookCall): Promise<WebhookOutcome> {
	const node: INode = {
		id: call.nodeId ?? 'webhook-under-test',
		name: 'Trigger',
		type: `${PACKAGE_NAME}.${call.node}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: call.parameters,
		webhookId: 'f3c1b5a2-0000-4000-8000-000000000001',
		credentials: Object.fromEntries(call.credentialTypes.map((t) => [t, { id: t, name: t }])),
	};
	const workflow = new Workflow({ id: 'wf-webhook', name: 'webhook', nodes: [node], connections: {}, active: true, nodeTypes });
	let parsed: unknown = {};
	try {
		parsed = JSON.parse(call.rawBody.toString('utf8'));
	} catch {}
	const headers = Object.fromEntries(Object.entries(call.headers).map(([k, v]) => [k.toLowerCase(), v]));
	const request = { method: 'POST', headers, body: parsed, rawBody: call.rawBody, query: call.query ?? {}, params: {} };
	let sent: WebhookOutcome['sent'];
	const response = {
		statusCode: 200,
		status(code: number) {
			this.statusCode = code;
			return this;
		},
		json(body: unknown) {
			sent = { status: this.statusCode, body };
			return this;
		},
		send(body: unknown) {
			sent = { status: this.statusCode, body };
			return this;
		},
		end() {
			sent ??= { status: this.statusCode, body: undefined };
			return this;
		},
		setHeader() {
			return this;
		},
	};
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
	return { result, sent };
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
	const node: INode = {
		id: 'editor-node',
		name: 'Node',
		type: `${PACKAGE_NAME}.${options.node}`,
		typeVersion: options.typeVersion ?? 1.1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: Object.fromEntries((options.credentialTypes ?? ['cozeAccessTokenApi']).map((t) => [t, { id: t, name: t }])),
	};
	const workflow = new Workflow({ id: 'wf-editor', name: 'editor', nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = { ...INSTANCE_URLS, credentialsHelper: options.credentials } as unknown as IWorkflowExecuteAdditionalData;
	const context = new LoadOptionsContext(workflow, node, additionalData, '');
	const methods = (nodeType(options.node).methods ?? {}) as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>> | undefined>;
	const fn = methods[options.kind]?.[options.method];
	if (!fn) throw new Error(`${options.node} has no ${options.kind}.${options.method}`);
	return await fn.call(context, ...(options.args ?? []));
}

/** Credentials for the access-token credential pointing at an emulator. */
export function accessTokenCredentials(baseUrl: string, token: string): TestCredentialsHelper {
	return new TestCredentialsHelper({
		cozeAccessTokenApi: { accessToken: token, region: 'custom', baseUrl, studioUrl: '' },
	});
}
