import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { agentIdOf } from '../../nodes/Coze/agent/agentId';
import { chatResultToJson } from '../../nodes/Coze/n8n/chat';
import type { CozeChatResult } from '../../nodes/Coze/protocol/chat/types';

const ID = '7480000000000000001';
const locator = (mode: string, value: unknown) => ({ __rl: true, mode, value });

describe('the Agent parameter', () => {
	it('takes an ID, or the agent URL of coze.com and coze.cn, in any mode', () => {
		assert.equal(agentIdOf(locator('id', ID)), ID);
		assert.equal(agentIdOf(locator('list', ` ${ID} `)), ID);
		assert.equal(agentIdOf(locator('url', `https://www.coze.com/space/7500000000000000001/bot/${ID}`)), ID);
		assert.equal(agentIdOf(locator('url', `https://www.coze.cn/space/7500000000000000001/bot/${ID}?tab=publish`)), ID);
		assert.equal(agentIdOf(locator('id', `https://www.coze.cn/space/1/bot/${ID}`)), ID);
		assert.equal(agentIdOf(ID), ID);
	});

	it('refuses what holds no agent ID, naming the field', () => {
		assert.throws(() => agentIdOf(locator('id', '')), /^CozeInputError: Agent is empty/);
		assert.throws(() => agentIdOf(locator('id', '12345')), /Agent must be a Coze agent ID \(19 digits\)/);
		assert.throws(() => agentIdOf(locator('url', 'https://www.coze.com/space/1/bots')), /the URL holds no agent ID/);
		// A number beyond 2^53 has lost its last digits already.
		assert.throws(() => agentIdOf(locator('id', 7480000000000000001)), /too large to be exact/);
	});
});

describe('the output item of a chat round', () => {
	const result: CozeChatResult = {
		status: 'requiresAction',
		answer: '',
		conversationId: '7600000000000000001',
		chatId: '7600000000000000002',
		followUps: [],
		toolCalls: [{ id: 'call_1', type: 'function', name: 'get_weather', arguments: '{"city":"Paris"}' }],
		messages: [{ id: '7600000000000000003', role: 'assistant', type: 'function_call', content: '{}', contentType: 'text' }],
		events: [{ event: 'conversation.chat.requires_action', data: {} }],
		notices: [],
	};

	it('has every field, IDs as strings, null where Coze sent nothing; tool calls only when waiting for them', () => {
		const json = chatResultToJson(result, { includeMessages: false, includeEvents: false });
		assert.deepEqual(json, {
			status: 'requiresAction',
			answer: '',
			conversationId: '7600000000000000001',
			chatId: '7600000000000000002',
			sectionId: null,
			usage: null,
			debugUrl: null,
			executeId: null,
			followUps: [],
			reasoning: null,
			logId: null,
			toolCalls: [{ id: 'call_1', type: 'function', name: 'get_weather', arguments: '{"city":"Paris"}' }],
		});
		const done = chatResultToJson({ ...result, status: 'succeeded' }, { includeMessages: false, includeEvents: false });
		assert.ok(!('toolCalls' in done) && !('question' in done));
	});

	it('adds messages and events only when asked', () => {
		const json = chatResultToJson(result, { includeMessages: true, includeEvents: true });
		assert.equal((json.messages as unknown[]).length, 1);
		assert.equal((json.events as unknown[]).length, 1);
	});
});
