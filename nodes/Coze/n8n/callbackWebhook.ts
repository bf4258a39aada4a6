import { sleep, type IDataObject, type INodeExecutionData, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';

import { settle, settleNow } from '../../shared/settle';
import { CozeApiError } from '../protocol/errors';
import { idString } from '../protocol/json';
import { createCozeClient, type CozeAuthentication, type CozeConnection } from './connection';
import { errorDetails } from './errors';
import { isPendingJson } from './callbackWait';
import { runResultToJson } from './output';
import { runOptionsFrom, type RunOptions } from './params';

/**
 * When to read Coze after a callback (ms after the answer, then between reads). The Coze workflow
 * calls back from its last HTTP node, so its run ends only after that call was answered, a moment
 * later; a workflow that does more after the call is given about two minutes.
 */
const READ_SCHEDULE_MS = [1000, 2000, 4000, 8000, 15_000, 30_000, 30_000, 30_000];

/** Runs whose callback is being handled in this process: the same callback again meanwhile reads nothing. */
const handling = new Set<string>();
/**
 * Waits this process has resumed. n8n 2.x lets only one resume win, n8n 1.x does not check: two
 * callbacks (of two items' runs) that both find every run ended must not both continue the workflow.
 */
const resumed = new Map<string, number>();
const RESUMED_KEPT_MS = 3_600_000;

/**
 * The Coze workflow's callback: only a doorbell. Whatever its body says, the results come from
 * Coze's run history, read with the node's own credential, so a forged, foreign or repeated
 * callback can wake the node but never change its output or start anything. n8n calls this for
 * every request that reaches the waiting node, so it reads and never writes.
 */
export async function cozeCallbackWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const query = this.getQueryData() as IDataObject;
	if (query.node !== this.getNode().id) return refused('The callback URL names another node: use the URL this node handed to the Coze run.');
	const items = waitingItems(this);
	const pending = items.flatMap((item, index) => (isPendingJson(item.json) ? [index] : []));
	if (pending.length === 0) return refused('This node waits for no Coze run.');
	// Each run's URL names its item; a URL without one (made by hand) stands for every run.
	const caller = typeof query.item === 'string' && /^\d+$/.test(query.item) ? Number(query.item) : undefined;
	if (caller !== undefined && !pending.includes(caller)) return refused(`Item ${caller} waits for no Coze run.`);
	const body = this.getBodyData();
	const named = idString(body.execute_id ?? body.executeId);
	const callers = caller === undefined ? pending : [caller];
	if (named !== undefined && !callers.some((index) => items[index].json.executeId === named)) {
		return refused(`Execute ID ${named} is not the run this callback URL belongs to.`);
	}
	const id = String(this.evaluateExpression('{{ $execution.id }}', 0));
	const wait = /^\d+$/.test(id) ? `${id}:${pending.map((index) => String(items[index].json.executeId)).join(',')}` : undefined;
	const execution = wait === undefined ? undefined : `${wait}:${callers.join(',')}`;
	if (execution !== undefined && handling.has(execution)) return { webhookResponse: { accepted: true, duplicate: true } };

	if (execution !== undefined) handling.add(execution);
	try {
		// Answered now: the run cannot end, and so cannot be read as ended, until its HTTP node has its answer.
		this.getResponseObject().status(200).json({ accepted: true });
		const authentication = this.getNodeParameter('authentication', 'accessToken') as CozeAuthentication;
		const connection = await settle(async () => await createCozeClient(this, authentication));
		const options = settleNow(() => runOptionsFrom(this.getNodeParameter('options', {}) as IDataObject));
		if (connection instanceof Error || options instanceof Error) return { noWebhookResponse: true };
		const ended = new Map<number, IDataObject>();
		const readEach = async (indexes: number[]) => {
			for (const index of indexes) {
				if (ended.has(index)) continue;
				const json = await readRun(connection, options, items[index].json as { executeId: string; workflowId: string });
				if (json) ended.set(index, json);
			}
		};
		for (const delay of READ_SCHEDULE_MS) {
			await sleep(delay);
			await readEach(callers);
			if (callers.every((index) => ended.has(index))) break;
		}
		if (!callers.every((index) => ended.has(index))) return { noWebhookResponse: true };
		await readEach(pending);
		// Runs of other items still going on: their own callbacks will resume the execution.
		if (!pending.every((index) => ended.has(index))) return { noWebhookResponse: true };
		if (wait !== undefined) {
			const now = Date.now();
			for (const [key, at] of resumed) if (now - at > RESUMED_KEPT_MS) resumed.delete(key);
			if (resumed.has(wait)) return { noWebhookResponse: true };
			resumed.set(wait, now);
		}
		const output = items.map((item, index) => ({ json: ended.get(index) ?? item.json, pairedItem: item.pairedItem ?? { item: index } }));
		return { noWebhookResponse: true, workflowData: [output] };
	} finally {
		if (execution !== undefined) handling.delete(execution);
	}
}

/** The item a polled run gives once the run has ended; undefined while it goes on or cannot be read. */
async function readRun(connection: CozeConnection, options: RunOptions, pending: { executeId: string; workflowId: string }): Promise<IDataObject | undefined> {
	const { client, endpoint, secrets } = connection;
	const record = await settle(async () => await client.getRunHistory(pending.workflowId, pending.executeId, options.requestTimeoutMs));
	if (record instanceof Error || (record.status === 'Running' && !record.interrupt)) return undefined;
	const result = await settle(async () => await client.resultFromHistory(pending.workflowId, record, 'async', options.requestTimeoutMs));
	if (result instanceof CozeApiError && result.details.runFailed) {
		// n8n does not run the node again on a resume, so a failed run cannot fail it: it becomes the item continue-on-fail gives.
		return errorDetails(result, endpoint.host, secrets);
	}
	if (result instanceof Error) return undefined;
	result.logId ??= record.logId;
	return runResultToJson(result, options, pending.workflowId);
}

/**
 * The items the waiting node left as its input: the pending and finished items of its runs. A
 * webhook has no getInputData(); its expressions see the same items as `$input`.
 */
function waitingItems(context: IWebhookFunctions): INodeExecutionData[] {
	const text = context.evaluateExpression('{{ JSON.stringify($input.all().map((item) => ({ json: item.json, pairedItem: item.pairedItem }))) }}', 0);
	if (typeof text !== 'string') return [];
	const parsed = JSON.parse(text) as unknown;
	return Array.isArray(parsed) ? (parsed as INodeExecutionData[]) : [];
}

function refused(reason: string): IWebhookResponseData {
	return { webhookResponse: { accepted: false, reason } };
}
