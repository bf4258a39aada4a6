/**
 * Coze chat through n8n's Chat Trigger, as a chat widget talks to it: each message is a POST of
 * `{action: 'sendMessage', sessionId, chatInput}` to the trigger's Production URL, answered with n8n's
 * streamed NDJSON chunks. Checks what the user sees (the streamed text), what the execution's item
 * holds (answer, status, conversation), and that a session keeps its Coze conversation.
 */
import { randomBytes } from 'node:crypto';

import { CHAT_IDS } from '../test/emulator';
import { waitFor } from '../test/support/wait';
import { check } from './checks';
import { readExecutions, streamedChunks, webhookRequest, type ExecutionRow, type N8nSetup } from './n8n';

/** A workflow whose Chat Trigger streams: the workflow, its trigger's webhook ID and the node that answers. */
export interface ChatWorkflow {
	workflowId: string;
	webhookId: string;
	answeringNode: string;
}

/** examples/coze-chatflow-chat-trigger.json: Chat Trigger → Coze Workflow (Chat) on the memory chatflow, one conversation per session. */
export const CHATFLOW_CHAT: ChatWorkflow = { workflowId: 'cozeChatflowChat', webhookId: '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a11', answeringNode: 'Coze Workflow' };
/** examples/coze-agent-chat.json: Chat Trigger → Coze Agent (Chat) with the memory agent, one conversation per session. */
export const AGENT_CHAT: ChatWorkflow = { workflowId: 'cozeAgentChat001', webhookId: '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a12', answeringNode: 'Coze Agent' };
/** questionChatWorkflow(): Chat Trigger → Coze Workflow (Chat) on the chatflow whose Question node asks for a name. */
export const QUESTION_CHAT: ChatWorkflow = { workflowId: 'e2eCozeChatQuest', webhookId: '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a13', answeringNode: 'Coze Workflow' };

export const CHAT_NAMES = {
	chatflowMemory: 'Coze chat: Chat Trigger (streaming) → Coze Workflow chat (memory chatflow): three turns of one session keep their context; the streamed items join to the answer',
	sessions: 'Coze chat: two Chat Trigger sessions interleaved (A1, B1, A2, B2) each count their own turns',
	agent: 'Coze chat: Chat Trigger (streaming) → Coze Agent chat (memory agent): a session remembers, another session does not',
	question: 'Coze chat: a chatflow Question node is answered by the next message of the same session',
};

/** The chatflow of the question scenario: Chat Trigger → Coze Workflow (Chat) on the `question` chatflow. */
export function questionChatWorkflow(credentialId: string): object {
	return {
		id: QUESTION_CHAT.workflowId,
		name: 'e2e: Chat Trigger → Coze Workflow chat, a Question node',
		nodes: [
			chatTriggerNode('7d1a0c30-0000-4000-8000-000000000051', QUESTION_CHAT.webhookId),
			{
				id: '7d1a0c30-0000-4000-8000-000000000052',
				name: QUESTION_CHAT.answeringNode,
				type: 'n8n-nodes-coze-openclaw.cozeWorkflow',
				typeVersion: 1.1,
				position: [240, 0],
				parameters: {
					authentication: 'accessToken',
					operation: 'chat',
					workflowId: { __rl: true, mode: 'id', value: CHAT_IDS.chatflows.question },
					message: '={{ $json.chatInput }}',
					conversation: 'session',
					sessionId: '={{ $json.sessionId }}',
					botId: CHAT_IDS.agents.memory,
					options: { streamToResponse: true },
				},
				credentials: { cozeAccessTokenApi: { id: credentialId, name: 'Coze emulator' } },
			},
		],
		connections: { 'When chat message received': { main: [[{ node: QUESTION_CHAT.answeringNode, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** A public Chat Trigger (typeVersion 1.4: the newest that n8n 1.123 has) that streams its answer. */
export function chatTriggerNode(id: string, webhookId: string): object {
	return {
		id,
		name: 'When chat message received',
		type: '@n8n/n8n-nodes-langchain.chatTrigger',
		typeVersion: 1.4,
		position: [0, 0],
		parameters: { public: true, mode: 'hostedChat', options: { responseMode: 'streaming' } },
		webhookId,
	};
}

/** What one chat message got: the streamed text and the execution's item. */
export interface ChatTurn {
	sent: string;
	/** The `item` chunks' content, joined: the text the chat widget shows. */
	streamed: string;
	itemChunks: number;
	/** The answering node's output item. */
	item: Record<string, unknown>;
}

/** Session IDs unique to this run and line: the emulator (and its conversations) outlives a line. */
export function newSessionId(line: string, label: string): string {
	return `e2e-${line}-${label}-${randomBytes(6).toString('hex')}`;
}

/**
 * Sends one message to a published chat workflow and waits for its execution: the streamed
 * response must be NDJSON with begin, item and end chunks of the answering node and no error chunk.
 */
export async function sendChat(setup: N8nSetup, base: string, chat: ChatWorkflow, sessionId: string, chatInput: string): Promise<ChatTurn> {
	const known = new Set((await readExecutions(setup, chat.workflowId)).map((row) => row.id));
	const answer = await webhookRequest(`${base}/webhook/${chat.webhookId}/chat`, JSON.stringify({ action: 'sendMessage', sessionId, chatInput }));
	const what = `"${chatInput}" (session ${sessionId})`;
	check(answer.status === 200, `${what}: HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
	const chunks = streamedChunks(answer);
	const errors = chunks.filter((c) => c.type === 'error');
	check(errors.length === 0, `${what}: n8n streamed an error: ${errors.map((c) => c.content ?? '').join(' | ').slice(0, 300)}`);
	const ours = chunks.filter((c) => c.metadata?.nodeName === chat.answeringNode);
	const types = ours.map((c) => c.type);
	check(
		types[0] === 'begin' && types.at(-1) === 'end' && types.slice(1, -1).every((t) => t === 'item'),
		`${what}: expected begin, items, end from ${chat.answeringNode}; got ${JSON.stringify(types)} (all chunks: ${answer.body.slice(0, 300)})`,
	);
	const items = ours.filter((c) => c.type === 'item');
	const execution = await waitForExecution(setup, chat.workflowId, known);
	check(execution.status === 'success', `${what}: execution ${execution.id} is ${execution.status}: ${execution.error ?? ''}`);
	check(execution.lastNode === chat.answeringNode && execution.json?.length === 1, `${what}: execution ${execution.id} ended in ${String(execution.lastNode)} with ${execution.json?.length ?? 0} items`);
	return { sent: chatInput, streamed: items.map((c) => c.content ?? '').join(''), itemChunks: items.length, item: execution.json[0] };
}

async function waitForExecution(setup: N8nSetup, workflowId: string, known: Set<string>): Promise<ExecutionRow> {
	// The response ends with the execution; the database row may follow a moment later.
	return await waitFor(`the execution of ${workflowId}`, 30_000, async () => {
		const rows = (await readExecutions(setup, workflowId)).filter((row) => !known.has(row.id));
		check(rows.length <= 1, `${rows.length} executions started for one message`);
		const row = rows[0];
		return row && row.status !== 'running' && row.status !== 'new' ? row : undefined;
	}, 500);
}

/** The turn succeeded with the answer `expected`, streamed as the same text, in a Coze conversation. */
function expectAnswer(turn: ChatTurn, expected: string): void {
	const status = 'succeeded';
	const what = `"${turn.sent}"`;
	check(turn.item.status === status, `${what}: status ${JSON.stringify(turn.item.status)}, expected ${status} (item ${JSON.stringify(turn.item).slice(0, 300)})`);
	check(turn.item.answer === expected, `${what}: the answer is ${JSON.stringify(turn.item.answer)}, expected ${JSON.stringify(expected)}`);
	check(turn.streamed === expected, `${what}: the streamed items join to ${JSON.stringify(turn.streamed)}, expected the answer ${JSON.stringify(expected)}`);
	check(typeof turn.item.conversationId === 'string' && /^\d{19}$/.test(turn.item.conversationId), `${what}: conversationId ${JSON.stringify(turn.item.conversationId)}`);
}

function sameConversation(turns: ChatTurn[], label: string): string {
	const ids = [...new Set(turns.map((t) => String(t.item.conversationId)))];
	check(ids.length === 1, `session ${label} used ${ids.length} Coze conversations: ${ids.join(', ')}`);
	return ids[0];
}

function chunksSummary(turns: ChatTurn[]): string {
	return turns.map((t) => t.itemChunks).join('/');
}

export async function chatflowMemory(setup: N8nSetup, base: string, line: string): Promise<string> {
	const session = newSessionId(line, 'memory');
	const sent = ['Hello there', 'How are you?', 'Tell me a story'];
	const turns: ChatTurn[] = [];
	for (const [n, message] of sent.entries()) {
		const turn = await sendChat(setup, base, CHATFLOW_CHAT, session, message);
		expectAnswer(turn, `Turn ${n + 1}: ${message}`);
		turns.push(turn);
	}
	const conversation = sameConversation(turns, 'memory');
	return `answers ${turns.map((t) => JSON.stringify(t.item.answer)).join(', ')}, streamed in ${chunksSummary(turns)} item chunks; one conversation ${conversation}`;
}

export async function interleavedSessions(setup: N8nSetup, base: string, line: string): Promise<string> {
	const sessions = { A: newSessionId(line, 'A'), B: newSessionId(line, 'B') };
	const plan: Array<{ session: 'A' | 'B'; message: string; turn: number }> = [
		{ session: 'A', message: 'A one', turn: 1 },
		{ session: 'B', message: 'B one', turn: 1 },
		{ session: 'A', message: 'A two', turn: 2 },
		{ session: 'B', message: 'B two', turn: 2 },
	];
	const bySession: Record<'A' | 'B', ChatTurn[]> = { A: [], B: [] };
	for (const step of plan) {
		const turn = await sendChat(setup, base, CHATFLOW_CHAT, sessions[step.session], step.message);
		expectAnswer(turn, `Turn ${step.turn}: ${step.message}`);
		bySession[step.session].push(turn);
	}
	const a = sameConversation(bySession.A, 'A');
	const b = sameConversation(bySession.B, 'B');
	check(a !== b, `sessions A and B share the Coze conversation ${a}`);
	return `A: ${bySession.A.map((t) => JSON.stringify(t.item.answer)).join(', ')} in conversation ${a}; B: ${bySession.B.map((t) => JSON.stringify(t.item.answer)).join(', ')} in conversation ${b}`;
}

export async function agentMemory(setup: N8nSetup, base: string, line: string): Promise<string> {
	const session = newSessionId(line, 'agent');
	const told = await sendChat(setup, base, AGENT_CHAT, session, 'remember the blue door');
	expectAnswer(told, 'OK, I will remember: the blue door.');
	const asked = await sendChat(setup, base, AGENT_CHAT, session, 'what did I ask you to remember?');
	expectAnswer(asked, 'You asked me to remember: the blue door.');
	const conversation = sameConversation([told, asked], 'agent');
	const other = await sendChat(setup, base, AGENT_CHAT, newSessionId(line, 'agent-other'), 'what did I ask you to remember?');
	expectAnswer(other, 'I have nothing to remember.');
	check(other.item.conversationId !== conversation, `another session used the same conversation ${conversation}`);
	return `${JSON.stringify(told.item.answer)}, then ${JSON.stringify(asked.item.answer)} (${chunksSummary([told, asked])} item chunks, conversation ${conversation}); another session: ${JSON.stringify(other.item.answer)}`;
}

export async function questionAnswered(setup: N8nSetup, base: string, line: string): Promise<string> {
	const session = newSessionId(line, 'question');
	const asked = await sendChat(setup, base, QUESTION_CHAT, session, 'Hi');
	// The user sees the question as the reply; the item says the chatflow waits, and what it asks.
	const question = 'What is your name?';
	check(asked.item.status === 'interrupted', `"Hi": status ${JSON.stringify(asked.item.status)}, expected interrupted (item ${JSON.stringify(asked.item).slice(0, 300)})`);
	check(asked.item.question === question, `"Hi": the item's question is ${JSON.stringify(asked.item.question)}, expected ${JSON.stringify(question)}`);
	check(asked.streamed === question, `"Hi": the streamed items join to ${JSON.stringify(asked.streamed)}, expected the question ${JSON.stringify(question)}`);
	const greeted = await sendChat(setup, base, QUESTION_CHAT, session, 'Ada');
	expectAnswer(greeted, 'Hello, Ada!');
	const conversation = sameConversation([asked, greeted], 'question');
	return `"Hi" → ${JSON.stringify(asked.streamed)} (interrupted), "Ada" → ${JSON.stringify(greeted.item.answer)}, both in conversation ${conversation}`;
}
