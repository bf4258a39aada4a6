import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CHAT_IDS, type CozeEmulator } from '../emulator';
import { accessTokenCredentials } from '../harness/engine';
import { agentChatParams, runAgent, withEmulator } from './helpers';

const AGENTS = CHAT_IDS.agents;

const createdConversations = (emu: CozeEmulator) => emu.requests.filter((r) => r.path === '/v1/conversation/create').length;

async function createInCoze(emu: CozeEmulator, body: Record<string, unknown>): Promise<string> {
	const response = await fetch(`${emu.baseUrl}/v1/conversation/create`, {
		method: 'POST',
		headers: { authorization: `Bearer ${emu.token}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return ((await response.json()) as { data: { id: string } }).data.id;
}

describe('Coze Agent: One per Chat Session finds the session in Coze', () => {
	it("uses the session's oldest conversation, also when it is on a later page of the listing", async () => {
		await withEmulator(async (emu) => {
			const session = { bot_id: AGENTS.memory, meta_data: { n8n_session: 'paged' } };
			const oldest = await createInCoze(emu, session);
			for (let i = 0; i < 55; i++) await createInCoze(emu, { bot_id: AGENTS.memory, meta_data: { n8n_session: `other-${i}` } });
			// A second one for the session, as two first messages that raced would leave.
			await createInCoze(emu, session);
			const before = createdConversations(emu);
			const result = await runAgent(emu, agentChatParams(AGENTS.memory, { conversation: 'session' }), { items: [{ chatInput: 'hi', sessionId: 'paged' }] });
			assert.equal(result.status, 'success', result.error?.message);
			assert.equal(result.items[0].json.conversationId, oldest);
			assert.equal(createdConversations(emu), before);
		});
	});

	it('two first messages of one session at once end in one conversation', async () => {
		await withEmulator(async (emu) => {
			const params = agentChatParams(AGENTS.memory, { conversation: 'session' });
			const [a, b] = await Promise.all(
				['first', 'second'].map(async (chatInput) => await runAgent(emu, params, { items: [{ chatInput, sessionId: 'raced' }] })),
			);
			// Both chats go to one conversation; Coze runs one chat of a conversation at a time, so the later may be refused (4016).
			const sent = new Set(emu.requests.filter((r) => r.path === '/v3/chat').map((r) => r.query.conversation_id));
			assert.equal(sent.size, 1, [...sent].join(', '));
			for (const result of [a, b]) if (result.status !== 'success') assert.match(result.error!.message, /\(4016\)/);
		});
	});
});

describe('Coze Agent: One per Chat Session when Coze no longer has the conversation', () => {
	it('a session whose conversation was deleted in Coze gets a new one, in this message and the next', async () => {
		await withEmulator(async (emu) => {
			const params = agentChatParams(AGENTS.memory, { conversation: 'session' });
			const say = async (chatInput: string) => await runAgent(emu, params, { items: [{ chatInput, sessionId: 'deleted-later' }] });
			const first = await say('remember blue');
			assert.equal(first.status, 'success', first.error?.message);
			const gone = first.items[0].json.conversationId as string;
			// Deleted in Coze, as a user may do there.
			const deleted = await fetch(`${emu.baseUrl}/v1/conversations/${gone}`, { method: 'DELETE', headers: { authorization: `Bearer ${emu.token}` } });
			assert.equal(((await deleted.json()) as { code: number }).code, 0);
			const second = await say('hello again');
			assert.equal(second.status, 'success', second.error?.message);
			assert.notEqual(second.items[0].json.conversationId, gone);
			assert.equal(createdConversations(emu), 2);
			const third = await say('and again');
			assert.equal(third.items[0].json.conversationId, second.items[0].json.conversationId);
			assert.equal(createdConversations(emu), 2);
		});
	});
});

describe('Coze Agent: One per Chat Session keeps accounts apart', () => {
	it('two Coze accounts with the same agent and session ID each have their own conversation, without a refused request', async () => {
		await withEmulator(async (emu) => {
			const params = agentChatParams(AGENTS.memory, { conversation: 'session' });
			const first = await runAgent(emu, params, { items: [{ chatInput: 'remember the red key', sessionId: 'shared-session' }] });
			assert.equal(first.status, 'success', first.error?.message);
			const other = await runAgent(emu, params, {
				items: [{ chatInput: 'what did I ask you to remember', sessionId: 'shared-session' }],
				credentials: accessTokenCredentials(emu.baseUrl, emu.tokens.secondOwner),
			});
			assert.equal(other.status, 'success', other.error?.message);
			assert.equal(other.items[0].json.answer, 'I have nothing to remember.');
			assert.notEqual(other.items[0].json.conversationId, first.items[0].json.conversationId);
			// The second account never sent the first account's conversation (Coze would refuse it with 4002).
			const sent = emu.requests.filter((r) => r.path === '/v3/chat').map((r) => r.query.conversation_id);
			assert.equal(sent.filter((id) => id === first.items[0].json.conversationId).length, 1);
		});
	});
});
