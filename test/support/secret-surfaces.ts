// Where a secret could leak to from a node run, for the canary sweeps of the secrets, fault-matrix
// and OpenClaw fault tests: one definition, so that every sweep searches the same places.
import { LoggerProxy } from 'n8n-workflow';

import type { NodeRunResult } from '../harness/engine';

/**
 * Sends n8n-workflow's logger proxy (what nodes and helpers log through) into the returned array.
 * n8n-core's own logger writes to N8N_LOG_FILE (test/engine/debug-logging.ts), read separately.
 */
export function captureLoggerLines(): string[] {
	const lines: string[] = [];
	const logger = (level: string) => (message: string, meta?: object) => lines.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
	LoggerProxy.init({ error: logger('error'), warn: logger('warn'), info: logger('info'), debug: logger('debug') } as Parameters<typeof LoggerProxy.init>[0]);
	return lines;
}

/** Everything one run showed: the error (message, stack, description and own fields), items, hints, streamed chunks. */
export function runSurfaces(result: NodeRunResult): string {
	const error = result.run.data.resultData.error as (Error & Record<string, unknown>) | undefined;
	return JSON.stringify({
		error: error && { ...error, message: error.message, stack: error.stack, description: error.description },
		items: result.items,
		hints: result.hints,
		chunks: result.chunks,
	});
}
