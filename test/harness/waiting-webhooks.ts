/**
 * A node's restart webhooks as n8n's webhook service lists them for a waiting execution
 * (getNodeWebhooks): path, method and description evaluated on the node, one entry per method.
 */
import { NodeHelpers, type INode, type IWebhookData, type IWebhookDescription, type Workflow } from 'n8n-workflow';

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
