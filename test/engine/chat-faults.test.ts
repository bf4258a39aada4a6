// How each failure of a chat round becomes a node error: Coze's code, message, log ID and hint, with
// and without continue-on-fail, and never the token.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import type { INodeParameters } from 'n8n-workflow';

import { CHAT_IDS, type CozeEmulator } from '../emulator';
import { accessTokenCredentials, runNode, type NodeRunResult } from '../harness/engine';
import { runSurfaces } from '../support/secret-surfaces';
import { fake } from './review/fake';
import { agentChatParams, chatflowParams, run, runAgent, withEmulator } from './helpers';

const AGENTS = CHAT_IDS.agents;
const FLOWS = CHAT_IDS.chatflows;
const TOKEN = `pat_CANARY_${randomBytes(12).toString('hex')}`;

interface Failure {
	name: string;
	/** Runs the failing round, with or without continue-on-fail. */
	run(emu: CozeEmulator, continueOnFail: boolean): Promise<NodeRunResult>;
	code: number;
	message: RegExp;
	hint?: RegExp;
	/** How many chats (agents) or runs (chatflows) the emulator started. */
	started: (emu: CozeEmulator) => number;
	startedCount: number;
}

const agent = (emu: CozeEmulator, params: INodeParameters, continueOnFail: boolean) => runAgent(emu, params, { items: [{ chatInput: 'hello' }], continueOnFail });
const chatflow = (emu: CozeEmulator, params: INodeParameters, continueOnFail: boolean) =>
	run(emu, params, { items: [{ chatInput: 'hello' }], continueOnFail, typeVersion: 1.1 });

/** Starts a chat of the slow agent that stays in progress, as another client would: its conversation is busy. */
async function busyConversation(emu: CozeEmulator): Promise<string> {
	emu.setKnobs({ chatSlowMs: 100_000_000 }, { times: 1, path: '/v3/chat' });
	const response = await fetch(`${emu.baseUrl}/v3/chat`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${emu.token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({
			bot_id: AGENTS.slow,
			user_id: 'other-client',
			stream: false,
			auto_save_history: true,
			additional_messages: [{ role: 'user', content: 'wait', content_type: 'text' }],
		}),
	});
	const text = await response.text();
	const match = /"conversation_id":"(\d+)"/.exec(text);
	assert.ok(match, text);
	return match[1];
}

const FAILURES: Failure[] = [
	{
		name: 'JSON envelope before the stream: unpublished agent (4015)',
		run: (emu, c) => agent(emu, agentChatParams(AGENTS.unpublished), c),
		code: 4015,
		message: /Coze refused the request \(4015\)/,
		hint: /Agent as API/,
		started: (emu) => emu.chatsStarted(),
		startedCount: 0,
	},
	{
		name: 'JSON envelope before the stream: unknown chatflow (4200)',
		run: (emu, c) => chatflow(emu, chatflowParams('7499999999999999999', { botId: AGENTS.memory }), c),
		code: 4200,
		message: /Coze refused the request \(4200\)/,
		hint: /not found or is not published/,
		started: (emu) => emu.runsStarted(),
		startedCount: 0,
	},
	{
		name: 'unknown conversation (4002)',
		run: (emu, c) => agent(emu, agentChatParams(AGENTS.echo, { conversation: 'id', conversationId: '7499999999999999998' }), c),
		code: 4002,
		message: /4002/,
		hint: /conversation is unknown/,
		started: (emu) => emu.chatsStarted(),
		startedCount: 0,
	},
	{
		name: 'a chat already running in the conversation (4016)',
		run: async (emu, c) => agent(emu, agentChatParams(AGENTS.echo, { conversation: 'id', conversationId: await busyConversation(emu) }), c),
		code: 4016,
		message: /4016/,
		hint: /already running in this conversation/,
		started: (emu) => emu.chatsStarted(AGENTS.echo),
		startedCount: 0,
	},
	{
		name: 'conversation.chat.failed with a Chat and last_error (agent)',
		run: (emu, c) => agent(emu, agentChatParams(AGENTS.fail), c),
		code: 5000,
		message: /The Coze chat failed: .*event interval error/,
		started: (emu) => emu.chatsStarted(),
		startedCount: 1,
	},
	{
		name: 'conversation.chat.failed with a string code (chatflow)',
		run: (emu, c) => chatflow(emu, chatflowParams(FLOWS.fail, { botId: AGENTS.memory }), c),
		code: 720712000,
		message: /The Coze chat failed/,
		started: (emu) => emu.runsStarted(FLOWS.fail),
		startedCount: 1,
	},
	{
		name: 'an error event in the stream',
		run: (emu, c) => {
			emu.setKnobs({ chatErrorEvent: 4013, injectAfterEvents: 2 }, { times: 1, path: '/v3/chat' });
			return agent(emu, agentChatParams(AGENTS.echo), c);
		},
		code: 4013,
		message: /The Coze chat failed/,
		started: (emu) => emu.chatsStarted(),
		startedCount: 1,
	},
];

describe('Coze chat failures become node errors, through n8n-core against the emulator', () => {
	for (const failure of FAILURES) {
		it(`${failure.name}: code, message, log ID, hint; continue-on-fail; nothing repeated; no token`, async () => {
			await withEmulator(
				async (emu) => {
					const failed = await failure.run(emu, false);
					assert.equal(failed.status, 'error');
					assert.equal(failed.error!.name, 'NodeApiError', failed.error!.message);
					assert.match(failed.error!.message, failure.message);
					assert.match(failed.error!.description ?? '', new RegExp(`Coze code ${failure.code}`));
					assert.match(failed.error!.description ?? '', /log ID [0-9A-F]{20,}/);
					if (failure.hint) assert.match(failed.error!.description ?? '', failure.hint);
					assert.equal(failure.started(emu), failure.startedCount, 'not repeated');

					const kept = await failure.run(emu, true);
					assert.equal(kept.status, 'success');
					const json = kept.items[0].json;
					assert.equal(json.code, failure.code);
					// Coze's own words, as for workflow runs; the node error above adds what and why.
					assert.ok(typeof json.error === 'string' && json.error.length > 0);
					assert.match(json.logId as string, /^[0-9A-F]{20,}$/);
					if (failure.hint) assert.match(json.hint as string, failure.hint);
					assert.deepEqual(kept.items[0].pairedItem, { item: 0 });

					for (const result of [failed, kept]) assert.ok(!runSurfaces(result).includes(TOKEN), 'the token is nowhere in the output or error');
				},
				{ token: TOKEN },
			);
		});
	}

	it('a stream that ends before the chat did fails clearly, and the chat is not sent again', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ cutAfterEvents: 2 }, { times: 1, path: '/v3/chat' });
			const result = await runAgent(emu, agentChatParams(AGENTS.echo), { items: [{ chatInput: 'x' }] });
			assert.equal(result.status, 'error');
			assert.equal(emu.chatsStarted(), 1);
			assert.equal(emu.requests.filter((r) => r.path === '/v3/chat').length, 1);
		});
	});

	it('Retry On Fail does not send a message again that may have reached the agent', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ cutAfterEvents: 2 }, { path: '/v3/chat' });
			const result = await runAgent(emu, agentChatParams(AGENTS.echo), { items: [{ chatInput: 'x' }], retryOnFail: true });
			assert.equal(result.status, 'error');
			assert.match(result.error!.message, /^Retry On Fail did not run this item again: its first try may have sent the message/);
			assert.equal(emu.requests.filter((r) => r.path === '/v3/chat').length, 1);
		});
	});

	it('an error event with empty data ({}) still fails the node, with a message that says so', async () => {
		// The emulator always sends a code; a bare server sends what Coze has been seen to send.
		const server = await fake((_req, res) => {
			res.writeHead(200, { 'content-type': 'text/event-stream', 'x-tt-logid': '20261207000000000000000000ABCDEF' });
			const chat = { id: '7600000000000000002', conversation_id: '7600000000000000001', bot_id: AGENTS.echo, status: 'created' };
			res.end(`event:conversation.chat.created\ndata:${JSON.stringify(chat)}\n\nevent:error\ndata:{}\n\n`);
		});
		try {
			for (const continueOnFail of [false, true]) {
				const result = await runNode({
					node: 'cozeAgent',
					parameters: agentChatParams(AGENTS.echo),
					items: [{ chatInput: 'x' }],
					credentials: accessTokenCredentials(server.url, TOKEN),
					continueOnFail,
				});
				assert.equal(result.status, continueOnFail ? 'success' : 'error');
				const text = continueOnFail ? String(result.items[0].json.error) : `${result.error!.message}\n${result.error!.description ?? ''}`;
				assert.match(text, /error/i);
				assert.ok(!runSurfaces(result).includes(TOKEN));
				if (continueOnFail) assert.equal(result.items[0].json.logId, '20261207000000000000000000ABCDEF');
			}
			assert.equal(server.requests.filter((r) => r.path.startsWith('/v3/chat?') || r.path === '/v3/chat').length, 2);
		} finally {
			await server.close();
		}
	});
});
