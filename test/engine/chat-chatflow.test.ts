import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { IDataObject, INodeListSearchResult, ResourceMapperFields } from 'n8n-workflow';

import { CHAT_IDS, type CozeEmulator } from '../emulator';
import { accessTokenCredentials, callEditorMethod } from '../harness/engine';
import { chatflowParams, run, withEmulator } from './helpers';

const FLOWS = CHAT_IDS.chatflows;
/** The agent a library chatflow runs in. */
const BOT = CHAT_IDS.agents.memory;

const chatRequests = (emu: CozeEmulator) => emu.requests.filter((r) => r.path === '/v1/workflows/chat');

describe('Coze Workflow: Chat with a chatflow, through n8n-core against the emulator', () => {
	it('keeps the context of one session over three turns, in one Coze conversation', async () => {
		await withEmulator(async (emu) => {
			const params = chatflowParams(FLOWS.memory, { conversation: 'session', sessionId: '={{ $json.sessionId }}', botId: BOT });
			const turns: IDataObject[] = [];
			for (const text of ['remember blue', 'hello', 'what did I ask you to remember?']) {
				const result = await run(emu, params, { items: [{ chatInput: text, sessionId: 'session-a' }], typeVersion: 1.1 });
				assert.equal(result.status, 'success', result.error?.message);
				turns.push(result.items[0].json);
			}
			assert.equal(turns[0].answer, 'OK, I will remember: blue.');
			assert.equal(turns[1].answer, 'Turn 2: hello');
			assert.equal(turns[2].answer, 'You asked me to remember: blue.');
			assert.equal(new Set(turns.map((t) => t.conversationId)).size, 1);
			for (const turn of turns) {
				assert.equal(turn.status, 'succeeded');
				assert.match(turn.conversationId as string, /^\d{19}$/);
				assert.match(turn.chatId as string, /^\d{19}$/);
				assert.match(turn.executeId as string, /^\d+$/);
				assert.match(turn.debugUrl as string, /execute_id=/);
				assert.ok(!('messages' in turn) && !('events' in turn), 'messages and events only on request');
			}
			const bodies = chatRequests(emu).map((r) => r.body as Record<string, unknown>);
			assert.ok(bodies.every((b) => b.bot_id === BOT && b.conversation_id === turns[0].conversationId));
		});
	});

	it('keeps two interleaved sessions apart', async () => {
		await withEmulator(async (emu) => {
			const params = chatflowParams(FLOWS.memory, { conversation: 'session', sessionId: '={{ $json.sessionId }}', botId: BOT });
			const say = async (sessionId: string, chatInput: string) => (await run(emu, params, { items: [{ chatInput, sessionId }], typeVersion: 1.1 })).items[0].json;
			const a1 = await say('a', 'remember apples');
			const b1 = await say('b', 'remember bananas');
			const a2 = await say('a', 'what did I ask you to remember?');
			const b2 = await say('b', 'what did I ask you to remember?');
			assert.equal(a2.answer, 'You asked me to remember: apples.');
			assert.equal(b2.answer, 'You asked me to remember: bananas.');
			assert.equal(a1.conversationId, a2.conversationId);
			assert.equal(b1.conversationId, b2.conversationId);
			assert.notEqual(a1.conversationId, b1.conversationId);
		});
	});

	it('a new conversation each time forgets; By ID continues', async () => {
		await withEmulator(async (emu) => {
			const first = (await run(emu, chatflowParams(FLOWS.memory, { botId: BOT }), { items: [{ chatInput: 'one' }], typeVersion: 1.1 })).items[0].json;
			const fresh = (await run(emu, chatflowParams(FLOWS.memory, { botId: BOT }), { items: [{ chatInput: 'two' }], typeVersion: 1.1 })).items[0].json;
			const same = (
				await run(emu, chatflowParams(FLOWS.memory, { botId: BOT, conversation: 'id', conversationId: first.conversationId as string }), {
					items: [{ chatInput: 'three' }],
					typeVersion: 1.1,
				})
			).items[0].json;
			assert.equal(first.answer, 'Turn 1: one');
			assert.equal(fresh.answer, 'Turn 1: two');
			assert.equal(same.answer, 'Turn 2: three');
			assert.equal(same.conversationId, first.conversationId);
		});
	});

	it('a question is answered by the next message of the same conversation', async () => {
		await withEmulator(async (emu) => {
			const asked = await run(emu, chatflowParams(FLOWS.question, { botId: BOT, parametersJson: '{"greeting":"Hi"}' }), {
				items: [{ chatInput: 'start' }],
				typeVersion: 1.1,
			});
			const json = asked.items[0].json;
			assert.equal(json.status, 'interrupted');
			assert.equal(json.question, 'What is your name?');
			assert.ok(asked.hints.some((h) => /same conversation/.test(h.message)));
			const answered = await run(
				emu,
				chatflowParams(FLOWS.question, { botId: BOT, parametersJson: '{"greeting":"Hi"}', conversation: 'id', conversationId: json.conversationId as string }),
				{ items: [{ chatInput: 'Ann' }], typeVersion: 1.1 },
			);
			assert.equal(answered.items[0].json.status, 'succeeded');
			assert.equal(answered.items[0].json.answer, 'Hi, Ann!');
			assert.ok(!('question' in answered.items[0].json));
		});
	});

	it('sends the Start inputs of the fields, without USER_INPUT, which is the message', async () => {
		await withEmulator(async (emu) => {
			const result = await run(
				emu,
				chatflowParams(FLOWS.question, {
					botId: BOT,
					inputMode: 'fields',
					inputs: { mappingMode: 'defineBelow', value: { greeting: 'Howdy' } },
					options: { userId: 'user-1', connectorId: '1024', workflowVersion: 'v0.0.2' },
				}),
				{ items: [{ chatInput: 'go' }], typeVersion: 1.1 },
			);
			assert.equal(result.status, 'success', result.error?.message);
			const body = chatRequests(emu)[0].body as { parameters: Record<string, unknown>; additional_messages: Array<{ content: string }> };
			assert.deepEqual(body.parameters, { greeting: 'Howdy' });
			assert.deepEqual((body as unknown as { ext: unknown }).ext, { user_id: 'user-1' });
			assert.equal((body as unknown as { connector_id: unknown }).connector_id, '1024');
			assert.equal((body as unknown as { workflow_version: unknown }).workflow_version, 'v0.0.2');
			assert.equal(body.additional_messages.at(-1)?.content, 'go');
		});
	});

	it('an app chatflow runs with App ID; an unknown conversation name fails with its hint', async () => {
		await withEmulator(async (emu) => {
			const ok = await run(emu, chatflowParams(FLOWS.app, { appId: CHAT_IDS.appId }), { items: [{ chatInput: 'hi' }], typeVersion: 1.1 });
			assert.equal(ok.items[0].json.answer, 'Turn 1: hi');
			const bad = await run(emu, chatflowParams(FLOWS.app, { appId: CHAT_IDS.appId, parametersJson: '{"CONVERSATION_NAME":"Nope"}' }), {
				items: [{ chatInput: 'hi' }],
				typeVersion: 1.1,
				continueOnFail: true,
			});
			const json = bad.items[0].json;
			assert.equal(json.code, 720702204);
			assert.match(json.hint as string, /conversation/i);
		});
	});

	it('refuses bad input before sending anything, naming the fields', async () => {
		await withEmulator(async (emu) => {
			const both = await run(emu, chatflowParams(FLOWS.memory, { botId: BOT, appId: CHAT_IDS.appId }), { items: [{ chatInput: 'x' }], typeVersion: 1.1 });
			assert.match(both.error!.message, /Bot ID.*App ID/);
			const neither = await run(emu, chatflowParams(FLOWS.memory), { items: [{ chatInput: 'x' }], typeVersion: 1.1 });
			assert.match(neither.error!.message, /Bot ID or App ID/);
			const session = await run(emu, chatflowParams(FLOWS.app, { appId: CHAT_IDS.appId, conversation: 'session', sessionId: 's1' }), {
				items: [{ chatInput: 'x' }],
				typeVersion: 1.1,
			});
			assert.match(session.error!.message, /needs Bot ID/);
			const empty = await run(emu, chatflowParams(FLOWS.memory, { botId: BOT }), { items: [{}], typeVersion: 1.1 });
			assert.match(empty.error!.message, /Message is empty/);
			const noSession = await run(emu, chatflowParams(FLOWS.memory, { botId: BOT, conversation: 'session' }), { items: [{ chatInput: 'x' }], typeVersion: 1.1 });
			assert.match(noSession.error!.message, /Session ID is empty/);
			assert.equal(chatRequests(emu).length, 0);
		});
	});

	it('lists only chatflows, marked, for Chat, and no chatflow for Run; Chat inputs leave out USER_INPUT', async () => {
		await withEmulator(async (emu) => {
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			const list = async (operation: string) => {
				const names: string[] = [];
				let token: string | undefined;
				do {
					const page = (await callEditorMethod({
						node: 'cozeWorkflow',
						kind: 'listSearch',
						method: 'searchWorkflows',
						parameters: { operation },
						credentials,
						args: [undefined, token],
					})) as INodeListSearchResult;
					names.push(...page.results.map((r) => `${r.value} ${r.name}`));
					token = page.paginationToken as string | undefined;
				} while (token);
				return names;
			};
			const chatflows = await list('chat');
			assert.ok(chatflows.some((n) => n.startsWith(FLOWS.memory) && n.includes('(chatflow)')), chatflows.join('\n'));
			assert.ok(chatflows.every((n) => n.includes('(chatflow)')));
			const workflows = await list('run');
			assert.ok(workflows.length > 0 && !workflows.some((n) => n.startsWith(FLOWS.memory) || n.includes('(chatflow)')));
			const mapper = (await callEditorMethod({
				node: 'cozeWorkflow',
				kind: 'resourceMapping',
				method: 'getWorkflowInputs',
				parameters: { operation: 'chat', workflowId: { __rl: true, mode: 'id', value: FLOWS.question } },
				credentials,
			})) as ResourceMapperFields;
			assert.deepEqual(
				mapper.fields.map((f) => f.id),
				['greeting'],
			);
		});
	});

	it('streams the answers of the Output nodes live, in order, with Stream to Response', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, chatflowParams(FLOWS.twoOutputs, { botId: BOT }), { items: [{ chatInput: 'abc' }], typeVersion: 1.1, streaming: true });
			assert.equal(result.status, 'success', result.error?.message);
			const types = result.chunks.map((c) => c.type);
			assert.equal(types[0], 'begin');
			assert.equal(types.at(-1), 'end');
			assert.ok(types.slice(1, -1).every((t) => t === 'item'));
			assert.equal(
				result.chunks
					.filter((c) => c.type === 'item')
					.map((c) => c.content)
					.join(''),
				'First output: abcSecond output: abc',
			);
			assert.equal(result.items[0].json.answer, 'First output: abc\n\nSecond output: abc');
			const quiet = await run(emu, chatflowParams(FLOWS.twoOutputs, { botId: BOT }), { items: [{ chatInput: 'abc' }], typeVersion: 1.1 });
			assert.equal(quiet.chunks.length, 0, 'no chunks when the execution does not stream');
		});
	});
});
