import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { RunAssembler } from '../../nodes/Coze/protocol/assembler';
import { backoffDelay } from '../../nodes/Coze/protocol/backoff';
import { resolveEndpoint } from '../../nodes/Coze/protocol/endpoint';
import { CozeProtocolError } from '../../nodes/Coze/protocol/errors';
import { executeIdFromDebugUrl, executeIdFromEventId, workflowIdFromUrl } from '../../nodes/Coze/protocol/ids';
import { decodeNestedJson, parseJson } from '../../nodes/Coze/protocol/json';
import { decodeEndOutput, splitHistoryOutput } from '../../nodes/Coze/protocol/output';
import { CozeStreamDecoder } from '../../nodes/Coze/protocol/streamDecoder';
import type { CozeStreamEvent } from '../../nodes/Coze/protocol/types';

const FIXTURES = join(__dirname, '../data/coze-fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

function decode(chunks: Uint8Array[]): CozeStreamEvent[] {
	const decoder = new CozeStreamDecoder();
	const events: CozeStreamEvent[] = [];
	for (const chunk of chunks) events.push(...decoder.push(chunk));
	events.push(...decoder.end());
	return events;
}

/** Splits a buffer at every `step` bytes (so inside multi-byte characters too). */
function splitEvery(buffer: Buffer, step: number): Uint8Array[] {
	const out: Uint8Array[] = [];
	for (let i = 0; i < buffer.length; i += step) out.push(buffer.subarray(i, i + step));
	return out;
}

describe('parseJson', () => {
	it('keeps integers beyond 2^53 exact, as strings, and leaves strings and safe numbers alone', () => {
		const parsed = parseJson('{"execute_id":7404830425073352713,"n":42,"f":1.5e3,"s":"7404830425073352713","neg":-9007199254740993}') as Record<
			string,
			unknown
		>;
		assert.equal(parsed.execute_id, '7404830425073352713');
		assert.equal(parsed.n, 42);
		assert.equal(parsed.f, 1500);
		assert.equal(parsed.s, '7404830425073352713');
		assert.equal(parsed.neg, '-9007199254740993');
	});

	it('does not touch digits inside strings, including escaped quotes', () => {
		const parsed = parseJson('{"a":"x\\"12345678901234567890\\"","b":[12345678901234567890]}') as Record<string, unknown>;
		assert.equal(parsed.a, 'x"12345678901234567890"');
		assert.deepEqual(parsed.b, ['12345678901234567890']);
	});

	it('decodes JSON nested in strings, but leaves plain text alone', () => {
		assert.deepEqual(decodeNestedJson({ a: '{"b":"[1,2]"}', c: '42', d: 'text' }), { a: { b: [1, 2] }, c: '42', d: 'text' });
	});
});

describe('CozeStreamDecoder', () => {
	for (const name of ['doc-stream-success.sse', 'doc-stream-interrupt.sse', 'doc-resume-success.sse', 'sdk-stream-nospace.sse']) {
		it(`${name}: the same events at every split size, inside UTF-8 characters too`, () => {
			const body = fixture(name);
			const whole = decode([body]);
			assert.ok(whole.length >= 2);
			for (const step of [1, 2, 3, 5, 7, 64]) assert.deepEqual(decode(splitEvery(body, step)), whole, `split every ${step} bytes`);
		});
	}

	it('types every event of the SDK fixture, unknown names included', () => {
		const events = decode([fixture('sdk-stream-nospace.sse')]);
		assert.deepEqual(
			events.map((e) => [e.type, e.id]),
			[
				['Message', '0'],
				['Message', '1'],
				['PING', '2'],
				['unknown', '3'],
				['Done', '4'],
			],
		);
	});

	it('accepts a last event without a trailing blank line (the SDK test data ends so)', () => {
		const events = decode([Buffer.from('id: 0\nevent: Done\ndata: {"debug_url":"u"}')]);
		assert.deepEqual(events, [{ type: 'Done', id: '0', data: { debug_url: 'u' } }]);
	});

	it('drops an event cut off mid-line at the end of the body and says so', () => {
		const decoder = new CozeStreamDecoder();
		decoder.push(Buffer.from('id: 0\nevent: Message\ndata: {"content":"ab'));
		assert.deepEqual(decoder.end(), []);
		assert.equal(decoder.truncated, true);
	});

	it('refuses invalid JSON in a complete event with a typed error', () => {
		const decoder = new CozeStreamDecoder();
		assert.throws(() => decoder.push(Buffer.from('id: 3\nevent: Message\ndata: {nope}\n\n')), CozeProtocolError);
	});

	it('reads Coze Studio\'s lowercase error event with a raw text payload', () => {
		const events = decode([Buffer.from('event: error\ndata: workflow canceled by user\n\n')]);
		assert.deepEqual(events, [{ type: 'Error', id: undefined, data: { error_message: 'workflow canceled by user' } }]);
	});
});

describe('RunAssembler', () => {
	it('orders chunks by node_seq_id, finds the End node and the execute ID', () => {
		const assembler = new RunAssembler({ keepEvents: false });
		const message = (seq: string, content: string, extra = {}) =>
			assembler.add({ type: 'Message', data: { content, node_seq_id: seq, node_id: '135279', node_title: 'Message', ...extra } });
		message('1', 'B');
		message('0', 'A');
		message('2', 'C', { node_is_finish: true });
		assembler.add({
			type: 'Message',
			data: { content: '{"output":"ABC"}', node_seq_id: '0', node_id: '900001', node_type: 'End', node_title: 'End', usage: { token_count: 3 } },
		});
		assembler.add({ type: 'Done', data: { debug_url: 'https://www.coze.cn/work_flow?execute_id=7404830425073352713&space_id=1' } });
		assert.equal(assembler.terminal, 'done');
		assert.equal(assembler.outputText(), '{"output":"ABC"}');
		assert.equal(assembler.messages()[0].content, 'ABC');
		assert.equal(assembler.executeId, '7404830425073352713');
		assert.deepEqual(assembler.usage, { token_count: 3 });
		assert.equal(assembler.events, undefined, 'events are not kept unless asked for');
	});

	it('keeps an Error as the outcome when Done follows it', () => {
		const assembler = new RunAssembler({ keepEvents: true });
		assembler.add({ type: 'Error', data: { error_code: 5000, error_message: '[720712000] bad', debug_url: 'x?execute_id=1' } });
		assembler.add({ type: 'Done', data: {} });
		assert.equal(assembler.terminal, 'error');
		assert.deepEqual(assembler.failure, { code: 5000, message: '[720712000] bad' });
		assert.equal(assembler.events?.length, 2);
	});

	it('takes the question from the Message before the Interrupt', () => {
		const assembler = new RunAssembler({ keepEvents: false });
		assembler.add({ type: 'Message', data: { content: 'Which city?', node_title: '问答', node_seq_id: '0', node_is_finish: true } });
		assembler.add({ type: 'Interrupt', data: { interrupt_data: { event_id: '7404830425073352713/27', type: 2, data: '' }, node_title: '问答' } });
		assert.equal(assembler.terminal, 'interrupt');
		assert.equal(assembler.interrupt?.question, 'Which city?');
		assert.equal(assembler.executeId, '7404830425073352713');
	});
});

describe('output decoding', () => {
	it('unwraps the answer-text wrapper of sync runs and run histories', () => {
		assert.equal(decodeEndOutput('{"content_type":1,"data":"hello","original_result":null,"type_for_model":2}', true), 'hello');
	});

	it('decodes the three JSON layers of a run history', () => {
		const history = JSON.stringify({ node_status: '{}', Output: JSON.stringify({ output: JSON.stringify([{ a: 1 }]) }) });
		const { endOutput } = splitHistoryOutput(history);
		assert.deepEqual(decodeEndOutput(endOutput, true), { output: [{ a: 1 }] });
		assert.equal(decodeEndOutput(endOutput, false), endOutput);
	});

	it('returns answer text that is not JSON as text', () => {
		assert.equal(decodeEndOutput('just words', true), 'just words');
	});
});

describe('ids and endpoints', () => {
	it('reads execute IDs from debug URLs (escaped or not) and interrupt event IDs', () => {
		assert.equal(executeIdFromDebugUrl('https://www.coze.cn/work_flow?execute_id=7535298640308535332&space_id=1'), '7535298640308535332');
		assert.equal(executeIdFromDebugUrl('https://www.coze.cn/work_flow'), undefined);
		assert.equal(executeIdFromEventId('7404830425073352713/2769808280134765896'), '7404830425073352713');
		assert.equal(workflowIdFromUrl('https://www.coze.com/work_flow?space_id=1&workflow_id=7400000000000000010'), '7400000000000000010');
	});

	it('resolves regions and refuses unusable base URLs by name', () => {
		assert.deepEqual(resolveEndpoint('cn', ''), { baseUrl: 'https://api.coze.cn', flavor: 'cloud', host: 'api.coze.cn' });
		assert.equal(resolveEndpoint('studio', '').baseUrl, 'http://localhost:8888');
		assert.equal(resolveEndpoint('custom', 'https://proxy.example.com/coze/').baseUrl, 'https://proxy.example.com/coze');
		assert.equal(resolveEndpoint('custom', 'https://proxy.example.com/coze/v1/').baseUrl, 'https://proxy.example.com/coze', 'a copied /v1 is dropped');
		assert.throws(() => resolveEndpoint('custom', ''), /Base URL is empty/);
		assert.throws(() => resolveEndpoint('custom', 'ftp://x'), /must start with http/);
	});
});

describe('backoffDelay', () => {
	it('grows from the initial delay to the cap, with bounded jitter', () => {
		const policy = { initialMs: 1000, maxMs: 15_000, factor: 2, jitter: 0.2 };
		assert.equal(backoffDelay(0, policy, () => 0.5), 1000);
		assert.equal(backoffDelay(3, policy, () => 0.5), 8000);
		assert.equal(backoffDelay(10, policy, () => 1), 15_000);
		assert.equal(backoffDelay(0, policy, () => 0), 800);
	});
});
