import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

/** How a node family runs its items and reports their failures. */
export interface ItemRunner {
	/** Items that may run at the same time (their outputs keep the input order). Default 1. */
	concurrency?: number;
	/** Runs one item: its output, or several outputs for one input. */
	perItem(itemIndex: number): Promise<IDataObject | IDataObject[]>;
	/** The fields a failed item carries with continue-on-fail. */
	errorJson(error: unknown, itemIndex: number): IDataObject;
	/** n8n's error for a failed item. */
	toNodeError(error: unknown, itemIndex: number): NodeApiError | NodeOperationError;
}

type Outcome = { ok: true; output: IDataObject | IDataObject[] } | { ok: false; error: unknown } | undefined;

/**
 * The item loop of both node families, the one place continue-on-fail is decided: items run in an
 * ordered pool; each output is paired with its input item; with continue-on-fail a failed item
 * becomes an error item, without it the first failure (in item order) fails the node and items not
 * yet started are not started, as one at a time would do.
 */
export async function runItems(context: IExecuteFunctions, runner: ItemRunner): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	const continueOnFail = context.continueOnFail();
	let stopped = false;
	const outcomes = await runPool<Outcome>(items.length, runner.concurrency ?? 1, async (itemIndex) => {
		if (stopped) return undefined;
		try {
			return { ok: true, output: await runner.perItem(itemIndex) };
		} catch (error) {
			if (!continueOnFail) stopped = true;
			return { ok: false, error };
		}
	});
	const returnData: INodeExecutionData[] = [];
	for (const [itemIndex, outcome] of outcomes.entries()) {
		if (!outcome) continue;
		const pairedItem = { item: itemIndex };
		if (outcome.ok) {
			for (const json of Array.isArray(outcome.output) ? outcome.output : [outcome.output]) returnData.push({ json, pairedItem });
			continue;
		}
		if (continueOnFail) {
			returnData.push({ json: runner.errorJson(outcome.error, itemIndex), pairedItem });
			continue;
		}
		throwNodeError(context.getNode(), runner.toNodeError(outcome.error, itemIndex), itemIndex);
	}
	return returnData;
}

/** Throws an n8n error as the class it is, with the item it belongs to (when there is one). */
export function throwNodeError(node: INode, error: NodeApiError | NodeOperationError, itemIndex?: number): never {
	// Both constructors return the given error when it already is one of theirs; n8n's lint wants
	// every throw to name one of the two classes.
	if (error instanceof NodeApiError) throw new NodeApiError(node, error as unknown as JsonObject, { itemIndex });
	throw new NodeOperationError(node, error, { itemIndex });
}

/**
 * Runs `count` tasks with at most `concurrency` at once and returns their results in task order,
 * whatever order they finish in.
 */
export async function runPool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
	const results = new Array<T>(count);
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const index = next++;
			results[index] = await task(index);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
	return results;
}
