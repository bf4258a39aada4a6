import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import { CHAT_IDS, type CozeEmulator } from '../emulator';
import { accessTokenCredentials, nodeUnderTest, runWorkflow } from '../harness/engine';
import { waitFor } from '../support/wait';
import { agentChatParams, byId, byUrl, runAgent, searchAgents, withEmulator } from './helpers';

const AGENTS = CHAT_IDS.agents;

const bodiesOf = (emu: CozeEmulator, path: string) => emu.requests.filter((r) => r.path === path).map((r) => r.body as Record<string, unknown>);

describe('Coze Agent: Chat, through n8n-core against the emulator', () => {
	it('streams an answer: IDs as strings, usage, no messages or events unless asked', async () => {
		await withEmulator(async (emu) => {
			const result = await runAgent(emu, agentChatParams(AGENTS.echo), { items: [{ chatInput: 'hello there' }] });
			assert.equal(result.status, 'success', result.error?.message);
			const json = result.items[0].json;
			assert.equal(json.status, 'succeeded');
			assert.equal(json.answer, 'You said: hello there');
			assert.match(json.conversationId as string, /^\d{19}$/);
			assert.match(json.chatId as string, /^\d{19}$/);
			assert.ok(!('messages' in json) && !('events' in json) && !('toolCalls' in json) && !('question' in json));
			assert.deepEqual(result.items[0].pairedItem, { item: 0 });
			const withAll = await runAgent(emu, agentChatParams(AGENTS.echo, { options: { includeMessages: true, includeEvents: true } }), {
				items: [{ chatInput: 'hi' }],
			});
			const all = withAll.items[0].json;
			assert.ok((all.messages as IDataObject[]).some((m) => m.type === 'answer' && m.content === 'You said: hi'));
			assert.ok((all.events as IDataObject[]).some((e) => e.event === 'conversation.chat.completed'));
		});
	});

	it('polls for the answer in Poll mode', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ asyncPollsUntilDone: 1 }, { times: 1, path: '/v3/chat' });
			const result = await runAgent(emu, agentChatParams(AGENTS.echo, { mode: 'poll' }), { items: [{ chatInput: 'by poll' }] });
			assert.equal(result.status, 'success', result.error?.message);
			assert.equal(result.items[0].json.answer, 'You said: by poll');
			assert.equal(bodiesOf(emu, '/v3/chat')[0].stream, false);
			assert.ok(emu.requests.some((r) => r.path === '/v3/chat/retrieve'));
			assert.ok(emu.requests.some((r) => r.path === '/v3/chat/message/list'));
		});
	});

	it("the user ID is the item's session, else one for the n8n workflow, else as entered", async () => {
		await withEmulator(async (emu) => {
			await runAgent(emu, agentChatParams(AGENTS.echo), { items: [{ chatInput: 'a', sessionId: 'sess-42' }] });
			await runAgent(emu, agentChatParams(AGENTS.echo), { items: [{ chatInput: 'b' }] });
			await runAgent(emu, agentChatParams(AGENTS.echo, { userId: 'user-7' }), { items: [{ chatInput: 'c', sessionId: 'sess-42' }] });
			assert.deepEqual(
				bodiesOf(emu, '/v3/chat').map((b) => b.user_id),
				['sess-42', 'n8n-wf-test', 'user-7'],
			);
		});
	});

	it('remembers per session, in Coze conversations found again by the session ID', async () => {
		await withEmulator(async (emu) => {
			const params = agentChatParams(AGENTS.memory, { conversation: 'session' });
			const say = async (sessionId: string, chatInput: string) => (await runAgent(emu, params, { items: [{ chatInput, sessionId }] })).items[0].json;
			assert.equal((await say('x', 'remember red')).answer, 'OK, I will remember: red.');
			assert.equal((await say('y', 'remember green')).answer, 'OK, I will remember: green.');
			assert.equal((await say('x', 'what did I ask you to remember?')).answer, 'You asked me to remember: red.');
			assert.equal((await say('y', 'what did I ask you to remember?')).answer, 'You asked me to remember: green.');
			assert.equal(bodiesOf(emu, '/v1/conversation/create').length, 2);
		});
	});

	it('finds the agent by URL, and lists the agents for the picker', async () => {
		await withEmulator(async (emu) => {
			const url = `https://www.coze.com/space/7500000000000000001/bot/${AGENTS.echo}`;
			const result = await runAgent(emu, { ...agentChatParams(AGENTS.echo), agentId: byUrl(url) }, { items: [{ chatInput: 'u' }] });
			assert.equal(result.items[0].json.answer, 'You said: u');
			// n8n checks the By ID pattern before the execution starts.
			await assert.rejects(
				runAgent(emu, { ...agentChatParams(AGENTS.echo), agentId: byId('12345') }, { items: [{ chatInput: 'u' }] }),
				/An agent ID has 19 digits/,
			);
			const badUrl = await runAgent(
				emu,
				{ ...agentChatParams(AGENTS.echo), agentId: byId('={{ "https://www.coze.com/space/1/bots" }}') },
				{ items: [{ chatInput: 'u' }] },
			);
			assert.match(badUrl.error!.message, /the URL holds no agent ID/);
			const list = await searchAgents(emu, 'memory');
			assert.deepEqual(
				list.results.map((r) => r.value),
				[AGENTS.memory],
			);
		});
	});

	it('tool calls: requiresAction, then Submit Tool Outputs (filled in from the item) gives the answer', async () => {
		await withEmulator(async (emu) => {
			const credentialTypes = ['cozeAccessTokenApi'];
			const chat = nodeUnderTest('cozeAgent', agentChatParams(AGENTS.tools), credentialTypes, { id: 'a', name: 'Chat' });
			const submit = nodeUnderTest(
				'cozeAgent',
				{
					operation: 'submitToolOutputs',
					conversationId: '={{ $json.conversationId }}',
					chatId: '={{ $json.chatId }}',
					toolOutputs: { values: [{ toolCallId: '={{ $json.toolCalls[0].id }}', output: 'sunny, 21 °C' }] },
					options: {},
				},
				credentialTypes,
				{ id: 'b', name: 'Submit' },
			);
			const result = await runWorkflow({
				workflow: { nodes: [chat, submit], connections: { Chat: { main: [[{ node: 'Submit', type: 'main', index: 0 }]] } } },
				startNode: 'Chat',
				items: [{ chatInput: 'Paris' }],
				credentials: accessTokenCredentials(emu.baseUrl, emu.token),
			});
			assert.equal(result.status, 'success', result.error?.message);
			const asked = result.items.Chat[0].json;
			assert.equal(asked.status, 'requiresAction');
			const calls = asked.toolCalls as Array<{ id: string; name: string; arguments: string }>;
			assert.equal(calls[0].name, 'get_weather');
			assert.deepEqual(JSON.parse(calls[0].arguments), { city: 'Paris' });
			const answered = result.items.Submit[0].json;
			assert.equal(answered.status, 'succeeded');
			assert.equal(answered.answer, 'Weather: sunny, 21 °C');
			assert.equal(answered.chatId, asked.chatId);
			assert.deepEqual(bodiesOf(emu, '/v3/chat/submit_tool_outputs')[0].tool_outputs, [{ tool_call_id: calls[0].id, output: 'sunny, 21 °C' }]);
		});
	});

	it('streams only answer text into the response, in order, begin to end', async () => {
		await withEmulator(async (emu) => {
			const result = await runAgent(emu, agentChatParams(AGENTS.rich), { items: [{ chatInput: 'tell me' }], streaming: true });
			assert.equal(result.status, 'success', result.error?.message);
			const chunks = result.chunks;
			assert.equal(chunks[0].type, 'begin');
			assert.equal(chunks.at(-1)?.type, 'end');
			const items = chunks.filter((c) => c.type === 'item');
			assert.ok(items.length > 2, 'the answer arrived in pieces');
			const json = result.items[0].json;
			// Two answers are joined by a blank line in the item; live, their deltas simply follow each other.
			assert.equal(items.map((c) => c.content).join(''), (json.answer as string).replace('\n\n', ''));
			// The round also had reasoning, a tool call and follow-ups: none of it is in the chunks above.
			assert.ok((json.reasoning as string).length > 0 && (json.followUps as string[]).length === 3);
			const off = await runAgent(emu, agentChatParams(AGENTS.rich, { options: { streamToResponse: false } }), {
				items: [{ chatInput: 'x' }],
				streaming: true,
			});
			assert.equal(off.chunks.length, 0);
		});
	});

	it('Create Conversation, List Messages and Clear Context', async () => {
		await withEmulator(async (emu) => {
			const created = await runAgent(
				emu,
				{
					operation: 'createConversation',
					agentId: byId(AGENTS.memory),
					options: { name: 'Support', metadata: { values: [{ key: 'team', value: 'blue' }] } },
				},
				{ items: [{}] },
			);
			const conversationId = created.items[0].json.conversationId as string;
			assert.match(conversationId, /^\d{19}$/);
			assert.deepEqual(created.items[0].json.metaData, { team: 'blue' });
			const said = await runAgent(emu, agentChatParams(AGENTS.memory, { conversation: 'id', conversationId }), {
				items: [{ chatInput: 'remember tea' }],
			});
			assert.equal(said.items[0].json.conversationId, conversationId);
			const listed = await runAgent(emu, { operation: 'listMessages', conversationId, limit: 10, order: 'asc' }, { items: [{}] });
			const messages = listed.items[0].json.messages as Array<{ role: string; content: string }>;
			assert.deepEqual(
				messages.filter((m) => m.role === 'user').map((m) => m.content),
				['remember tea'],
			);
			const cleared = await runAgent(emu, { operation: 'clearContext', conversationId }, { items: [{}] });
			assert.equal(cleared.items[0].json.conversationId, conversationId);
			assert.match(cleared.items[0].json.sectionId as string, /^\d+$/);
			const after = await runAgent(emu, agentChatParams(AGENTS.memory, { conversation: 'id', conversationId }), {
				items: [{ chatInput: 'what did I ask you to remember?' }],
			});
			assert.equal(after.items[0].json.answer, 'I have nothing to remember.');
		});
	});

	it('asks Coze to cancel the chat when the execution is stopped', async () => {
		await withEmulator(async (emu) => {
			// The slow agent stays in progress until cancelled.
			emu.setKnobs({ chatSlowMs: 100_000_000 });
			// Polling knows the chat ID once the chat is started; the first retrieve proves it.
			const started = waitFor(
				'the first poll of the chat',
				30_000,
				() => (emu.requests.some((r) => r.path === '/v3/chat/retrieve') ? true : undefined),
				20,
			);
			const result = await runAgent(emu, agentChatParams(AGENTS.slow, { mode: 'poll' }), {
				items: [{ chatInput: 'wait' }],
				cancelOn: started,
				continueOnFail: false,
			});
			assert.notEqual(result.status, 'success');
			const cancel = await waitFor('the cancel request', 30_000, () => bodiesOf(emu, '/v3/chat/cancel')[0], 20);
			const chat = bodiesOf(emu, '/v3/chat')[0];
			assert.equal(chat.bot_id, AGENTS.slow);
			assert.ok(cancel.chat_id && cancel.conversation_id, JSON.stringify(cancel));
			assert.equal(emu.requests.filter((r) => r.path === '/v3/chat').length, 1);
		});
	});

	it('asks Coze to cancel a streamed chat when the execution is stopped mid-answer', async () => {
		await withEmulator(async (emu) => {
			// The answer drips: the first piece proves the chat ID is known (it comes first), and the rest takes seconds.
			emu.setKnobs({ dripBytes: 16, dripIntervalMs: 20 }, { times: 1, path: '/v3/chat' });
			let firstPiece!: () => void;
			const answering = new Promise<void>((resolve) => (firstPiece = resolve));
			const result = await runAgent(emu, agentChatParams(AGENTS.rich), {
				items: [{ chatInput: 'tell me' }],
				streaming: true,
				onChunk: (chunk) => chunk.type === 'item' && firstPiece(),
				cancelOn: answering,
			});
			assert.notEqual(result.status, 'success');
			const cancel = await waitFor('the cancel request', 30_000, () => bodiesOf(emu, '/v3/chat/cancel')[0], 20);
			assert.match(cancel.chat_id as string, /^\d{19}$/);
			assert.equal(emu.chatsStarted(), 1);
			// Cancelled while it was answering, not after its stream had ended (which Coze would refuse with 4104).
			const retrieved = await fetch(
				`${emu.baseUrl}/v3/chat/retrieve?conversation_id=${String(cancel.conversation_id)}&chat_id=${String(cancel.chat_id)}`,
				{
					headers: { Authorization: `Bearer ${emu.token}` },
				},
			);
			assert.match(await retrieved.text(), /"status":"canceled"/);
		});
	});
});
