import type { IExecuteFunctions } from 'n8n-workflow';

/** Node versions from which every create is found again by where it ran (see itemKey). */
export const ITEM_KEYS_FROM_VERSION = 1.1;

/**
 * Where this item runs in n8n: instance, workflow, execution, node, run and item. n8n keeps all of
 * them when it runs the item again (Retry On Fail; n8n 1.x re-running a dead worker's execution
 * under the same ID), and no two items of one execution share it: a node in a loop, or a tool called
 * twice, has another run index. Execution IDs count from 1 in every n8n database, so the instance
 * (n8n derives its ID from the encryption key) keeps two installations on one gateway route apart.
 * Undefined before version 1.1, and where n8n gives no execution ID (a tool called by an MCP client).
 */
export function itemKey(context: IExecuteFunctions, itemIndex: number): string | undefined {
	if (context.getNode().typeVersion < ITEM_KEYS_FROM_VERSION) return undefined;
	const executionId = context.getExecutionId();
	if (!executionId) return undefined;
	const runIndex = context.getWorkflowDataProxy(itemIndex).$runIndex as number;
	const instance = context.getInstanceId().slice(0, 16);
	return `n8n:${instance}:${context.getWorkflow().id ?? ''}:${executionId}:${context.getNode().id}:${runIndex}:${itemIndex}`;
}
