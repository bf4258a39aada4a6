import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CHAT_IDS, type CozeEmulator } from '../emulator';
import { agentChatParams, runAgent, withEmulator } from './helpers';

const AGENTS = CHAT_IDS.agents;

const createdConversations = (emu: CozeEmulator) => emu.requests.filter((r) => r.path === '/v1/conversation/create').length;

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
