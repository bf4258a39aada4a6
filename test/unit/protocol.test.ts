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
import { readText, type ByteStream } from '../../nodes/Coze/protocol/transport';
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
	const MiB = 1024 * 1024;

	it('fails with a protocol error once one unfinished event passes 64 MB, and keeps failing', () => {
		const decoder = new CozeStreamDecoder();
		decoder.push(Buffer.from('id: 0\nevent: Message\ndata: {"content":"'));
		const block = Buffer.alloc(MiB, 0x61);
		let pushed = 0;
		const tooLarge = (error: unknown) => error instanceof CozeProtocolError && /more than 64 MB in one stream event without finishing it/.test(error.message);
		assert.throws(() => {
			for (; pushed < 100; pushed++) decoder.push(block);
		}, tooLarge);
		assert.equal(pushed, 63, 'the chunk that takes the event past 64 MB is refused (the head counts too)');
		assert.throws(() => decoder.push(Buffer.from('"}\n\n')), tooLarge);
	});

	it('with a smaller Max Event Size: a line that never ends fails once it passes the limit, the next stream is unaffected', () => {
		const limit = 4096;
		const head = 'id: 0\nevent: Message\ndata: {"content":"';
		const decoder = new CozeStreamDecoder(limit);
		decoder.push(Buffer.from(head));
		const tooLarge = (error: unknown) =>
			error instanceof CozeProtocolError &&
			/more than 4096 bytes in one stream event without finishing it \(Max Event Size\)/.test(error.message) &&
			/raise Max Event Size \(MB\).*check that the Base URL points to Coze/.test(error.message);
		let pushed = 0;
		assert.throws(() => {
			for (; pushed < 100; pushed++) decoder.push(Buffer.alloc(100, 0x61));
		}, tooLarge);
		assert.equal(pushed, Math.floor((limit - head.length) / 100), 'the chunk that takes the line past the limit is refused');
		assert.throws(() => decoder.end(), tooLarge);

		// The next item gets a decoder of its own: an event just under the limit passes, in any split.
		const content = 'b'.repeat(limit - 200);
		const event = Buffer.from(`${head}${content}","node_seq_id":"0","node_title":"End"}\n\n`);
		assert.ok(event.length <= limit);
		const next = new CozeStreamDecoder(limit);
		const events = [...splitEvery(event, 1000).flatMap((chunk) => next.push(chunk)), ...next.end()];
		assert.deepEqual(events.map((e) => (e.type === 'Message' ? e.data.content : e.type)), [content]);
	});

	it('takes a stream of more than 64 MB in all when each event is smaller', () => {
		const decoder = new CozeStreamDecoder();
		const event = (i: number) => `id: ${i}\nevent: Message\ndata: ${JSON.stringify({ content: 'a'.repeat(4 * MiB), node_seq_id: String(i), node_title: 'Output' })}\n\n`;
		const body = Buffer.from(Array.from({ length: 20 }, (_, i) => event(i)).join(''));
		let events = 0;
		for (const chunk of splitEvery(body, MiB)) events += decoder.push(chunk).length;
		events += decoder.end().length;
		assert.equal(events, 20);
	});

	it('reads a whole answer body, and refuses one over 64 MB with a protocol error', async () => {
		const body = (chunks: number): ByteStream & { destroyed: boolean } => ({
			destroyed: false,
			destroy() {
				this.destroyed = true;
			},
			async *[Symbol.asyncIterator]() {
				for (let i = 0; i < chunks; i++) yield Buffer.alloc(MiB, 0x61);
			},
		});
		const small = body(2);
		assert.equal((await readText(small)).length, 2 * MiB);
		assert.ok(small.destroyed);
		const large = body(100);
		await assert.rejects(readText(large), (error: unknown) => error instanceof CozeProtocolError && /more than 64 MB in one answer body/.test(error.message));
		assert.ok(large.destroyed, 'the connection is closed');
	});

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

	const output = (content: string, seq: number, finish: boolean, extra: Record<string, unknown> = {}): CozeStreamEvent => ({
		type: 'Message',
		data: { content, node_title: 'Output', node_id: '135309', node_type: 'Message', node_execute_uuid: '', node_seq_id: String(seq), node_is_finish: finish, ...extra },
	});

	it('keeps each loop iteration, batch item and sub-workflow run of a node apart', () => {
		const assembler = new RunAssembler({ keepEvents: false });
		for (const event of [
			output('Hel', 0, false, { loop_index: 0 }),
			output('Bye', 0, false, { loop_index: 1 }),
			output('lo', 1, true, { loop_index: 0 }),
			output('!', 1, true, { loop_index: 1 }),
			output('b0', 0, true, { batch_index: '0' }),
			output('s', 0, true, { sub_execute_id: '7404830425073352713' }),
		]) assembler.add(event);
		assert.deepEqual(assembler.messages().map((m) => m.content), ['Hello', 'Bye!', 'b0', 's']);
	});

	it('starts a new run of a node when its node_seq_id starts again at 0 after it finished', () => {
		const assembler = new RunAssembler({ keepEvents: false });
		for (const event of [output('Hel', 0, false), output('lo', 1, true), output('Bye', 0, false), output('!', 1, true)]) assembler.add(event);
		assert.deepEqual(assembler.messages().map((m) => m.content), ['Hello', 'Bye!']);
	});

	it('still puts an unfinished node\'s chunks in order when they arrive out of order', () => {
		const assembler = new RunAssembler({ keepEvents: false });
		for (const event of [output('lo', 1, false), output('Hel', 0, false), output('!', 2, true)]) assembler.add(event);
		assert.deepEqual(assembler.messages().map((m) => m.content), ['Hello!']);
	});

	it('takes the question from the last run of a node that asked more than once', () => {
		const assembler = new RunAssembler({ keepEvents: false });
		const ask = (content: string) => assembler.add({ type: 'Message', data: { content, node_title: '问答', node_seq_id: '0', node_is_finish: true } });
		ask('Which city?');
		ask('Which city, again?');
		assembler.add({ type: 'Interrupt', data: { interrupt_data: { event_id: '7404830425073352713/28', type: 2, data: '' }, node_title: '问答' } });
		assert.equal(assembler.interrupt?.question, 'Which city, again?');
	});

	it('knows an End node output sent in several chunks is answer text, and one sent whole may be variables', () => {
		const end = (content: string, seq: number, finish: boolean): CozeStreamEvent => ({
			type: 'Message',
			data: { content, node_title: 'End', node_id: '900001', node_type: 'End', node_seq_id: String(seq), node_is_finish: finish },
		});
		const streamed = new RunAssembler({ keepEvents: false });
		streamed.add(end('{"a":', 0, false));
		streamed.add(end(' 1}', 1, true));
		assert.equal(streamed.outputText(), '{"a": 1}');
		assert.equal(streamed.outputIsText(), true);
		const whole = new RunAssembler({ keepEvents: false });
		whole.add(end('{"a": 1}', 0, true));
		assert.equal(whole.outputIsText(), false);
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

	it('keeps answer text that looks like JSON as text when it is known to be answer text', () => {
		assert.equal(decodeEndOutput('{"verdict": "ok", "n": 1.50}', true, true), '{"verdict": "ok", "n": 1.50}');
		assert.deepEqual(decodeEndOutput('{"verdict": "ok", "n": 1.50}', true), { verdict: 'ok', n: 1.5 });
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
