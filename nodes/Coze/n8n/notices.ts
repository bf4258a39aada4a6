import type { IExecuteFunctions } from 'n8n-workflow';

import type { CozeRunResult } from '../protocol/client';

/** Shows what the user should know about a successful run as hints on the output pane. */
export function reportNotices(context: IExecuteFunctions, result: CozeRunResult): void {
	if (result.notices.length === 0 || typeof context.addExecutionHints !== 'function') return;
	context.addExecutionHints(...result.notices.map((message) => ({ message, type: 'warning' as const, location: 'outputPane' as const })));
}
