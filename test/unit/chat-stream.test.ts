import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { ChatAssembler, type ChatKind } from '../../nodes/Coze/protocol/chat/assembler';
import { ChatStreamDecoder } from '../../nodes/Coze/protocol/chat/decoder';
import type { ChatAnswerDelta, ChatStreamEvent, CozeChatResult } from '../../nodes/Coze/protocol/chat/types';
import { CozeApiError, CozeProtocolError, CozeStreamEndedError } from '../../nodes/Coze/protocol/errors';

const FIXTURES = join(__dirname, '../data/coze-fixtures/chat');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

/** The doc's `# …` annotation lines stand where a live stream has the blank line between two events. */
function withoutDocAnnotations(body: Buffer): Buffer {
	return Buffer.from(body.toString('utf8').split('\n').map((line) => (line.startsWith('#') ? '' : line)).join('\n'), 'utf8');
}

interface Outcome {
	result?: CozeChatResult;
	error?: unknown;
	deltas: ChatAnswerDelta[];
	events: ChatStreamEvent[];
}

function run(chunks: Uint8Array[], kind: ChatKind): Outcome {
	const deltas: ChatAnswerDelta[] = [];
	const decoder = new ChatStreamDecoder();
	const assembler = new ChatAssembler({ kind, keepEvents: true, onDelta: (delta) => deltas.push(delta) });
	try {
		for (const chunk of chunks) for (const event of decoder.push(chunk)) assembler.add(event);
		for (const event of decoder.end()) assembler.add(event);
		return { result: assembler.result({ endpoint: 'POST /v3/chat', logId: 'log-1' }), deltas, events: assembler.events ?? [] };
	} catch (error) {
		return { error, deltas, events: assembler.events ?? [] };
	}
}

/** Comparable form: errors by class, code and message. */
function shape(outcome: Outcome): unknown {
	const error = outcome.error;
	return {
		result: outcome.result,
		error: error instanceof Error ? { name: error.name, message: error.message, code: error instanceof CozeApiError ? error.code : undefined } : error,
		deltas: outcome.deltas,
	};
}

/**
 * Decodes `body` whole, then split in two at every byte offset (inside UTF-8 characters too; every
 * `stride`-th offset for large bodies) and in writes of 1 to 7 bytes, and checks that each gives the same outcome.
 */
function replay(body: Buffer, kind: ChatKind, stride = 1): Outcome {
	const whole = run([body], kind);
	const expected = shape(whole);
	for (let at = 0; at <= body.length; at += stride) {
		assert.deepEqual(shape(run([body.subarray(0, at), body.subarray(at)], kind)), expected, `split at byte ${at}`);
	}
	for (let size = 1; size <= 7; size++) {
		const chunks: Uint8Array[] = [];
		for (let i = 0; i < body.length; i += size) chunks.push(body.subarray(i, i + size));
		assert.deepEqual(shape(run(chunks, kind)), expected, `writes of ${size} bytes`);
	}
	return whole;
}

function apiError(outcome: Outcome): CozeApiError {
	assert.ok(outcome.error instanceof CozeApiError, `expected a CozeApiError, got ${String(outcome.error)}`);
	return outcome.error;
}

describe('chat streams recorded by the SDKs and shown in the docs', () => {
	it('coze-py chat_text_stream_resp: answer, ids, usage and the deltas of the answer only', () => {
		const { result, deltas, events } = replay(fixture('py-chat-text-stream.sse'), 'agent');
		assert.ok(result);
		assert.equal(events.length, 9);
		assert.deepEqual(events.at(-1), { event: 'done', data: '[DONE]' });
		assert.equal(result.status, 'succeeded');
		assert.equal(result.answer, '2024 年 10 月 1 日是星期三。');
		assert.equal(result.conversationId, '7381473525342978089');
		assert.equal(result.chatId, '7382159487131697202');
		assert.equal(result.sectionId, undefined);
		assert.deepEqual(result.usage, { token_count: 633, output_count: 19, input_count: 614 });
		assert.deepEqual(deltas.map((delta) => delta.text), ['2', '0', '星期三', '。']);
		assert.ok(deltas.every((delta) => delta.messageId === '7382159494123470858'));
		assert.deepEqual(result.followUps, []);
		assert.equal(result.reasoning, undefined);
		assert.equal(result.logId, 'log-1');
		assert.equal(result.messages.length, 1);
	});

	it('coze-py chat_audio_stream_resp: the audio delta is neither answer nor live text; an empty required_action does not matter', () => {
		const { result, deltas } = replay(fixture('py-chat-audio-stream.sse'), 'agent', 997);
		assert.ok(result);
		assert.equal(result.status, 'succeeded');
		assert.equal(result.answer, 'delta text');
		assert.equal(result.sectionId, 'conversation_id');
		assert.equal(result.toolCalls, undefined);
		assert.deepEqual(result.usage, { token_count: 115, output_count: 24, input_count: 91 });
		assert.deepEqual(deltas, [{ messageId: 'message_id', text: 'delta text' }]);
	});

	it('coze-py chat_failed_resp: the failed chat becomes a CozeApiError with last_error', () => {
		const error = apiError(replay(fixture('py-chat-failed.sse'), 'agent'));
		assert.equal(error.code, 5000);
		assert.equal(error.message, 'event interval error');
		assert.equal(error.details.runFailed, true);
		assert.equal(error.details.logId, 'log-1');
	});

	it('coze-py chat_error_resp: an `error` event with `{}` is a failure too', () => {
		const error = apiError(replay(fixture('py-chat-error.sse'), 'agent'));
		assert.equal(error.code, undefined);
		assert.match(error.message, /error in the chat stream/);
	});

	it('coze-py chat_invalid_resp: an unknown event alone is no end of the chat', () => {
		const { error, events } = replay(fixture('py-chat-invalid.sse'), 'agent');
		assert.ok(error instanceof CozeStreamEndedError);
		assert.equal(error.eventsReceived, 1);
		assert.deepEqual(events, [{ event: 'invalid', data: {} }]);
	});

	it('coze-py workflows_chat_stream_resp: chatflow answer, section, usage and the debug URL with \\u0026', () => {
		const { result, deltas } = replay(fixture('py-workflows-chat-stream.sse'), 'chatflow');
		assert.ok(result);
		assert.equal(result.status, 'succeeded');
		assert.equal(result.answer, "I'm fine, thank you. How about you?");
		assert.equal(result.conversationId, 'conv_111111111');
		assert.equal(result.chatId, 'id_1111');
		assert.equal(result.sectionId, 'conv_111111111');
		assert.deepEqual(result.usage, { token_count: 32, output_count: 11, input_count: 21 });
		assert.equal(result.debugUrl, 'https://www.coze.cn/work_flow?execute_id=execute_1111&space_id=space_111&workflow_id=workflow_1111');
		assert.equal(deltas.map((delta) => delta.text).join(''), "I'm fine, thank you. How about you?");
		assert.equal(result.question, undefined);
	});

	it('coze-go stream fixtures: `done` with empty data but no chat.completed is no finished chat', () => {
		for (const name of ['go-stream-chat.sse', 'go-stream-submit-tool-outputs.sse']) {
			const { error, deltas, events } = replay(fixture(name), 'agent');
			assert.ok(error instanceof CozeStreamEndedError, name);
			assert.match(error.message, /without saying how the chat ended/);
			assert.deepEqual(events.at(-1), { event: 'done', data: '' });
			// An untyped delta is answer text.
			assert.equal(deltas.length, 1, name);
		}
	});

	it('doc /v3/chat example: annotations between lines are skipped, the verbose message is not answer text', () => {
		const { result } = replay(fixture('doc-agent-chat.sse'), 'agent');
		assert.ok(result);
		assert.equal(result.answer, '2024 年 10 月 1 日是星期三。');
		assert.deepEqual(result.usage, { token_count: 633, output_count: 19, input_count: 614 });
		assert.deepEqual(result.messages.map((message) => message.type), ['answer', 'verbose']);
	});

	it('doc chatflow success: answer, usage, debug URL and its execute ID', () => {
		const { result } = replay(withoutDocAnnotations(fixture('doc-chatflow-success.sse')), 'chatflow');
		assert.ok(result);
		assert.equal(result.status, 'succeeded');
		assert.match(result.answer, /^那我给你讲个会冒冷气的笑话哦！.*'北极大企鹅'啦！"$/);
		assert.equal(result.conversationId, '75598599835687*****');
		assert.equal(result.chatId, '75598600924738*****');
		assert.deepEqual(result.usage, { token_count: 1736, output_count: 498, input_count: 1238 });
		assert.equal(result.debugUrl, 'https://www.coze.cn/work_flow?execute_id=75598600951038*****&space_id=74982048832804*****&workflow_id=75228046974940*****&execute_mode=2');
		assert.equal(result.executeId, '75598600951038');
	});

	it('doc chatflow question (no chat.completed): interrupted, with the question and the ids to continue', () => {
		const { result, deltas } = replay(withoutDocAnnotations(fixture('doc-chatflow-interrupt.sse')), 'chatflow');
		assert.ok(result);
		assert.equal(result.status, 'interrupted');
		assert.equal(result.question, '中午吃啥了');
		assert.equal(result.answer, '中午吃啥了');
		assert.equal(result.conversationId, '456');
		assert.equal(result.chatId, '120');
		assert.equal(result.sectionId, '789');
		assert.equal(result.usage, undefined);
		assert.equal(result.executeId, '74449256856');
		assert.deepEqual(deltas.map((delta) => delta.text), ['中午吃啥了']);
	});

	it('Studio reference variant: requires_action with a reply_message placeholder is a question for chatflows, never tool calls', () => {
		const head = fixture('doc-chatflow-interrupt.sse').toString('utf8');
		const body = `${head.slice(0, head.lastIndexOf('event: done'))}${fixture('doc-chatflow-interrupt-studio-tail.sse').toString('utf8')}`;
		const { result } = replay(withoutDocAnnotations(Buffer.from(body, 'utf8')), 'chatflow', 3);
		assert.ok(result);
		assert.equal(result.status, 'interrupted');
		assert.equal(result.question, '中午吃啥了');
		assert.equal(result.toolCalls, undefined);
	});

	it('doc chatflow failure: the string code becomes a number', () => {
		const error = apiError(replay(fixture('doc-chatflow-failed.sse'), 'chatflow'));
		assert.equal(error.code, 720702204);
		assert.equal(error.message, '会话名不存在');
	});

	it('doc submit_tool_outputs stream: the completed answer wins over its deltas; follow-ups apart', () => {
		const { result, deltas } = replay(fixture('doc-submit-tool-outputs.sse'), 'agent');
		assert.ok(result);
		assert.equal(result.status, 'succeeded');
		assert.equal(result.answer, '河南的降水概率为50%。');
		assert.equal(deltas.map((delta) => delta.text).join(''), '河南的降水概率为50$\\%$。');
		assert.deepEqual(result.followUps, ['影响河南降水概率的因素有哪些？', '河南的降水概率和其他地区相比如何？', '如何查询河南未来几天的降水概率？']);
		assert.equal(result.conversationId, '7434368393420996671');
		assert.equal(result.chatId, '7434369946098090003');
		assert.deepEqual(result.usage, { token_count: 140, output_count: 11, input_count: 129 });
		assert.deepEqual(result.messages.map((message) => message.type), ['tool_response', 'answer', 'verbose', 'follow_up', 'follow_up', 'follow_up']);
	});
});

const sse = (text: string): Buffer => Buffer.from(text, 'utf8');
const chat = (status: string, extra: Record<string, unknown> = {}): string =>
	JSON.stringify({ id: '7500000000000000001', conversation_id: '7500000000000000002', section_id: '7500000000000000003', status, ...extra });
const message = (type: string, content: string, extra: Record<string, unknown> = {}): string =>
	JSON.stringify({ id: `m-${type}`, conversation_id: '7500000000000000002', role: 'assistant', type, content, content_type: 'text', ...extra });

describe('chat stream shapes the recordings do not cover', () => {
	it('an agent waiting for tool outputs returns its tool calls', () => {
		const requiresAction = chat('requires_action', {
			required_action: {
				type: 'submit_tool_outputs',
				submit_tool_outputs: {
					tool_calls: [{ id: 'BUJJS0JKQ0dHR0VeFkNCQF5HEEZBXhJFEUJeEhFCRkESSktDREISSUI=', type: 'function', function: { name: 'get_rain_probability', arguments: '{"location":"河南"}' }, require_info: null }],
				},
			},
		});
		const verboseInterrupt = message('verbose', JSON.stringify({ msg_type: 'interrupt', data: '' }));
		const body = sse(`event:conversation.chat.created\ndata:${chat('created')}\n\nevent:conversation.message.completed\ndata:${message('function_call', '{"name":"x"}')}\n\nevent:conversation.message.completed\ndata:${verboseInterrupt}\n\nevent:conversation.chat.requires_action\ndata:${requiresAction}\n\nevent:done\ndata:"[DONE]"\n\n`);
		const { result } = replay(body, 'agent', 5);
		assert.ok(result);
		assert.equal(result.status, 'requiresAction');
		assert.deepEqual(result.toolCalls, [{ id: 'BUJJS0JKQ0dHR0VeFkNCQF5HEEZBXhJFEUJeEhFCRkESSktDREISSUI=', type: 'function', name: 'get_rain_probability', arguments: '{"location":"河南"}' }]);
		assert.equal(result.answer, '');
		assert.equal(result.question, undefined);
	});

	it('Coze Studio agent stream: CRLF, ids, reasoning deltas kept apart, `conversation.stream.done` with empty data', () => {
		const lines = [
			'id: 1', `event:conversation.chat.created`, `data:${chat('created')}`, '',
			`event:conversation.message.delta`, `data:${message('answer', '', { reasoning_content: '先想' })}`, '',
			`event:conversation.message.delta`, `data:${message('answer', '', { reasoning_content: '一想。' })}`, '',
			`event:conversation.message.delta`, `data:${message('answer', '你好')}`, '',
			`event:conversation.message.completed`, `data:${message('answer', '你好', { reasoning_content: '先想一想。' })}`, '',
			`event:conversation.message.completed`, `data:${message('follow_up', '还有呢？')}`, '',
			`event:conversation.chat.completed`, `data:${chat('completed', { usage: { token_count: 3, output_count: 1, input_count: 2 } })}`, '',
			'event:conversation.stream.done', 'data:', '', '',
		];
		const { result, deltas } = replay(sse(lines.join('\r\n')), 'agent', 3);
		assert.ok(result);
		assert.equal(result.answer, '你好');
		assert.equal(result.reasoning, '先想一想。');
		assert.deepEqual(result.followUps, ['还有呢？']);
		assert.deepEqual(deltas.map((delta) => delta.text), ['你好']);
		assert.equal(result.sectionId, '7500000000000000003');
	});

	it('several answers are joined in arrival order, not just the last one', () => {
		const body = sse(
			`event: conversation.chat.created\ndata: ${chat('created')}\n\n` +
				`event: conversation.message.completed\ndata: ${message('answer', 'first', { id: 'a1' })}\n\n` +
				`event: conversation.message.completed\ndata: ${message('answer', 'second', { id: 'a2' })}\n\n` +
				`event: conversation.message.completed\ndata: ${message('verbose', JSON.stringify({ msg_type: 'generate_answer_finish', data: '{"finish_reason":0}' }))}\n\n` +
				`event: conversation.chat.completed\ndata: ${chat('completed')}\n\nevent: done\ndata: {"debug_url":"https://www.coze.cn/work_flow?execute_id=7500000000000000009\\u0026space_id=1"}\n\n`,
		);
		const { result } = replay(body, 'chatflow', 7);
		assert.ok(result);
		assert.equal(result.status, 'succeeded');
		assert.equal(result.answer, 'first\n\nsecond');
		assert.equal(result.executeId, '7500000000000000009');
	});

	it('a chatflow whose stream ends with `done` after an answer but without chat.completed waits for the user', () => {
		const body = sse(`event: conversation.chat.created\ndata: ${chat('created', { execute_id: '7500000000000000010' })}\n\nevent: conversation.message.completed\ndata: ${message('answer', 'Which city?')}\n\nevent: done\ndata: {"debug_url":"x"}\n\n`);
		const { result } = replay(body, 'chatflow', 5);
		assert.ok(result);
		assert.equal(result.status, 'interrupted');
		assert.equal(result.question, 'Which city?');
		assert.equal(result.executeId, '7500000000000000010');
	});

	it('a chatflow whose finish reason is 1 waits for the user even without the interrupt verbose', () => {
		const body = sse(`event: conversation.chat.created\ndata: ${chat('created')}\n\nevent: conversation.message.completed\ndata: ${message('answer', 'Name?')}\n\nevent: conversation.message.completed\ndata: ${message('verbose', JSON.stringify({ msg_type: 'generate_answer_finish', data: '{"finish_reason":1,"FinData":""}' }))}\n\nevent: conversation.chat.completed\ndata: ${chat('completed')}\n\n`);
		const { result } = replay(body, 'chatflow', 5);
		assert.equal(result?.status, 'interrupted');
		assert.equal(result?.question, 'Name?');
	});

	it('a bare JSON envelope in the stream, and Studio\'s raw error text, are errors', () => {
		const bare = apiError(replay(sse('{"code":4000,"msg":"json fail"}'), 'agent'));
		assert.equal(bare.code, 4000);
		assert.equal(bare.message, 'json fail');
		const studio = apiError(replay(sse(`event: conversation.chat.created\ndata: ${chat('created')}\n\nevent: error\ndata: {"code":"720701013","msg":"boom","debug_url":"https://x/work_flow?execute_id=7500000000000000011"}\n\n`), 'chatflow', 5));
		assert.equal(studio.code, 720701013);
		assert.equal(studio.details.executeId, '7500000000000000011');
		const raw = apiError(replay(sse('event: error\ndata: context canceled\n\n'), 'chatflow'));
		assert.equal(raw.message, 'context canceled');
	});

	it('cancelled chats (either spelling) are canceled; a cut-off last event is dropped, not malformed', () => {
		for (const name of ['canceled', 'cancelled']) {
			const { result } = replay(sse(`event:conversation.chat.${name}\ndata:${chat(name)}\n\n`), 'agent', 5);
			assert.equal(result?.status, 'canceled');
		}
		const cut = run([sse(`event:conversation.chat.created\ndata:${chat('created')}\n\nevent:conversation.chat.completed\ndata:{"id":"75`)], 'agent');
		assert.ok(cut.error instanceof CozeStreamEndedError);
	});

	it('data that starts as a JSON object but is not one fails the stream when more follows', () => {
		const outcome = run([sse('event:conversation.message.delta\ndata:{"id":\n\nevent:done\ndata:"[DONE]"\n\n')], 'agent');
		assert.ok(outcome.error instanceof CozeProtocolError);
	});
});
