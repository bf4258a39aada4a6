import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CHAT_IDS } from '../emulator';
import { agentChatParams, runAgent, searchAgents, withEmulator } from './helpers';

const TOKEN = 'pat_echoedSecretToken0123456789';
/** Coze's answer when it echoes the request's authorization, as a proxy or a verbose error might. */
const echoing = JSON.stringify({ code: 4000, msg: `bad request: header Authorization: Bearer ${TOKEN} token=${TOKEN}` });

describe('Coze answers that echo the token', () => {
	it('never show it: not in a chat error, not in the agent picker', async () => {
		await withEmulator(
			async (emu) => {
				emu.setKnobs({ httpStatus: 400, httpBody: echoing }, { times: 1, path: '/v3/chat' });
				const chat = await runAgent(emu, agentChatParams(CHAT_IDS.agents.echo), { items: [{ chatInput: 'x' }] });
				assert.equal(chat.status, 'error');
				assert.ok(!JSON.stringify([chat.error?.message, chat.error?.description]).includes(TOKEN), chat.error?.message);

				emu.setKnobs({ httpStatus: 400, httpBody: echoing }, { times: 1, path: '/v1/bots' });
				const picked = searchAgents(emu, '');
				await assert.rejects(picked, (error: Error) => {
					assert.match(error.message, /bad request/);
					assert.ok(!error.message.includes(TOKEN), error.message);
					return true;
				});
			},
			{ token: TOKEN },
		);
	});
});

describe('hints of agent requests', () => {
	it('a refused Submit Tool Outputs says what to check in it, not in a workflow', async () => {
		await withEmulator(async (emu) => {
			const asked = await runAgent(emu, agentChatParams(CHAT_IDS.agents.tools), { items: [{ chatInput: 'Paris' }] });
			const { conversationId, chatId } = asked.items[0].json;
			const submit = {
				operation: 'submitToolOutputs',
				conversationId,
				chatId,
				toolOutputs: { values: [{ toolCallId: 'not-asked-for', output: 'x' }] },
				options: {},
			};
			const refused = await runAgent(emu, submit as never, { items: [{}], continueOnFail: true });
			const json = refused.items[0].json;
			assert.equal(json.code, 4000);
			assert.doesNotMatch(json.hint as string, /workflow|App ID/);
			assert.match(json.hint as string, /tool call/);
		});
	});
});

describe('Submit Tool Outputs input', () => {
	it('refuses a tool call ID that arrived as a number too large to be exact, before sending anything', async () => {
		await withEmulator(async (emu) => {
			const submit = {
				operation: 'submitToolOutputs',
				conversationId: '7400000000000000300',
				chatId: '7400000000000000400',
				toolOutputs: { values: [{ toolCallId: '={{ 7400000000000000123 }}', output: 'x' }] },
				options: {},
			};
			const refused = await runAgent(emu, submit as never, { items: [{}] });
			assert.match(refused.error!.message, /Tool Call ID.*too large to be exact/);
			assert.equal(emu.requests.filter((r) => r.path === '/v3/chat/submit_tool_outputs').length, 0);
		});
	});
});
