import type { CozeConnection } from './connection';
import type { ParameterSchema } from '../protocol/discovery';

type Schema = Record<string, ParameterSchema>;

/** How long a schema read by one execution spares the next ones their read. */
const LIFE_MS = 60_000;
/** Bounds the process-wide entries: the oldest go first. */
const MAX_ENTRIES = 1000;

/**
 * Schemas read in the last minute, by account, address and workflow ID, so that executions in a
 * row do not read the same inputs each time. Only successful reads are kept; a read in flight is
 * not shared, since it is tied to the cancellation of the execution that made it.
 */
const recentReads = new Map<string, { schema: Schema; until: number }>();

function remember(key: string, schema: Schema): void {
	recentReads.delete(key);
	recentReads.set(key, { schema, until: Date.now() + LIFE_MS });
	for (const oldest of recentReads.keys()) {
		if (recentReads.size <= MAX_ENTRIES) break;
		recentReads.delete(oldest);
	}
}

// Accounts see their own workflows (and may lack the permission to read them): never shared.
function keyOf({ client, endpoint }: CozeConnection, workflowId: string): string {
	return `${client.account}\u0000${endpoint.baseUrl}\u0000${workflowId}`;
}

function recalled(key: string): Schema | undefined {
	const entry = recentReads.get(key);
	if (entry && entry.until > Date.now()) return entry.schema;
	if (entry) recentReads.delete(key);
	return undefined;
}

/**
 * The input schemas of Coze workflows for one execution: read at most once per workflow in it, and
 * for checks that can only refuse, taken from another execution's recent read when there is one.
 */
export class InputSchemas {
	private readonly reads = new Map<string, Promise<Schema>>();

	/** The schema read by this execution: what decides what is sent (fields mode) or refused. */
	async fresh(connection: CozeConnection, workflowId: string): Promise<Schema> {
		const key = keyOf(connection, workflowId);
		let read = this.reads.get(key);
		if (!read) {
			read = connection.client.getWorkflowInputs(workflowId);
			this.reads.set(key, read);
			read.then((schema) => remember(key, schema), () => undefined);
		}
		return await read;
	}

	/**
	 * A schema that may be up to a minute old, for a check that only lets a value pass or refuses it.
	 * `cached` tells the caller to decide a refusal on `fresh` instead: the workflow may have changed.
	 */
	async recent(connection: CozeConnection, workflowId: string): Promise<{ schema: Schema; cached: boolean }> {
		const key = keyOf(connection, workflowId);
		const own = this.reads.get(key);
		const kept = own ? undefined : recalled(key);
		return kept ? { schema: kept, cached: true } : { schema: await this.fresh(connection, workflowId), cached: false };
	}
}
