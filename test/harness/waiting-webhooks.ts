/**
 * Pieces of n8n's waiting-webhook endpoint: the signature parameter, the request body, the waiting
 * node's run entry, and the node's restart webhooks.
 */
import { NodeHelpers, type INode, type ITaskData, type IWebhookData, type IWebhookDescription, type Workflow } from 'n8n-workflow';

/** As n8n's webhook service lists them (getNodeWebhooks): evaluated on the node, one per method. */
export type RestartWebhook = Pick<IWebhookData, 'httpMethod' | 'node' | 'path' | 'webhookDescription' | 'workflowId'>;

export function restartWebhooks(workflow: Workflow, node: INode): RestartWebhook[] {
	if (node.disabled === true) return [];
	const type = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const workflowId = workflow.id || '__UNSAVED__';
	const evaluate = (description: IWebhookDescription, property: keyof IWebhookDescription, fallback?: unknown) =>
		workflow.expression.getSimpleParameterValue(node, description[property] as string, 'internal', {}, undefined, fallback as string);
	const found: RestartWebhook[] = [];
	for (const description of type.description.webhooks ?? []) {
		if (evaluate(description, 'restartWebhook', false) !== true) continue;
		const raw = evaluate(description, 'path');
		if (raw === undefined || raw === null) continue;
		const trimmed = String(raw).trim().replace(/^\//, '').replace(/\/$/, '');
		const isFullPath = evaluate(description, 'isFullPath', false) as boolean;
		const path = NodeHelpers.getNodeWebhookPath(workflowId, node, trimmed, isFullPath, true);
		const methods = evaluate(description, 'httpMethod', 'GET');
		for (const method of String(methods).split(',')) {
			if (method) found.push({ httpMethod: method.trim() as IWebhookData['httpMethod'], node: node.name, path, webhookDescription: description, workflowId });
		}
	}
	return found;
}

/** The parsed body, and the bytes as sent when there were bytes (n8n keeps them as `rawBody`). */
export function requestBody(body: unknown): { body: unknown; rawBody?: Buffer } {
	if (typeof body !== 'string' && !Buffer.isBuffer(body)) return { body: body ?? {} };
	const rawBody = Buffer.from(body);
	try {
		return { body: JSON.parse(rawBody.toString('utf8')) as unknown, rawBody };
	} catch {
		return { body: {}, rawBody };
	}
}

/** A token with a slash carries the webhook path after it (parseSignatureParam). */
export function signatureParam(value: unknown): { token?: string; webhookPath?: string } {
	if (typeof value !== 'string' || value === '') return {};
	const slash = value.indexOf('/');
	return slash === -1 ? { token: value } : { token: value.slice(0, slash), webhookPath: value.slice(slash + 1) };
}

/** Pops the node's pre-wait run entry, keeping only an input override (workflow-helpers). */
export function preserveInputOverride(runs: ITaskData[]): void {
	const popped = runs.pop()!;
	if (popped.inputOverride) runs.push({ startTime: 0, executionTime: 0, executionIndex: 0, source: popped.source, inputOverride: popped.inputOverride } as ITaskData);
}
