/**
 * The workflows of the callback scenarios (e2e/callback.ts). Each request names the Coze workflow to
 * run and its inputs in its body, so one imported workflow serves every emulator workflow and knob:
 * fewer workflows to import and activate (each activation is an n8n command of several seconds).
 */
import type { ExecutionRow } from './n8n';

export const N8N_WORKFLOWS = {
	/** Three Webhook triggers: Wait for Callback, polled, and Wait for Callback with a short limit followed by Get Run. */
	coze: 'e2eCozeCallback1',
	/** Webhook → Done: "another workflow" that must run while a Coze run is parked. */
	other: 'e2eCallbackOther',
};

/** The Webhook paths (`/webhook/<path>`). */
export const CALLBACK_PATHS = { callback: 'coze-callback', polled: 'coze-polled', timeout: 'coze-callback-timeout', other: 'callback-other' };

/** The node names whose runs the scenarios read. */
export const CALLBACK_NODES = { callback: 'Coze Callback', polled: 'Coze Polled', timeout: 'Coze Time-out', getRun: 'Get Run', done: 'Done' };

/** Max Wait Time of the time-out chain, in seconds. */
export const TIMEOUT_SECONDS = 3;

const TRIGGERS = { callback: 'Callback Hook', polled: 'Polled Hook', timeout: 'Time-out Hook', other: 'Other Hook' };

/** The body a scenario POSTs to a trigger: a tag to find its execution, the Coze workflow and its inputs. */
export interface CallbackRequest {
	tag: string;
	workflowId: string;
	inputs: Record<string, unknown>;
}

function webhook(id: string, name: string, path: string, webhookId: string, y: number): object {
	return {
		id,
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [0, y],
		// Answers at once: the caller never waits for a parked execution.
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
		webhookId,
	};
}

function cozeRun(id: string, name: string, credentialId: string, y: number, extra: Record<string, unknown>, options: Record<string, unknown>): object {
	return {
		id,
		name,
		type: 'n8n-nodes-coze-openclaw.cozeWorkflow',
		typeVersion: 1.1,
		position: [240, y],
		parameters: {
			authentication: 'accessToken',
			operation: 'run',
			workflowId: { __rl: true, mode: 'id', value: '={{ $json.body.workflowId }}' },
			mode: 'async',
			inputMode: 'json',
			parametersJson: '={{ JSON.stringify($json.body.inputs ?? {}) }}',
			...extra,
			options,
		},
		credentials: { cozeAccessTokenApi: { id: credentialId, name: 'Coze emulator' } },
	};
}

const to = (node: string) => ({ main: [[{ node, type: 'main', index: 0 }]] });

/** The three Coze chains in one workflow; every chain ends in Done. */
export function cozeCallbackWorkflow(credentialId: string): object {
	const callback = { waitForCallback: true, callbackUrlInput: 'callback_url' };
	return {
		id: N8N_WORKFLOWS.coze,
		name: 'e2e: Webhook → Coze Workflow (async, Wait for Callback or polled) → Done',
		nodes: [
			webhook('7d1a0c40-0000-4000-8000-000000000001', TRIGGERS.callback, CALLBACK_PATHS.callback, '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a21', 0),
			webhook('7d1a0c40-0000-4000-8000-000000000002', TRIGGERS.polled, CALLBACK_PATHS.polled, '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a22', 200),
			webhook('7d1a0c40-0000-4000-8000-000000000003', TRIGGERS.timeout, CALLBACK_PATHS.timeout, '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a23', 400),
			cozeRun('7d1a0c40-0000-4000-8000-000000000011', CALLBACK_NODES.callback, credentialId, 0, callback, { maxWaitTime: 600 }),
			// Polls every second: the comparison run ends soon after its Coze run does.
			cozeRun('7d1a0c40-0000-4000-8000-000000000012', CALLBACK_NODES.polled, credentialId, 200, {}, { maxWaitTime: 600, pollInitialInterval: 1, pollMaxInterval: 1 }),
			cozeRun('7d1a0c40-0000-4000-8000-000000000013', CALLBACK_NODES.timeout, credentialId, 400, callback, { maxWaitTime: TIMEOUT_SECONDS }),
			{
				id: '7d1a0c40-0000-4000-8000-000000000021',
				name: CALLBACK_NODES.getRun,
				type: 'n8n-nodes-coze-openclaw.cozeWorkflow',
				typeVersion: 1.1,
				position: [480, 400],
				parameters: {
					authentication: 'accessToken',
					operation: 'getRun',
					workflowId: { __rl: true, mode: 'id', value: '={{ $json.workflowId }}' },
					executeId: '={{ $json.executeId }}',
					waitForCompletion: true,
					options: { pollInitialInterval: 1, pollMaxInterval: 1 },
				},
				credentials: { cozeAccessTokenApi: { id: credentialId, name: 'Coze emulator' } },
			},
			{ id: '7d1a0c40-0000-4000-8000-000000000031', name: CALLBACK_NODES.done, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [720, 200], parameters: {} },
		],
		connections: {
			[TRIGGERS.callback]: to(CALLBACK_NODES.callback),
			[TRIGGERS.polled]: to(CALLBACK_NODES.polled),
			[TRIGGERS.timeout]: to(CALLBACK_NODES.timeout),
			[CALLBACK_NODES.callback]: to(CALLBACK_NODES.done),
			[CALLBACK_NODES.polled]: to(CALLBACK_NODES.done),
			[CALLBACK_NODES.timeout]: to(CALLBACK_NODES.getRun),
			[CALLBACK_NODES.getRun]: to(CALLBACK_NODES.done),
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

export function otherWorkflow(): object {
	return {
		id: N8N_WORKFLOWS.other,
		name: 'e2e: Webhook → Done (runs while a Coze run is parked)',
		nodes: [
			webhook('7d1a0c40-0000-4000-8000-000000000041', TRIGGERS.other, CALLBACK_PATHS.other, '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a24', 0),
			{ id: '7d1a0c40-0000-4000-8000-000000000042', name: CALLBACK_NODES.done, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [240, 0], parameters: {} },
		],
		connections: { [TRIGGERS.other]: to(CALLBACK_NODES.done) },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/**
 * The trigger item's body of an execution (what the scenario POSTed), to find executions by tag. n8n
 * saves the nodes' runs only at the end or when the execution parks: until then the trigger's item
 * is the input waiting on the stack.
 */
export function requestOf(row: Pick<ExecutionRow, 'runs' | 'stacked'>): Partial<CallbackRequest> | undefined {
	for (const name of Object.values(TRIGGERS)) {
		const item = row.runs[name]?.[0]?.[0];
		if (item) return item.body as Partial<CallbackRequest>;
	}
	return (row.stacked?.body as Partial<CallbackRequest> | undefined) ?? undefined;
}
