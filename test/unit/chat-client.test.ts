import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CozeChatClient } from '../../nodes/Coze/protocol/chat/client';
import type { ChatStreamOptions } from '../../nodes/Coze/protocol/chat/types';
import { CozeAbortedError, CozeApiError, CozeConnectionError, CozeInputError, CozeTimeoutError, hintForCode } from '../../nodes/Coze/protocol/errors';
import type { ByteStream, HttpTransport, TransportRequest, TransportResponse } from '../../nodes/Coze/protocol/transport';
import type { ClientRuntime } from '../../nodes/shared/clientRuntime';

/** A clock that moves only when the client sleeps. */
class VirtualRuntime implements ClientRuntime {
	time = 1_000_000;
	aborted = false;
	readonly sleeps: number[] = [];
	async sleep(ms: number): Promise<void> {
		this.sleeps.push(ms);
		this.time += ms;
		await Promise.resolve();
	}
	now(): number {
		return this.time;
	}
	random(): number {
		return 0.5;
	}
	isAborted(): boolean {
		return this.aborted;
	}
}

type Reply = { status?: number; contentType?: string; body: string | (() => AsyncGenerator<string>) };

function response(reply: Reply): TransportResponse {
	const chunks = typeof reply.body === 'string' ? (async function* () { yield reply.body as string; })() : reply.body();
	const body: ByteStream = {
		destroy: () => undefined,
		[Symbol.asyncIterator]: async function* () {
			for await (const chunk of chunks) yield Buffer.from(chunk, 'utf8');
		},
	};
	const headers: Record<string, string> = { 'content-type': reply.contentType ?? 'application/json', 'x-tt-logid': 'log-x' };
	return { status: reply.status ?? 200, header: (name) => headers[name], body };
}

/** An in-process Coze: `handle` answers each request, which is recorded with the clock's time. */
class FakeCoze implements HttpTransport {
	readonly requests: Array<TransportRequest & { at: number }> = [];
	constructor(
		private readonly runtime: VirtualRuntime,
		private readonly handle: (request: TransportRequest) => Reply | Promise<Reply>,
	) {}
	async send(request: TransportRequest): Promise<TransportResponse> {
		this.requests.push({ ...request, at: this.runtime.now() });
		return response(await this.handle(request));
	}
	paths(): string[] {
		return this.requests.map((request) => `${request.method} ${request.path}`);
	}
}

function client(handle: (request: TransportRequest) => Reply | Promise<Reply>, runtime = new VirtualRuntime()): { coze: CozeChatClient; fake: FakeCoze; runtime: VirtualRuntime } {
	const fake = new FakeCoze(runtime, handle);
	return { coze: new CozeChatClient({ transport: fake, runtime, flavor: 'cloud', host: 'api.coze.cn' }), fake, runtime };
}

const envelope = (data: unknown, extra: Record<string, unknown> = {}): Reply => ({ body: JSON.stringify({ code: 0, msg: '', data, ...extra }) });
const STREAM: ChatStreamOptions = { idleTimeoutMs: 60_000, totalTimeoutMs: 600_000, keepEvents: false };
const CHAT = { id: '7500000000000000001', conversation_id: '7500000000000000002', section_id: '7500000000000000003' };
const completedStream = (answer: string): Reply => ({
	contentType: 'text/event-stream',
	body:
		`event:conversation.chat.created\ndata:${JSON.stringify({ ...CHAT, status: 'created' })}\n\n` +
		`event:conversation.message.completed\ndata:${JSON.stringify({ id: 'm1', type: 'answer', role: 'assistant', content: answer, content_type: 'text' })}\n\n` +
		`event:conversation.chat.completed\ndata:${JSON.stringify({ ...CHAT, status: 'completed', usage: { token_count: 5, output_count: 2, input_count: 3 } })}\n\n` +
		'event:done\ndata:"[DONE]"\n\n',
});

describe('CozeChatClient: agent chats', () => {
	it('streams /v3/chat with the conversation in the query, stream and history saving set', async () => {
		const { coze, fake } = client(() => completedStream('Hi'));
		const result = await coze.agentChat({ botId: '7400000000000000001', userId: 'u1', message: 'Hello', conversationId: '7500000000000000002', customVariables: { name: 'Ann' } }, STREAM);
		assert.equal(result.answer, 'Hi');
		assert.equal(result.logId, 'log-x');
		const [request] = fake.requests;
		assert.equal(request.path, '/v3/chat');
		assert.equal(request.accept, 'text/event-stream');
		assert.deepEqual(request.query, { conversation_id: '7500000000000000002' });
		assert.deepEqual(request.json, {
			bot_id: '7400000000000000001',
			user_id: 'u1',
			stream: true,
			auto_save_history: true,
			additional_messages: [{ role: 'user', content: 'Hello', content_type: 'text', type: 'question' }],
			custom_variables: { name: 'Ann' },
		});
	});

	it('a JSON envelope instead of the stream is a CozeApiError, and a request that may have started a chat is not repeated', async () => {
		const { coze } = client(() => ({ body: '{"code":4000,"msg":"json fail"}' }));
		await assert.rejects(coze.agentChat({ botId: '1', userId: 'u', message: 'x' }, STREAM), (error: unknown) => error instanceof CozeApiError && error.code === 4000 && error.message === 'json fail');
		const failing = client(() => ({ status: 502, body: '<html><title>Bad Gateway</title></html>', contentType: 'text/html' }));
		await assert.rejects(failing.coze.agentChat({ botId: '1', userId: 'u', message: 'x' }, STREAM), (error: unknown) => error instanceof CozeApiError && error.details.httpStatus === 502 && error.runMayExist);
		assert.equal(failing.fake.requests.length, 1);
	});

	it('a stop while streaming cancels the chat it interrupted, with a request the stop does not cut', async () => {
		const runtime = new VirtualRuntime();
		const { coze, fake } = client((request) => {
			if (request.path === '/v3/chat/cancel') return envelope({ ...CHAT, status: 'canceled' });
			return {
				contentType: 'text/event-stream',
				body: async function* () {
					yield `event:conversation.chat.created\ndata:${JSON.stringify({ ...CHAT, status: 'created' })}\n\n`;
					runtime.aborted = true;
					throw new CozeAbortedError();
				},
			};
		}, runtime);
		await assert.rejects(coze.agentChat({ botId: '1', userId: 'u', message: 'x' }, STREAM), CozeAbortedError);
		assert.deepEqual(fake.paths(), ['POST /v3/chat', 'POST /v3/chat/cancel']);
		const cancel = fake.requests[1];
		assert.equal(cancel.detached, true);
		assert.deepEqual(cancel.json, { conversation_id: CHAT.conversation_id, chat_id: CHAT.id });
	});

	it('a connection broken before the chat ended is a stream-ended failure that may have started the chat', async () => {
		const { coze } = client(() => ({
			contentType: 'text/event-stream',
			body: async function* () {
				yield `event:conversation.chat.created\ndata:${JSON.stringify({ ...CHAT, status: 'created' })}\n\n`;
				throw new CozeConnectionError('reset', 'ECONNRESET', true);
			},
		}));
		await assert.rejects(coze.agentChat({ botId: '1', userId: 'u', message: 'x' }, STREAM), (error: unknown) => error instanceof Error && error.name === 'CozeStreamEndedError' && /reset/.test(error.message) && (error as CozeApiError).runMayExist);
	});

	it('polls retrieve at least a second apart by the runtime clock, then reads the message list', async () => {
		let retrieves = 0;
		const { coze, fake, runtime } = client((request) => {
			if (request.path === '/v3/chat') return envelope({ ...CHAT, status: 'in_progress' });
			if (request.path === '/v3/chat/retrieve') return envelope({ ...CHAT, status: ++retrieves < 3 ? 'in_progress' : 'completed', usage: { token_count: 9 } });
			if (request.path === '/v3/chat/message/list') {
				return envelope([
					{ id: 'v', type: 'verbose', role: 'assistant', content: '{"msg_type":"generate_answer_finish","data":""}' },
					{ id: 'a', type: 'answer', role: 'assistant', content: 'Polled answer' },
					{ id: 'f', type: 'follow_up', role: 'assistant', content: 'More?' },
				]);
			}
			throw new Error(`unexpected ${request.path}`);
		});
		const started = runtime.now();
		const result = await coze.agentChatPolled({ botId: '1', userId: 'u', message: 'x' }, { totalTimeoutMs: 60_000, intervalMs: 200, keepEvents: false });
		assert.equal(result.status, 'succeeded');
		assert.equal(result.answer, 'Polled answer');
		assert.deepEqual(result.followUps, ['More?']);
		assert.deepEqual(result.usage, { token_count: 9 });
		assert.equal(result.chatId, CHAT.id);
		assert.equal((fake.requests[0].json as Record<string, unknown>).stream, false);
		assert.deepEqual(fake.paths(), ['POST /v3/chat', 'GET /v3/chat/retrieve', 'GET /v3/chat/retrieve', 'GET /v3/chat/retrieve', 'GET /v3/chat/message/list']);
		const times = fake.requests.map((request) => request.at - started);
		for (let i = 1; i <= 3; i++) assert.ok(times[i] - times[i - 1] >= 1000, `retrieve ${i} came ${times[i] - times[i - 1]} ms after the request before it`);
	});

	it('on the time limit cancels the chat and fails with a timeout', async () => {
		const { coze, fake } = client((request) => {
			if (request.path === '/v3/chat/cancel') return envelope({ ...CHAT, status: 'canceled' });
			return envelope({ ...CHAT, status: 'in_progress' });
		});
		await assert.rejects(coze.agentChatPolled({ botId: '1', userId: 'u', message: 'x' }, { totalTimeoutMs: 3000, keepEvents: false }), (error: unknown) => error instanceof CozeTimeoutError && error.runMayExist);
		assert.equal(fake.paths().at(-1), 'POST /v3/chat/cancel');
	});

	it('a cancel refused with 4104 means the chat ended meanwhile: it is read once more', async () => {
		let ended = false;
		const { coze, fake } = client((request) => {
			if (request.path === '/v3/chat/cancel') {
				ended = true;
				return { body: '{"code":4104,"msg":"chat cannot be canceled"}' };
			}
			if (request.path === '/v3/chat/message/list') return envelope([{ id: 'a', type: 'answer', role: 'assistant', content: 'Just in time' }]);
			return envelope({ ...CHAT, status: ended ? 'completed' : 'in_progress' });
		});
		const result = await coze.agentChatPolled({ botId: '1', userId: 'u', message: 'x' }, { totalTimeoutMs: 2500, keepEvents: false });
		assert.equal(result.answer, 'Just in time');
		assert.deepEqual(fake.paths().slice(-3), ['POST /v3/chat/cancel', 'GET /v3/chat/retrieve', 'GET /v3/chat/message/list']);
	});

	it('a polled chat that waits for tool outputs returns its tool calls; submitting them streams the rest', async () => {
		const { coze, fake } = client((request) => {
			if (request.path === '/v3/chat/submit_tool_outputs') return completedStream('It will rain.');
			if (request.path === '/v3/chat/message/list') return envelope([{ id: 'c', type: 'function_call', role: 'assistant', content: '{}' }]);
			return envelope({
				...CHAT,
				status: request.path === '/v3/chat' ? 'in_progress' : 'requires_action',
				required_action: { type: 'submit_tool_outputs', submit_tool_outputs: { tool_calls: [{ id: 'call-1', type: 'function', function: { name: 'rain', arguments: '{"city":"Zhengzhou"}' }, require_info: {} }] } },
			});
		});
		const waiting = await coze.agentChatPolled({ botId: '1', userId: 'u', message: 'x' }, { totalTimeoutMs: 60_000, keepEvents: false });
		assert.equal(waiting.status, 'requiresAction');
		assert.deepEqual(waiting.toolCalls, [{ id: 'call-1', type: 'function', name: 'rain', arguments: '{"city":"Zhengzhou"}' }]);
		const done = await coze.submitToolOutputs({ conversationId: CHAT.conversation_id, chatId: CHAT.id }, [{ toolCallId: 'call-1', output: '{"p":0.5}' }], STREAM);
		assert.equal(done.answer, 'It will rain.');
		const submit = fake.requests.at(-1)!;
		assert.deepEqual(submit.query, { conversation_id: CHAT.conversation_id, chat_id: CHAT.id });
		assert.deepEqual(submit.json, { tool_outputs: [{ tool_call_id: 'call-1', output: '{"p":0.5}' }], stream: true, auto_save_history: true });
	});
});

describe('CozeChatClient: chatflows', () => {
	it('sends the message as the last user message and exactly one of Bot ID and App ID', async () => {
		const { coze, fake } = client(() => completedStream('Done'));
		const result = await coze.chatflow({ workflowId: '7300000000000000001', message: 'Hi', botId: '7400000000000000001', parameters: { city: 'Beijing' }, version: 'v0.0.2', userId: 'u1', conversationId: '7500000000000000002' }, STREAM);
		assert.equal(result.answer, 'Done');
		assert.equal(fake.requests[0].path, '/v1/workflows/chat');
		assert.deepEqual(fake.requests[0].json, {
			workflow_id: '7300000000000000001',
			additional_messages: [{ role: 'user', content: 'Hi', content_type: 'text' }],
			parameters: { city: 'Beijing' },
			bot_id: '7400000000000000001',
			conversation_id: '7500000000000000002',
			workflow_version: 'v0.0.2',
			ext: { user_id: 'u1' },
		});
		await assert.rejects(coze.chatflow({ workflowId: '1', message: 'x', botId: '1', appId: '2' }, STREAM), CozeInputError);
		await assert.rejects(coze.chatflow({ workflowId: '1', message: 'x' }, STREAM), CozeInputError);
		assert.equal(fake.requests.length, 1);
	});
});

describe('CozeChatClient: conversations and agents', () => {
	it('one conversation per session: two first messages at once converge on the oldest, later look-ups use the cache', async () => {
		const conversations: Array<{ id: string; created_at: number; meta_data: Record<string, string> }> = [
			{ id: '7500000000000000050', created_at: 50, meta_data: { n8n_session: 'other' } },
		];
		let next = 100;
		const runtime = new VirtualRuntime();
		const fake = new FakeCoze(runtime, async (request) => {
			// Lets the other caller run between requests, as real I/O would.
			await new Promise((resolve) => setImmediate(resolve));
			if (request.path === '/v1/conversation/create') {
				const body = request.json as { meta_data: Record<string, string>; bot_id: string; name: string };
				assert.equal(body.bot_id, '7400000000000000001');
				assert.equal(body.name, 'n8n chat session-a');
				const conversation = { id: `75000000000000001${next}`, created_at: next++, meta_data: body.meta_data };
				conversations.push(conversation);
				return envelope(conversation);
			}
			if (request.path === '/v1/conversations') {
				assert.equal(request.query?.bot_id, '7400000000000000001');
				const newestFirst = [...conversations].sort((a, b) => b.created_at - a.created_at);
				return envelope({ conversations: newestFirst, has_more: false });
			}
			throw new Error(`unexpected ${request.path}`);
		});
		const coze = new CozeChatClient({ transport: fake, runtime, flavor: 'cloud', host: `converge-${Date.now()}.example` });
		const [a, b] = await Promise.all([
			coze.conversationForSession({ botId: '7400000000000000001', sessionId: 'session-a' }),
			coze.conversationForSession({ botId: '7400000000000000001', sessionId: 'session-a' }),
		]);
		assert.equal(a.conversationId, b.conversationId);
		assert.equal(a.conversationId, '75000000000000001100');
		assert.equal([a.created, b.created].filter(Boolean).length, 1);
		const before = fake.requests.length;
		const again = await coze.conversationForSession({ botId: '7400000000000000001', sessionId: 'session-a' });
		assert.deepEqual(again, { conversationId: a.conversationId, created: false });
		assert.equal(fake.requests.length, before);
	});

	it('lists messages with the paging Coze keeps next to data, and clears the context', async () => {
		const { coze, fake } = client((request) => {
			if (request.path === '/v1/conversation/message/list') {
				return envelope([{ id: '7500000000000000100', role: 'user', type: 'question', content: 'hi', content_type: 'text', created_at: '1716809829' }], { first_id: '7500000000000000100', last_id: '7500000000000000100', has_more: true });
			}
			return envelope({ id: '7500000000000000200', conversation_id: '7500000000000000002' });
		});
		const page = await coze.listConversationMessages('7500000000000000002', { limit: 10, order: 'asc', afterId: '7500000000000000099' });
		assert.deepEqual(page, {
			messages: [{ id: '7500000000000000100', role: 'user', type: 'question', content: 'hi', contentType: 'text', createdAt: 1716809829 }],
			hasMore: true,
			firstId: '7500000000000000100',
			lastId: '7500000000000000100',
		});
		assert.deepEqual(fake.requests[0].query, { conversation_id: '7500000000000000002' });
		assert.deepEqual(fake.requests[0].json, { order: 'asc', limit: 10, after_id: '7500000000000000099' });
		assert.deepEqual(await coze.clearConversation('7500000000000000002'), { conversationId: '7500000000000000002', sectionId: '7500000000000000200' });
		assert.equal(fake.requests[1].path, '/v1/conversations/7500000000000000002/clear');
	});

	it('lists the published agents of every workspace, page by page, filtered by name', async () => {
		const { coze, fake } = client((request) => {
			if (request.path === '/v1/workspaces') return envelope({ workspaces: [{ id: '1', name: 'Personal' }, { id: '2', name: 'Team' }], total_count: 2 });
			const workspace = String(request.query?.workspace_id);
			const page = Number(request.query?.page_num);
			const all = workspace === '1' ? Array.from({ length: 60 }, (_, i) => ({ id: `74000000000000${String(i).padStart(5, '0')}`, name: `Bot ${i}` })) : [{ id: '7400000000000099999', name: 'Helper' }];
			return envelope({ items: all.slice((page - 1) * 50, page * 50), total: all.length });
		});
		const agents = await coze.listAgentsAcrossWorkspaces();
		assert.equal(agents.length, 61);
		assert.deepEqual(agents.at(-1), { id: '7400000000000099999', name: 'Helper', workspaceId: '2', workspaceName: 'Team' });
		assert.equal(fake.requests.filter((request) => request.path === '/v1/bots').length, 3);
		assert.ok(fake.requests.filter((request) => request.path === '/v1/bots').every((request) => request.query?.publish_status === 'published_online'));
		assert.deepEqual((await coze.listAgentsAcrossWorkspaces('help')).map((agent) => agent.name), ['Helper']);
	});

	it('creates a conversation and reads it typed', async () => {
		const { coze, fake } = client(() => envelope({ id: '7500000000000000300', created_at: 1718289297, meta_data: { uuid: 'x' }, last_section_id: '7500000000000000301', connector_id: '1024', name: 'Trip' }));
		const conversation = await coze.createConversation({ botId: '7400000000000000001', name: 'Trip', metaData: { uuid: 'x' } });
		assert.deepEqual(conversation, { id: '7500000000000000300', name: 'Trip', createdAt: 1718289297, lastSectionId: '7500000000000000301', connectorId: '1024', metaData: { uuid: 'x' } });
		assert.deepEqual(fake.requests[0].json, { bot_id: '7400000000000000001', name: 'Trip', meta_data: { uuid: 'x' } });
	});
});

describe('hints for the chat codes', () => {
	it('says what to do about each code a chat meets most', () => {
		const expected: Array<[number, RegExp]> = [
			[4016, /already running in this conversation/],
			[720702204, /conversation name does not exist/i],
			[4002, /conversation is unknown/],
			[4015, /API \("Agent as API"\) channel/],
			[4006, /agent is unknown/],
			[4200, /not published/],
			[4104, /cannot be cancelled/],
			[4007, /history/],
		];
		for (const [code, pattern] of expected) assert.match(hintForCode(code) ?? '', pattern, String(code));
	});

	it('a refused parameter (4000) is explained by what was asked: a workflow, a chat, a conversation or the agent list', () => {
		const expected: Array<[string, RegExp]> = [
			['POST /v1/workflow/stream_run', /workflow inputs/],
			['POST /v1/workflows/chat', /workflow inputs/],
			['POST /v3/chat/submit_tool_outputs', /one output for each tool call/],
			['POST /v1/conversation/create', /Agent/],
			['GET /v1/conversations', /Agent/],
			['POST /v1/conversation/message/list', /Conversation ID/],
			['GET /v1/bots', /workspace/],
		];
		for (const [endpoint, pattern] of expected) assert.match(hintForCode(4000, { endpoint }) ?? '', pattern, endpoint);
		for (const [endpoint] of expected.slice(2)) assert.doesNotMatch(hintForCode(4000, { endpoint }) ?? '', /workflow inputs/, endpoint);
	});
});
