import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { CozeChatClient } from '../../nodes/Coze/protocol/chat/client';
import type { ChatAnswerDelta, ChatStreamOptions } from '../../nodes/Coze/protocol/chat/types';
import { CozeApiError, CozeConnectionError } from '../../nodes/Coze/protocol/errors';
import type { ByteStream, HttpTransport, TransportRequest, TransportResponse } from '../../nodes/Coze/protocol/transport';
import type { ClientRuntime } from '../../nodes/shared/clientRuntime';
import { CHAT_IDS, startEmulator, type CozeEmulator } from '../emulator';

/** The client's transport over fetch, enough for loopback tests (n8n's own is tested through the engine). */
class FetchTransport implements HttpTransport {
	constructor(
		private readonly baseUrl: string,
		private readonly token: string,
	) {}

	async send(request: TransportRequest): Promise<TransportResponse> {
		const url = new URL(`${this.baseUrl}${request.path}`);
		for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
		const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: request.accept ?? 'application/json' };
		if (request.json !== undefined) headers['content-type'] = 'application/json';
		const answer = await fetch(url, { method: request.method, headers, body: request.json === undefined ? undefined : JSON.stringify(request.json) }).catch((error: unknown) => {
			throw new CozeConnectionError(String(error), undefined, true);
		});
		const reader = answer.body?.getReader();
		const body: ByteStream = {
			destroy: () => void reader?.cancel().catch(() => undefined),
			[Symbol.asyncIterator]: async function* () {
				if (!reader) return;
				for (;;) {
					const { done, value } = await reader.read();
					if (done) return;
					yield value;
				}
			},
		};
		return { status: answer.status, header: (name) => answer.headers.get(name) ?? undefined, body };
	}
}

/** Sleeps take no time: the emulator's polled chats finish after a number of polls, not of seconds. */
const runtime: ClientRuntime = { sleep: async () => await Promise.resolve(), now: (() => { let t = 0; return () => (t += 250); })(), random: () => 0.5, isAborted: () => false };
const STREAM: ChatStreamOptions = { idleTimeoutMs: 30_000, totalTimeoutMs: 60_000, keepEvents: false };

describe('CozeChatClient against the emulator', () => {
	let emu: CozeEmulator;
	let coze: CozeChatClient;
	before(async () => {
		emu = await startEmulator();
		coze = new CozeChatClient({ transport: new FetchTransport(emu.baseUrl, emu.token), runtime, flavor: 'cloud', host: new URL(emu.baseUrl).host });
	});
	after(async () => await emu.close());

	it('an agent remembers across rounds of one conversation, with answer deltas live', async () => {
		const deltas: ChatAnswerDelta[] = [];
		const first = await coze.agentChat({ botId: CHAT_IDS.agents.memory, userId: 'u1', message: 'remember blue' }, { ...STREAM, onDelta: (delta) => deltas.push(delta) });
		assert.equal(first.status, 'succeeded');
		assert.equal(first.answer, 'OK, I will remember: blue.');
		assert.equal(deltas.map((delta) => delta.text).join(''), first.answer);
		assert.ok(first.usage);
		const second = await coze.agentChat({ botId: CHAT_IDS.agents.memory, userId: 'u1', message: 'what did I ask you to remember', conversationId: first.conversationId }, STREAM);
		assert.equal(second.answer, 'You asked me to remember: blue.');
		assert.equal(second.conversationId, first.conversationId);
	});

	it('tool calls, then the tool outputs continue the same chat', async () => {
		const waiting = await coze.agentChat({ botId: CHAT_IDS.agents.tools, userId: 'u1', message: 'Zhengzhou' }, STREAM);
		assert.equal(waiting.status, 'requiresAction');
		assert.equal(waiting.toolCalls?.[0]?.name, 'get_weather');
		const done = await coze.submitToolOutputs({ conversationId: waiting.conversationId, chatId: waiting.chatId! }, [{ toolCallId: waiting.toolCalls![0].id, output: 'sunny' }], STREAM);
		assert.equal(done.status, 'succeeded');
		assert.equal(done.answer, 'Weather: sunny');
		assert.equal(done.chatId, waiting.chatId);
	});

	it('a rich agent: two answers joined, reasoning and follow-ups apart', async () => {
		const result = await coze.agentChat({ botId: CHAT_IDS.agents.rich, userId: 'u1', message: 'tell me' }, STREAM);
		assert.equal(result.status, 'succeeded');
		assert.ok(result.reasoning);
		assert.equal(result.followUps.length, 3);
		assert.ok(result.answer.includes('\n\n'));
		assert.ok(!result.answer.includes(result.reasoning));
	});

	it('failures: a failed chat, an unpublished agent (before the stream)', async () => {
		await assert.rejects(coze.agentChat({ botId: CHAT_IDS.agents.fail, userId: 'u1', message: 'x' }, STREAM), (error: unknown) => error instanceof CozeApiError && error.code === 5000);
		await assert.rejects(coze.agentChat({ botId: CHAT_IDS.agents.unpublished, userId: 'u1', message: 'x' }, STREAM), (error: unknown) => error instanceof CozeApiError && error.code === 4015);
	});

	it('polled: retrieve until done, then the message list', async () => {
		emu.setKnobs({ asyncPollsUntilDone: 2 }, { times: 1, path: '/v3/chat' });
		const result = await coze.agentChatPolled({ botId: CHAT_IDS.agents.echo, userId: 'u1', message: 'polled hello' }, { totalTimeoutMs: 60_000, keepEvents: false });
		assert.equal(result.status, 'succeeded');
		assert.equal(result.answer, 'You said: polled hello');
		assert.ok(emu.requests.filter((request) => request.path === '/v3/chat/retrieve').length >= 1);
	});

	it('a chatflow question: interrupted, then the answer in the same conversation finishes it', async () => {
		const asked = await coze.chatflow({ workflowId: CHAT_IDS.chatflows.question, message: 'hi', botId: CHAT_IDS.agents.echo }, STREAM);
		assert.equal(asked.status, 'interrupted');
		assert.equal(asked.question, 'What is your name?');
		assert.ok(asked.debugUrl);
		const answered = await coze.chatflow({ workflowId: CHAT_IDS.chatflows.question, message: 'Ann', botId: CHAT_IDS.agents.echo, conversationId: asked.conversationId }, STREAM);
		assert.equal(answered.status, 'succeeded');
		assert.equal(answered.answer, 'Hello, Ann!');
	});

	it('a chatflow with two outputs and a failing chatflow', async () => {
		const two = await coze.chatflow({ workflowId: CHAT_IDS.chatflows.twoOutputs, message: 'q', botId: CHAT_IDS.agents.echo }, STREAM);
		assert.equal(two.answer, 'First output: q\n\nSecond output: q');
		await assert.rejects(coze.chatflow({ workflowId: CHAT_IDS.chatflows.fail, message: 'q', botId: CHAT_IDS.agents.echo }, STREAM), (error: unknown) => error instanceof CozeApiError && error.code === 720712000);
	});

	it('one conversation per session, kept in Coze: a second client finds it by listing', async () => {
		const first = await coze.conversationForSession({ botId: CHAT_IDS.agents.memory, sessionId: 'emu-session-1' });
		assert.equal(first.created, true);
		const other = new CozeChatClient({ transport: new FetchTransport(emu.baseUrl, emu.token), runtime, flavor: 'cloud', host: 'another-host-for-the-cache' });
		assert.deepEqual(await other.conversationForSession({ botId: CHAT_IDS.agents.memory, sessionId: 'emu-session-1' }), { conversationId: first.conversationId, created: false });
		const page = await coze.listConversationMessages(first.conversationId, { limit: 10 });
		assert.deepEqual(page.messages, []);
		const cleared = await coze.clearConversation(first.conversationId);
		assert.equal(cleared.conversationId, first.conversationId);
	});

	it('lists the agents across workspaces', async () => {
		const agents = await coze.listAgentsAcrossWorkspaces();
		assert.ok(agents.some((agent) => agent.id === CHAT_IDS.agents.echo));
		assert.ok(!agents.some((agent) => agent.id === CHAT_IDS.agents.unpublished));
		assert.deepEqual((await coze.listAgentsAcrossWorkspaces('weather')).map((agent) => agent.id), [CHAT_IDS.agents.tools]);
	});
});
