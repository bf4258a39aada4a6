/**
 * Property tests of the Coze stream decoder and the run assembler: a Coze-shaped
 * stream split at any byte positions, inside multi-byte UTF-8 characters and between CR and LF
 * included, decodes to the same events, and assembles to the same output, as the stream in one piece.
 * Seeds are random and printed on failure; replay with FC_SEED=<seed> FC_PATH=<path>.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import type { CozeStreamEvent } from '../../nodes/Coze/protocol/types';
import { assemble, decodeChunked, decodeWhole, encodeStream, expectedOutput, fcOptions, streamArb, trickyCuts } from './coze-stream-model';

/** A stream, and where to cut it: anywhere, and at positions inside characters or CRLFs; sometimes every byte. */
const splitStreamArb = fc.record({
	stream: streamArb,
	cuts: fc.array(fc.nat(), { maxLength: 40 }),
	tricky: fc.array(fc.nat(), { maxLength: 24 }),
	everyByte: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

function cutPositions(bytes: Uint8Array, input: { cuts: number[]; tricky: number[]; everyByte: boolean }): number[] {
	if (input.everyByte) return Array.from({ length: bytes.length }, (_, i) => i);
	const tricky = trickyCuts(bytes);
	return [...input.cuts.map((c) => c % (bytes.length + 1)), ...(tricky.length ? input.tricky.map((t) => tricky[t % tricky.length]) : [])];
}

/** Events as plain JSON (undefined-valued keys dropped), for comparing with the model. */
function plain(events: readonly CozeStreamEvent[]): unknown {
	return JSON.parse(JSON.stringify(events));
}

describe('stream decoder properties', () => {
	it('the generated streams decode, in one piece, to the events they were made of', () => {
		fc.assert(
			fc.property(streamArb, (stream) => {
				const { bytes, expected } = encodeStream(stream);
				const whole = decodeWhole(bytes);
				assert.deepEqual(plain(whole.events), plain(expected));
				assert.equal(whole.truncated, false);
			}),
			fcOptions(400),
		);
	});

	it('splitting the bytes anywhere gives the same events, in the same order, as decoding them whole', () => {
		fc.assert(
			fc.property(splitStreamArb, (input) => {
				const { bytes } = encodeStream(input.stream);
				const whole = decodeWhole(bytes);
				const split = decodeChunked(bytes, cutPositions(bytes, input));
				assert.deepEqual(split, whole);
			}),
			fcOptions(1000),
		);
	});

	it('the assembled output (text, per-node messages, usage, terminal, live chunks) does not depend on chunking', () => {
		fc.assert(
			fc.property(splitStreamArb, (input) => {
				const { bytes } = encodeStream(input.stream);
				const whole = assemble(decodeWhole(bytes).events);
				const split = assemble(decodeChunked(bytes, cutPositions(bytes, input)).events);
				assert.deepEqual(split, whole);
				assert.equal(split.outputText, expectedOutput(input.stream));
				// What was forwarded live adds up to the assembled messages (chunks arrive in node_seq_id order here).
				const liveByNode = new Map<string, string>();
				for (const chunk of split.live) if (chunk) liveByNode.set(chunk.nodeId, (liveByNode.get(chunk.nodeId) ?? '') + chunk.text);
				for (const message of split.messages) assert.equal(liveByNode.get(message.nodeId) ?? '', message.content);
			}),
			fcOptions(600),
		);
	});

	it('two different chunkings of the same bytes assemble the same output', () => {
		fc.assert(
			fc.property(streamArb, fc.array(fc.nat(), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 30 }), (stream, a, b) => {
				const { bytes } = encodeStream(stream);
				const at = (cuts: number[]) => cuts.map((c) => c % (bytes.length + 1));
				assert.deepEqual(assemble(decodeChunked(bytes, at(a)).events), assemble(decodeChunked(bytes, at(b)).events));
			}),
			fcOptions(300),
		);
	});

	it('a body cut off at any byte (a dropped connection) decodes to a prefix of the events, never to altered ones', () => {
		fc.assert(
			fc.property(streamArb, fc.nat(), fc.array(fc.nat(), { maxLength: 12 }), (stream, at, cuts) => {
				const { bytes } = encodeStream(stream);
				const full = decodeWhole(bytes).events;
				const prefix = bytes.subarray(0, at % (bytes.length + 1));
				const whole = decodeWhole(prefix);
				// Chunk independence holds for cut-off bodies too.
				assert.deepEqual(
					decodeChunked(
						prefix,
						cuts.map((c) => c % (prefix.length + 1)),
					),
					whole,
				);
				assert.ok(whole.events.length <= full.length);
				whole.events.forEach((event, i) => {
					const original = full[i];
					if (i < whole.events.length - 1) return assert.deepEqual(event, original);
					// Only the last event can differ: a raw-text event (unknown name, Studio's `error`) whose text was cut short.
					if (isDeepEqual(event, original)) return;
					const cutText = rawText(event)?.replace(/\uFFFD$/, '');
					const fullText = rawText(original);
					assert.ok(cutText !== undefined && fullText !== undefined && fullText.startsWith(cutText), `event ${i} altered: ${JSON.stringify(event)}`);
				});
				if (prefix.length === bytes.length) assert.equal(whole.truncated, false);
			}),
			fcOptions(600),
		);
	});

	// KNOWN BUG (fails): eventsource-parser strips "\xEF\xBB\xBF" (a BOM read as Latin-1, i.e. the text "ï»¿") from the
	// first string it is fed, and the decoder feeds it even an empty string. So a body starting with the UTF-8 bytes of
	// "ï»¿" (a BOM encoded twice) decodes differently when the first chunk is empty or ends inside those characters:
	// whole, the first line is "id: 0"; split, it is the unknown field "ï»¿id" and the event loses its id.
	it('a body starting with a twice-encoded BOM decodes the same however it is split', () => {
		const body = new Uint8Array(Buffer.from('ï»¿id: 0\nevent: Done\ndata: {}\n\n', 'utf8'));
		const whole = decodeWhole(body);
		for (const cuts of [[0], [1], [2], [3]]) assert.deepEqual(decodeChunked(body, cuts), whole, `cut at ${cuts.join(', ')}`);
	});

	it('is not vacuous: a decoder that loses the UTF-8 state between chunks is caught', () => {
		// The oracle of the properties above, run against a stand-in decoder that decodes each chunk on its
		// own (the classic bug): the property must fail, with a counterexample.
		const naive = (bytes: Uint8Array, cuts: number[]) => {
			const pieces: Uint8Array[] = [];
			let from = 0;
			for (const cut of [...cuts].sort((x, y) => x - y)) {
				pieces.push(bytes.subarray(from, cut));
				from = cut;
			}
			pieces.push(bytes.subarray(from));
			// Re-encodes each piece decoded on its own: split characters become U+FFFD.
			return decodeWhole(Buffer.concat(pieces.map((p) => Buffer.from(new TextDecoder().decode(p), 'utf8'))));
		};
		const outcome = fc.check(
			fc.property(splitStreamArb, (input) => {
				const { bytes } = encodeStream(input.stream);
				assert.deepEqual(naive(bytes, cutPositions(bytes, input)), decodeWhole(bytes));
			}),
			{ ...fcOptions(1000), seed: 42 },
		);
		assert.equal(outcome.failed, true, 'the chunking property did not notice a decoder that splits UTF-8 characters');
	});
});

function isDeepEqual(a: unknown, b: unknown): boolean {
	try {
		assert.deepEqual(a, b);
		return true;
	} catch {
		return false;
	}
}

function rawText(event: CozeStreamEvent | undefined): string | undefined {
	if (event?.type === 'unknown') return event.data;
	if (event?.type === 'Error' && Object.keys(event.data).length === 1) return event.data.error_message;
	return undefined;
}
