import type { IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import type { CozeRunResult } from '../protocol/client';

const INTERRUPTED_HINT =
	'The workflow asked a question (status "interrupted"): answer it with a Coze Workflow node after this one, operation Resume. Its Workflow, Event ID and Interrupt Type fill in from this item.';

// An interrupted run succeeds as far as n8n knows, so the next step is told once per execution, not once per item.
const toldToResume = new WeakSet<IExecuteFunctions>();

/** Shows what the user should know about a successful run as hints on the output pane. */
export function reportNotices(context: IExecuteFunctions, result: CozeRunResult): void {
	if (typeof context.addExecutionHints !== 'function') return;
	const hints: NodeExecutionHint[] = result.notices.map((message) => ({ message, type: 'warning', location: 'outputPane' }));
	if (result.status === 'interrupted' && !toldToResume.has(context)) {
		toldToResume.add(context);
		hints.push({ message: INTERRUPTED_HINT, type: 'info', location: 'outputPane' });
	}
	if (hints.length > 0) context.addExecutionHints(...hints);
}
