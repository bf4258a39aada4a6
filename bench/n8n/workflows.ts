// The workflows of `npm run bench:n8n`: each Coze Workflow node's path beside the same path built
// with n8n's own HTTP Request node, so the two differ only in the node that calls Coze.

export const CREDENTIAL_ID = 'benchCozeToken01';
/** Answers sync runs with variables (the emulator's sync delay is set to 0). */
export const SYNC_WORKFLOW = '7400000000000000012';
/** Streams its answer in chunks; its first chunk is `关于“<question>”：`. */
export const STREAM_WORKFLOW = '7400000000000000011';
export const QUESTION = 'bench';
export const FIRST_TEXT = `关于“${QUESTION}”：`;

export const IDS = {
	cozeSync: 'benchCozeSync001',
	cozeSyncV1: 'benchCozeSyncV10',
	httpSync: 'benchHttpSync001',
	httpSyncCopy: 'benchHttpSync002',
	httpCredSync: 'benchHttpCred001',
	cozeStream: 'benchCozeStream1',
	httpStream: 'benchHttpStream1',
	many: 'benchCozeMany001',
};
export const PATHS = {
	cozeSync: 'bench-coze-sync',
	cozeSyncV1: 'bench-coze-sync-v1',
	httpSync: 'bench-http-sync',
	httpSyncCopy: 'bench-http-sync-copy',
	httpCredSync: 'bench-http-cred-sync',
	cozeStream: 'bench-coze-stream',
	httpStream: 'bench-http-stream',
	many: 'bench-coze-many',
};

type Node = Record<string, unknown>;
const COZE_CREDENTIAL = { credentials: { cozeAccessTokenApi: { id: CREDENTIAL_ID, name: 'Coze emulator (bench)' } } };
let nodeCount = 0;

function node(name: string, type: string, typeVersion: number, parameters: Record<string, unknown>, extra: Node = {}): Node {
	nodeCount += 1;
	return {
		id: `b3c4d5e6-0000-4000-8000-${String(nodeCount).padStart(12, '0')}`,
		name,
		type,
		typeVersion,
		position: [nodeCount * 220, 0],
		parameters,
		...extra,
	};
}

function webhook(path: string, responseMode: string): Node {
	return node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2.1,
		{ httpMethod: 'POST', path, responseMode, options: {} },
		{ webhookId: `b3c4d5e6-1111-4000-8000-${String(nodeCount).padStart(12, '0')}` },
	);
}

function respond(): Node {
	return node('Respond to Webhook', 'n8n-nodes-base.respondToWebhook', 1.1, { respondWith: 'firstIncomingItem', options: {} });
}

/** The node's current version (1.1) unless said: a new node in the editor gets it. */
function coze(mode: 'sync' | 'stream', workflowId: string, parametersJson: string, options: Record<string, unknown> = {}, typeVersion = 1.1): Node {
	return node(
		'Coze Workflow',
		'n8n-nodes-coze-openclaw.cozeWorkflow',
		typeVersion,
		{
			authentication: 'accessToken',
			operation: 'run',
			workflowId: { __rl: true, mode: 'id', value: workflowId },
			mode,
			inputMode: 'json',
			parametersJson,
			options,
		},
		COZE_CREDENTIAL,
	);
}

/**
 * n8n's HTTP Request node POSTing `body` to the emulator with the same bearer token the credential
 * holds: as a header of its own, or (token undefined) through the Coze credential as the Coze node does.
 */
function http(url: string, token: string | undefined, body: object, responseFormat: 'json' | 'text'): Node {
	const auth =
		token === undefined
			? { authentication: 'predefinedCredentialType', nodeCredentialType: 'cozeAccessTokenApi' }
			: { sendHeaders: true, headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${token}` }] } };
	const credentials = token === undefined ? COZE_CREDENTIAL : {};
	return node(
		'HTTP Request',
		'n8n-nodes-base.httpRequest',
		4.2,
		{
			method: 'POST',
			url,
			...auth,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: JSON.stringify(body),
			options: { response: { response: { responseFormat } } },
		},
		credentials,
	);
}

function chain(id: string, name: string, nodes: Node[]): object {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) connections[String(nodes[i]!.name)] = { main: [[{ node: nodes[i + 1]!.name, type: 'main', index: 0 }]] };
	return { id, name, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

/** Webhook → nodes (→ Respond to Webhook when the Webhook waits for one). */
function viaWebhook(key: keyof typeof IDS, name: string, responseMode: string, nodes: Node[]): object {
	return chain(IDS[key], name, [webhook(PATHS[key], responseMode), ...nodes, ...(responseMode === 'responseNode' ? [respond()] : [])]);
}

export function credential(baseUrl: string, token: string): object {
	return {
		id: CREDENTIAL_ID,
		name: 'Coze emulator (bench)',
		type: 'cozeAccessTokenApi',
		data: { accessToken: token, region: 'custom', baseUrl, studioUrl: '' },
	};
}

/** The body the Coze node sends for a sync run of SYNC_WORKFLOW, which the HTTP Request node sends too. */
export const SYNC_BODY = { workflow_id: SYNC_WORKFLOW, parameters: { name: QUESTION } };
export const STREAM_BODY = { workflow_id: STREAM_WORKFLOW, parameters: { question: QUESTION } };

export function benchWorkflows(baseUrl: string, token: string): Record<keyof typeof IDS, object> {
	return {
		cozeSync: viaWebhook('cozeSync', 'Bench A: Webhook → Coze Workflow (sync) → Respond', 'responseNode', [
			coze('sync', SYNC_WORKFLOW, JSON.stringify(SYNC_BODY.parameters)),
		]),
		// Version 1 sends the JSON unchecked; 1.1 checks it against the workflow's inputs, read at most once a minute.
		cozeSyncV1: viaWebhook('cozeSyncV1', 'Bench A1: Webhook → Coze Workflow v1 (sync) → Respond', 'responseNode', [
			coze('sync', SYNC_WORKFLOW, JSON.stringify(SYNC_BODY.parameters), {}, 1),
		]),
		httpSync: viaWebhook('httpSync', 'Bench B: Webhook → HTTP Request (workflow/run) → Respond', 'responseNode', [
			http(`${baseUrl}/v1/workflow/run`, token, SYNC_BODY, 'json'),
		]),
		// B again, under another path: how far two identical workflows differ is the measurement's resolution.
		httpSyncCopy: viaWebhook('httpSyncCopy', "Bench B': a copy of B", 'responseNode', [http(`${baseUrl}/v1/workflow/run`, token, SYNC_BODY, 'json')]),
		cozeStream: viaWebhook('cozeStream', 'Bench: Webhook (streaming) → Coze Workflow (stream to response)', 'streaming', [
			coze('stream', STREAM_WORKFLOW, JSON.stringify(STREAM_BODY.parameters), { streamToResponse: true }),
		]),
		httpCredSync: viaWebhook('httpCredSync', 'Bench C: Webhook → HTTP Request with the Coze credential (workflow/run) → Respond', 'responseNode', [
			http(`${baseUrl}/v1/workflow/run`, undefined, SYNC_BODY, 'json'),
		]),
		httpStream: viaWebhook('httpStream', 'Bench: Webhook → HTTP Request (workflow/stream_run) → Respond', 'responseNode', [
			http(`${baseUrl}/v1/workflow/stream_run`, token, STREAM_BODY, 'text'),
		]),
		many: viaWebhook('many', 'Bench: Webhook → Code (1,000 items) → Coze Workflow (sync, concurrency 20)', 'lastNode', [
			node('Code', 'n8n-nodes-base.code', 2, { jsCode: 'return Array.from({ length: 1000 }, (_, i) => ({ json: { i } }));' }),
			// 1000 requests per second: the default 50 would stretch the run to 20 s without changing its memory.
			coze('sync', SYNC_WORKFLOW, JSON.stringify(SYNC_BODY.parameters), { concurrency: 20, requestsPerSecond: 1000 }),
		]),
	};
}
