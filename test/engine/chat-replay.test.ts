// The chat streams recorded by the official SDKs and shown in Coze's docs, replayed byte for byte by
// the emulator through the Coze Agent node (chats, tool outputs) and the Coze Workflow node's Chat
// (chatflows): whole events, random small writes and 1-byte drips give the same item, or the same
// error, and the same live answer text.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { CHAT_RECORDINGS, startEmulator, type ChatRecording, type CozeEmulator, type Knobs, type RecordedRequest } from '../emulator';
import type { NodeRunResult } from '../harness/engine';
import { agentChatParams, chatflowParams, run, runAgent, TIME_SCALE } from './helpers';

const A_CONVERSATION = '7400000000000000001';
const A_BOT = '7400000000000000002';

const PATHS = { chat: '/v3/chat', submitToolOutputs: '/v3/chat/submit_tool_outputs', workflowsChat: '/v1/workflows/chat' } as const;

/** The node run that asks the emulator for this recording. */
async function replay(emu: CozeEmulator, recorded: ChatRecording, options: { streaming: boolean; continueOnFail: boolean }): Promise<NodeRunResult> {
	switch (recorded.endpoint) {
		case 'chat':
			return await runAgent(emu, agentChatParams(recorded.id), { items: [{ chatInput: 'What day is 2024-10-01?' }], ...options });
		case 'submitToolOutputs': {
			const parameters: INodeParameters = {
				operation: 'submitToolOutputs',
				conversationId: A_CONVERSATION,
				chatId: recorded.id,
				toolOutputs: { values: [{ toolCallId: 'call-1', output: '{"probability":0.5}' }] },
				options: {},
			};
			return await runAgent(emu, parameters, { items: [{}], ...options });
		}
		case 'workflowsChat':
			return await run(emu, chatflowParams(recorded.id, { botId: A_BOT }), { items: [{ chatInput: 'Tell me a joke' }], typeVersion: 1.1, ...options });
	}
}

// ---- what each recording must give -----------------------------------------------------------

const NO_EXTRAS = { debugUrl: null, executeId: null, followUps: [], reasoning: null };
const WEEKDAY = {
	status: 'succeeded',
	answer: '2024 年 10 月 1 日是星期三。',
	conversationId: '7381473525342978089',
	chatId: '7382159487131697202',
	sectionId: null,
	usage: { token_count: 633, output_count: 19, input_count: 614 },
	...NO_EXTRAS,
};
const LUNCH_QUESTION = {
	status: 'interrupted',
	answer: '中午吃啥了',
	question: '中午吃啥了',
	conversationId: '456',
	chatId: '120',
	sectionId: '789',
	usage: null,
	executeId: '74449256856',
	followUps: [],
	reasoning: null,
};
const JOKE =
	'那我给你讲个会冒冷气的笑话哦！从前有只小企鹅问妈妈："为什么我们住在南极呀？"妈妈摸着它的圆脑袋说："因为这里有好多好多鱼呀~"小企鹅眨巴眨巴眼睛："可是北极熊住在北极也有鱼呀！"妈妈突然把翅膀搭在它肩上，压低声音说："傻孩子...因为如果我们搬到北极，就会变成\'北极大企鹅\'啦！"';

interface Failure {
	name: 'NodeApiError' | 'NodeOperationError';
	message: string;
	/** The description, with `<log>` for the log ID of the answer. */
	description: string;
	/** The item with continue-on-fail, with `<log>` for the log ID of the answer. */
	item: IDataObject;
}

interface Expected {
	/** The output item without logId (which is the answer's X-Tt-Logid). */
	item?: IDataObject;
	failure?: Failure;
	/** The text of the answer deltas, which n8n's streaming response gets piece by piece. */
	live: string;
}

const STREAM_ENDED_OPEN = 'The chat stream ended before the chat finished.';
const streamEndedSilently = (chatId: string, conversationId: string): string =>
	`Coze ended the chat stream without saying how the chat ended. Chat ID ${chatId}, conversation ID ${conversationId}: check the conversation in Coze before sending the message again.`;
const apiFailure = (message: string, code: number | null, hint: string | null): Failure => ({
	name: 'NodeApiError',
	message: `The Coze chat failed: ${message}`,
	description: [hint, `${code === null ? '' : `Coze code ${code}, `}HTTP 200, log ID <log>`].filter(Boolean).join('\n'),
	item: { error: message, code, httpStatus: 200, logId: '<log>', debugUrl: null, executeId: null, hint },
});
const operationFailure = (message: string, events: number, chat?: { conversationId: string; chatId: string }): Failure => ({
	name: 'NodeOperationError',
	message,
	description: `${events} ${events === 1 ? 'event had' : 'events had'} arrived before the stream ended.`,
	item: { error: message, ...chat },
});

const EXPECTED: Record<string, Expected> = {
	// The recorded deltas leave out the middle of the answer ("2", "0", …, "星期三", "。").
	'py-chat-text-stream': { item: WEEKDAY, live: '20星期三。' },
	'doc-agent-chat': { item: WEEKDAY, live: '20星期三。' },
	'py-chat-audio-stream': {
		item: {
			status: 'succeeded',
			answer: 'delta text',
			conversationId: 'conversation_id',
			chatId: 'chat_id',
			sectionId: 'conversation_id',
			usage: { token_count: 115, output_count: 24, input_count: 91 },
			...NO_EXTRAS,
		},
		live: 'delta text',
	},
	'py-chat-failed': { failure: apiFailure('event interval error', 5000, null), live: '' },
	'py-chat-error': { failure: apiFailure('Coze reported an error in the chat stream without saying which', null, null), live: '' },
	'py-chat-invalid': { failure: operationFailure(STREAM_ENDED_OPEN, 1), live: '' },
	'go-stream-chat': {
		failure: operationFailure(streamEndedSilently('chat1', 'test_conversation_id1'), 3, { conversationId: 'test_conversation_id1', chatId: 'chat1' }),
		live: 'Hello',
	},
	'go-stream-submit-tool-outputs': {
		failure: operationFailure(streamEndedSilently('chat1', 'test_conversation_id'), 3, { conversationId: 'test_conversation_id', chatId: 'chat1' }),
		live: 'Processing tool output',
	},
	// Its deltas spell the percent sign in LaTeX; the completed answer does not.
	'doc-submit-tool-outputs': {
		item: {
			status: 'succeeded',
			answer: '河南的降水概率为50%。',
			conversationId: '7434368393420996671',
			chatId: '7434369946098090003',
			sectionId: null,
			usage: { token_count: 140, output_count: 11, input_count: 129 },
			debugUrl: null,
			executeId: null,
			followUps: ['影响河南降水概率的因素有哪些？', '河南的降水概率和其他地区相比如何？', '如何查询河南未来几天的降水概率？'],
			reasoning: null,
		},
		live: '河南的降水概率为50$\\%$。',
	},
	'py-workflows-chat-stream': {
		item: {
			status: 'succeeded',
			answer: "I'm fine, thank you. How about you?",
			conversationId: 'conv_111111111',
			chatId: 'id_1111',
			sectionId: 'conv_111111111',
			usage: { token_count: 32, output_count: 11, input_count: 21 },
			...NO_EXTRAS,
			debugUrl: 'https://www.coze.cn/work_flow?execute_id=execute_1111&space_id=space_111&workflow_id=workflow_1111',
		},
		live: "I'm fine, thank you. How about you?",
	},
	// The last delta lacks the completed answer's closing quotes.
	'doc-chatflow-success': {
		item: {
			status: 'succeeded',
			answer: JOKE,
			conversationId: '75598599835687*****',
			chatId: '75598600924738*****',
			sectionId: '75598599835687*****',
			usage: { token_count: 1736, output_count: 498, input_count: 1238 },
			debugUrl: 'https://www.coze.cn/work_flow?execute_id=75598600951038*****&space_id=74982048832804*****&workflow_id=75228046974940*****&execute_mode=2',
			executeId: '75598600951038',
			followUps: [],
			reasoning: null,
		},
		live: JOKE.replace("企鹅'啦！\"", "企鹅啦！"),
	},
	'doc-chatflow-interrupt': {
		item: { ...LUNCH_QUESTION, debugUrl: 'https://www.coze.cn/work_flow?execute_id=74449256856****&space_id=7442165654356*****&workflow_id=744224337778*****' },
		live: '中午吃啥了',
	},
	// requires_action with a reply_message placeholder: a chatflow's question, never tool calls.
	'doc-chatflow-interrupt-studio-tail': {
		item: { ...LUNCH_QUESTION, debugUrl: 'http://{{HOST}}/work_flow?execute_id=74449256856****&space_id=7442165654356*****&workflow_id=744224337778*****' },
		live: '中午吃啥了',
	},
	'doc-chatflow-failed': {
		failure: apiFailure(
			'会话名不存在',
			720702204,
			'The conversation name does not exist. App chatflows need a conversation that exists in the app (or a Conversation ID); library chatflows need a Bot ID.',
		),
		live: '',
	},
};

// ---- how the bytes are written ---------------------------------------------------------------

interface WritePattern {
	name: string;
	knobs(body: Buffer): Partial<Knobs>;
}

/** Bodies past this size are dripped byte by byte except inside their longest line (a base64 audio chunk), to keep the run short. */
const WHOLE_DRIP_LIMIT = 16 * 1024;

/** Writes of one byte each; a long body's longest line in pieces of about 4 KB. */
function oneByteWrites(body: Buffer): Partial<Knobs> {
	if (body.length <= WHOLE_DRIP_LIMIT) return { dripBytes: 1, dripIntervalMs: 0 };
	let longest = { start: 0, end: 0 };
	for (let start = 0; start < body.length; ) {
		const newline = body.indexOf(0x0a, start);
		const end = newline === -1 ? body.length : newline;
		if (end - start > longest.end - longest.start) longest = { start, end };
		start = end + 1;
	}
	const offsets: number[] = [];
	for (let at = 1; at < body.length; at += at > longest.start && at < longest.end - 4096 ? 4096 : 1) offsets.push(at);
	return { writeBoundaries: offsets, dripIntervalMs: 0 };
}

const PATTERNS: WritePattern[] = [
	{ name: 'one write per event', knobs: () => ({}) },
	...[1, 2, 3].map((seed) => ({ name: `random writes (seed ${seed})`, knobs: () => ({ writeBoundaries: 'random' as const, boundarySeed: seed, dripIntervalMs: 0 }) })),
	{ name: '1-byte writes', knobs: oneByteWrites },
];

/** Write offsets that fall inside a multi-byte UTF-8 character (before a continuation byte). */
function splitsInsideCharacters(body: Buffer, writes: number[]): number {
	let offset = 0;
	let inside = 0;
	for (const size of writes.slice(0, -1)) {
		offset += size;
		if (((body[offset] ?? 0) & 0xc0) === 0x80) inside += 1;
	}
	return inside;
}

// ---- the replays -----------------------------------------------------------------------------

const withLog = (text: string, logId: string): string => text.replace('<log>', logId);

function assertOutcome(result: NodeRunResult, expected: Expected, request: RecordedRequest, continueOnFail: boolean, label: string): void {
	if (expected.item) {
		assert.equal(result.status, 'success', `${label}: ${result.error?.message}`);
		assert.equal(result.items.length, 1, label);
		const { logId, ...item } = result.items[0].json;
		assert.deepEqual(item, expected.item, label);
		assert.equal(logId, request.logId, label);
		return;
	}
	const failure = expected.failure!;
	if (continueOnFail) {
		assert.equal(result.status, 'success', label);
		const item = Object.fromEntries(Object.entries(failure.item).map(([key, value]) => [key, typeof value === 'string' ? withLog(value, request.logId) : value]));
		assert.deepEqual(result.items[0].json, item, label);
		assert.deepEqual(result.items[0].pairedItem, { item: 0 }, label);
		return;
	}
	assert.equal(result.status, 'error', label);
	assert.equal(result.error!.name, failure.name, label);
	assert.equal(result.error!.message, failure.message, label);
	assert.equal(result.error!.description, withLog(failure.description, request.logId), label);
}

/** The live answer: `begin`, the pieces, `end`, whatever the outcome. */
function assertLive(result: NodeRunResult, expected: string, label: string): void {
	const answer = result.chunks.filter((chunk) => chunk.type !== 'error');
	if (expected === '') return assert.deepEqual(answer, [], label);
	assert.equal(answer[0]?.type, 'begin', label);
	assert.equal(answer.at(-1)?.type, 'end', label);
	const pieces = answer.slice(1, -1);
	assert.ok(pieces.every((chunk) => chunk.type === 'item'), label);
	assert.equal(pieces.map((chunk) => chunk.content).join(''), expected, label);
}

describe('recorded chat streams through the nodes, in any write sizes', () => {
	let emu: CozeEmulator;
	before(async () => {
		emu = await startEmulator({ timeScale: TIME_SCALE });
	});
	after(() => emu.close());

	/** The writes of each random or 1-byte replay above (the tests of a suite run in order), to see where they split the bytes. */
	const splitWrites: Array<{ recorded: ChatRecording; pattern: string; writes: number[] }> = [];

	for (const recorded of CHAT_RECORDINGS) {
		const expected = EXPECTED[recorded.name];
		it(`${recorded.name} (${PATHS[recorded.endpoint]}): the same ${expected?.item ? 'item' : 'error'} and live text in every write pattern`, async () => {
			assert.ok(expected, `no expectation for ${recorded.name}`);
			const body = recorded.body();
			for (const pattern of PATTERNS) {
				for (const continueOnFail of expected.failure ? [false, true] : [false]) {
					const label = `${pattern.name}${continueOnFail ? ', continue on fail' : ''}`;
					const seen = emu.requests.length;
					emu.setKnobs(pattern.knobs(body), { times: 1, path: PATHS[recorded.endpoint] });
					const result = await replay(emu, recorded, { streaming: !continueOnFail, continueOnFail });
					const sent = emu.requests.slice(seen);
					const asked = sent.filter((r) => r.path === PATHS[recorded.endpoint]);
					// Sent once, never repeated; nothing to cancel: each stream said the chat was over or ended.
					assert.equal(asked.length, 1, `${label}: ${sent.map((r) => r.path).join(', ')}`);
					assert.ok(!sent.some((r) => r.path === '/v3/chat/cancel'), label);
					const request = asked[0];
					assert.equal(request.writes.reduce((a, b) => a + b, 0), body.length, `${label}: the whole recording was written`);
					assertOutcome(result, expected, request, continueOnFail, label);
					if (!continueOnFail) assertLive(result, expected.live, label);
					if (pattern.name !== PATTERNS[0].name && !continueOnFail) splitWrites.push({ recorded, pattern: pattern.name, writes: request.writes });
				}
			}
		});
	}

	it('the small writes split recordings inside UTF-8 characters, at random and in drips', () => {
		const inside = (pattern: (name: string) => boolean) =>
			splitWrites.filter((replayed) => pattern(replayed.pattern)).map((replayed) => ({ name: replayed.recorded.name, splits: splitsInsideCharacters(replayed.recorded.body(), replayed.writes) }));
		const random = inside((name) => name.startsWith('random'));
		const drips = inside((name) => name === '1-byte writes');
		assert.equal(drips.length, CHAT_RECORDINGS.length);
		assert.ok(
			random.some((replayed) => replayed.splits > 0),
			'some random write falls inside a character',
		);
		// Every recording with Chinese text has each of its characters split in the drip.
		const nonAscii = CHAT_RECORDINGS.filter((recorded) => recorded.body().some((byte) => byte >= 0x80)).map((recorded) => recorded.name);
		assert.ok(nonAscii.length >= 7, nonAscii.join(', '));
		for (const name of nonAscii) {
			const body = CHAT_RECORDINGS.find((recorded) => recorded.name === name)!.body();
			const continuationBytes = body.filter((byte) => (byte & 0xc0) === 0x80).length;
			assert.equal(drips.find((replayed) => replayed.name === name)?.splits, continuationBytes, name);
		}
	});
});
