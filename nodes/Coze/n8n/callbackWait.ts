import type { IDataObject, IExecuteFunctions, INodeExecutionData, IWebhookDescription } from 'n8n-workflow';

import { CozeInputError } from '../protocol/errors';

/** The path n8n adds to the execution's resume URL for this node's callback. */
export const CALLBACK_PATH = 'coze-callback';

/**
 * The restart webhook the Coze workflow calls when its run ends. n8n registers nothing for it on
 * activation; it only matches `POST <resume URL>/coze-callback` while this node is the one waiting.
 * `responseData: ''` makes n8n answer with `webhookResponse` instead of the literal "firstEntryJson".
 */
export const callbackWebhooks: IWebhookDescription[] = [
	{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: CALLBACK_PATH, restartWebhook: true },
];

/** Restart webhooks are never created or deleted by n8n; these exist because n8n's lint asks every webhook node for them. */
export const callbackWebhookMethods = {
	default: {
		async checkExists(): Promise<boolean> {
			return true;
		},
		async create(): Promise<boolean> {
			return true;
		},
		async delete(): Promise<boolean> {
			return true;
		},
	},
};

/** The run of an item that goes on in Coze while the execution waits for the callback. */
interface PendingRun {
	maxWaitMs: number;
}

// Output items of this node run whose Coze run had not ended when the node finished starting them.
const pendingRuns = new WeakMap<IDataObject, PendingRun>();

/**
 * An item for a run that is still going on: the shape Get Run gives a running run, so that on a
 * time-out (when n8n passes these items on unchanged) a Get Run after this node can follow it.
 */
export function pendingItem(run: { executeId: string; workflowId: string; debugUrl?: string; logId?: string }, maxWaitMs: number): IDataObject {
	const json: IDataObject = {
		status: 'running',
		output: null,
		executeId: run.executeId,
		workflowId: run.workflowId,
		debugUrl: run.debugUrl ?? null,
		usage: null,
		logId: run.logId ?? null,
		error: null,
	};
	pendingRuns.set(json, { maxWaitMs });
	return json;
}

/** Whether an item of the callback webhook's input is a run it still waits for. */
export function isPendingJson(json: IDataObject): json is IDataObject & { executeId: string; workflowId: string } {
	return json.status === 'running' && typeof json.executeId === 'string' && typeof json.workflowId === 'string';
}

/**
 * The URL the Coze workflow calls when its run ends: this execution's resume URL (on n8n 2.x it
 * carries the execution's secret signature) with the callback path, this node's ID (a callback
 * meant for another waiting node of the workflow is told apart) and the item, whose run it is. Null when the execution
 * cannot wait: it has no execution ID or no resume URL.
 */
export function callbackUrl(context: IExecuteFunctions, itemIndex: number): string | null {
	if (!context.getExecutionId()) return null;
	const resumeUrl = context.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex);
	if (typeof resumeUrl !== 'string' || !/^https?:\/\//.test(resumeUrl)) return null;
	const url = new URL(resumeUrl);
	url.pathname = `${url.pathname.replace(/\/$/, '')}/${CALLBACK_PATH}`;
	url.searchParams.set('node', context.getNode().id);
	url.searchParams.set('item', String(itemIndex));
	return url.toString();
}

/** The Start-node input that receives the callback URL. */
export function readCallbackInput(context: IExecuteFunctions, itemIndex: number): string {
	const raw = context.getNodeParameter('callbackUrlInput', itemIndex, 'callback_url') as unknown;
	const name = typeof raw === 'string' ? raw.trim() : '';
	if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
		throw new CozeInputError(
			'Callback URL Input',
			`Callback URL Input must be the name of a String input of the Coze workflow's Start node (letters, digits, _), not "${String(raw)}"`,
		);
	}
	return name;
}

/**
 * Parks the execution when some runs are still going on: n8n saves it as waiting and frees the
 * worker until the callback (or Max Wait Time) resumes it. n8n does not run this node again then:
 * on a callback the webhook's items are its output, on a time-out its input items are. So the
 * input list is replaced, element by element, with this run's output: the webhook finds the runs it
 * waits for there, and a time-out passes on the pending items. (n8n gives each node a list of its
 * own, so the previous node's output is not changed.)
 */
export async function parkIfPending(context: IExecuteFunctions, output: INodeExecutionData[]): Promise<boolean> {
	const waits = output.map((item) => pendingRuns.get(item.json)).filter((run): run is PendingRun => run !== undefined);
	if (waits.length === 0) return false;
	const input = context.getInputData();
	input.splice(0, input.length, ...output.map((item) => ({ json: item.json, pairedItem: item.pairedItem })));
	const maxWaitMs = Math.max(...waits.map((run) => run.maxWaitMs));
	await context.putExecutionToWait(new Date(Date.now() + maxWaitMs));
	return true;
}
