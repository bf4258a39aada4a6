import type { IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

const RUN_INTERRUPTED_HINT =
	'The workflow asked a question (status "interrupted"): answer it with a Coze Workflow node after this one, operation Resume. Its Workflow, Event ID and Interrupt Type fill in from this item.';
const CHAT_INTERRUPTED_HINT =
	'The chatflow asked a question (status "interrupted", the question is in question): send the answer as the next message of the same conversation (Conversation By ID with this item\'s conversationId, or One per Chat Session).';
const REQUIRES_ACTION_HINT =
	'The agent waits for the results of its tool calls (status "requiresAction", the calls are in toolCalls): send them with a Coze Agent node after this one, operation Submit Tool Outputs. Its Conversation ID and Chat ID fill in from this item.';

/** The next step after a round that stopped to wait for the user, by the round's status. */
const NEXT_STEP: Record<string, Record<string, string>> = {
	run: { interrupted: RUN_INTERRUPTED_HINT },
	chat: { interrupted: CHAT_INTERRUPTED_HINT, requiresAction: REQUIRES_ACTION_HINT },
};

// A round that waits succeeds as far as n8n knows, so the next step is told once per execution, not once per item.
const told = new WeakMap<IExecuteFunctions, Set<string>>();

/** Shows what the user should know about a successful run or chat round as hints on the output pane. */
export function reportNotices(context: IExecuteFunctions, result: { status: string; notices: string[] }, surface: 'run' | 'chat' = 'run'): void {
	if (typeof context.addExecutionHints !== 'function') return;
	const hints: NodeExecutionHint[] = result.notices.map((message) => ({ message, type: 'warning', location: 'outputPane' }));
	const next = NEXT_STEP[surface][result.status];
	const shown = told.get(context) ?? new Set<string>();
	if (next && !shown.has(next)) {
		shown.add(next);
		told.set(context, shown);
		hints.push({ message: next, type: 'info', location: 'outputPane' });
	}
	if (hints.length > 0) context.addExecutionHints(...hints);
}
