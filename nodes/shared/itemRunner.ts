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
	/**
	 * For n8n's Retry On Fail, which runs the node again with all its items. Without it, every try
	 * runs every item. With it, a later try gives an item that succeeded its output again, and an
	 * item whose failure `mayHaveActed` (it may have done what running it again would do twice)
	 * fails with `notRepeated(error)`; only the other items run again.
	 */
	retries?: { mayHaveActed(error: unknown): boolean; notRepeated(error: unknown): unknown };
}

type Outcome = { ok: true; output: IDataObject | IDataObject[] } | { ok: false; error: unknown } | undefined;

/** What the tries of one node run so far did, item by item. */
interface Tries {
	tries: number;
	items: Map<number, NonNullable<Outcome>>;
	at: number;
}

/** Tries of node runs that n8n may retry, by execution and node. n8n's tries of a node run follow each other. */
const TRIES = new Map<string, Tries>();
/** A forgotten entry (the execution was stopped between tries) is dropped after this long. */
const TRIES_KEPT_MS = 24 * 3_600_000;

/** The tries of this node run when n8n's Retry On Fail is on, with this call counted. */
function countTry(context: IExecuteFunctions): { key: string; tries: Tries; last: boolean } | undefined {
	const node = context.getNode();
	if (node.retryOnFail !== true) return undefined;
	// An MCP tool call runs before any execution exists: without an ID, two calls at once would
	// share their tries and one could be given the other's output.
	const executionId = context.getExecutionId();
	if (!executionId) return undefined;
	const now = Date.now();
	for (const [key, entry] of TRIES) if (now - entry.at > TRIES_KEPT_MS) TRIES.delete(key);
	const key = `${executionId}\u0000${node.name}`;
	const tries = TRIES.get(key) ?? { tries: 0, items: new Map(), at: now };
	tries.tries++;
	tries.at = now;
	TRIES.set(key, tries);
	// As n8n-core's WorkflowExecute counts them.
	const maxTries = Math.min(5, Math.max(2, node.maxTries || 3));
	return { key, tries, last: tries.tries >= maxTries };
}

/**
 * The item loop of both node families, the one place continue-on-fail is decided: items run in an
 * ordered pool; each output is paired with its input item; with continue-on-fail a failed item
 * becomes an error item, without it the first failure (in item order) fails the node and items not
 * yet started are not started, as one at a time would do.
 */
export async function runItems(context: IExecuteFunctions, runner: ItemRunner): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	const continueOnFail = context.continueOnFail();
	const retries = runner.retries;
	const attempt = retries ? countTry(context) : undefined;
	let stopped = false;
	const outcomes = await runPool<Outcome>(items.length, runner.concurrency ?? 1, async (itemIndex) => {
		if (stopped) return undefined;
		const earlier = attempt?.tries.items.get(itemIndex);
		let outcome: NonNullable<Outcome>;
		if (earlier?.ok) outcome = earlier;
		else if (earlier && retries) outcome = { ok: false, error: retries.notRepeated(earlier.error) };
		else {
			try {
				outcome = { ok: true, output: await runner.perItem(itemIndex) };
			} catch (error) {
				outcome = { ok: false, error };
			}
			if (attempt && (outcome.ok || retries?.mayHaveActed(outcome.error))) attempt.tries.items.set(itemIndex, outcome);
		}
		if (!outcome.ok && !continueOnFail) stopped = true;
		return outcome;
	});
	if (attempt) {
		// n8n tries again after a thrown error, or when the first item carries one (continue-on-fail).
		const first = outcomes[0];
		const retried = !attempt.last && outcomes.some((o) => o && !o.ok) && (!continueOnFail || (first !== undefined && !first.ok));
		if (!retried) TRIES.delete(attempt.key);
	}
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
