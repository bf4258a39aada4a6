// Properties of the JSON decoding of Coze bodies, over random documents from a seeded generator: keys
// that name Object.prototype's members stay ordinary data, integers beyond 2^53 keep every digit, and
// JSON nested in strings decodes to what was encoded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decodeNestedJson, parseJson, setOwn } from '../../nodes/Coze/protocol/json';
import { seeded } from '../../bench/lib';
import { splitHistoryOutput } from '../../nodes/Coze/protocol/output';


const TRICKY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];

/**
 * A JSON document as written on the wire: `bigint` is an integer literal beyond 2^53 (as text, since
 * no JS number holds it), `encoded` is a container serialised into a JSON string.
 */
type Doc =
	| { kind: 'null' | 'true' | 'false' }
	| { kind: 'number'; value: number }
	| { kind: 'bigint'; digits: string }
	| { kind: 'string'; value: string }
	| { kind: 'array'; items: Doc[] }
	| { kind: 'object'; entries: Array<[string, Doc]> }
	| { kind: 'encoded'; inner: Doc };

function generate(next: () => number, depth: number): Doc {
	const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
	const roll = next();
	if (depth > 0 && roll < 0.35) {
		const entries: Array<[string, Doc]> = [];
		const used = new Set<string>();
		const size = Math.floor(next() * 5);
		for (let i = 0; i < size; i++) {
			const key = next() < 0.5 ? pick(TRICKY_KEYS) : `k${Math.floor(next() * 20)}`;
			if (used.has(key)) continue; // duplicate keys: JSON.parse keeps the last, which says nothing here
			used.add(key);
			entries.push([key, generate(next, depth - 1)]);
		}
		return { kind: 'object', entries };
	}
	if (depth > 0 && roll < 0.5) return { kind: 'array', items: Array.from({ length: Math.floor(next() * 4) }, () => generate(next, depth - 1)) };
	if (depth > 1 && roll < 0.6) {
		const inner = generate(next, depth - 1);
		return inner.kind === 'object' || inner.kind === 'array' ? { kind: 'encoded', inner } : inner;
	}
	if (roll < 0.7) {
		// 19 to 21 digits, as Coze's IDs, beyond Number.MAX_SAFE_INTEGER; some negative.
		let digits = String(1 + Math.floor(next() * 9));
		const length = 18 + Math.floor(next() * 3);
		for (let i = 0; i < length; i++) digits += String(Math.floor(next() * 10));
		return { kind: 'bigint', digits: next() < 0.2 ? `-${digits}` : digits };
	}
	if (roll < 0.82) return { kind: 'number', value: pick([0, 1, -7, 42, 1.5, -0.25, 9007199254740991, 1e21, 1.5e300, 3.14159]) };
	if (roll < 0.94) return { kind: 'string', value: pick(['', 'text', '42', 'true', 'a "quoted" word', '\\', '雨', 'null', '[not json']) };
	return { kind: pick(['null', 'true', 'false'] as const) };
}

/**
 * The document's text: `wire` as Coze sends it, `parsed` with big integers quoted (what parseJson
 * must return, through JSON.parse), `decoded` also with encoded containers inlined (what
 * decodeNestedJson must return).
 */
function render(doc: Doc, mode: 'wire' | 'parsed' | 'decoded'): string {
	switch (doc.kind) {
		case 'null':
		case 'true':
		case 'false':
			return doc.kind;
		case 'number':
			return JSON.stringify(doc.value);
		case 'bigint':
			return mode === 'wire' ? doc.digits : JSON.stringify(doc.digits);
		case 'string':
			return JSON.stringify(doc.value);
		case 'array':
			return `[${doc.items.map((item) => render(item, mode)).join(',')}]`;
		case 'object':
			return `{${doc.entries.map(([key, value]) => `${JSON.stringify(key)}:${render(value, mode)}`).join(',')}}`;
		case 'encoded':
			return mode === 'decoded' ? render(doc.inner, mode) : JSON.stringify(render(doc.inner, 'wire'));
	}
}

/**
 * Every object in `value` is a plain one: Object.prototype, so n8n can copy it and turn it into text
 * (unless the data itself has a `toString` or `valueOf` key, as JSON.parse would give it too).
 */
function assertPlain(value: unknown, path = '$'): void {
	if (Array.isArray(value)) return value.forEach((item, i) => assertPlain(item, `${path}[${i}]`));
	if (typeof value !== 'object' || value === null) return;
	assert.equal(Object.getPrototypeOf(value), Object.prototype, `${path} has another prototype`);
	if (!Object.hasOwn(value, 'toString') && !Object.hasOwn(value, 'valueOf')) {
		assert.doesNotThrow(() => `${value as object}`, `${path} cannot be turned into text`);
	}
	for (const key of Object.keys(value)) assertPlain((value as Record<string, unknown>)[key], `${path}.${key}`);
}

const RUNS = 400;

describe('JSON decoding of Coze bodies (random documents)', () => {
	it('parses every document as JSON.parse would, with integers beyond 2^53 kept as their digits', () => {
		for (let seed = 1; seed <= RUNS; seed++) {
			const doc = generate(seeded(seed), 5);
			const parsed = parseJson(render(doc, 'wire'));
			assert.deepStrictEqual(parsed, JSON.parse(render(doc, 'parsed')), `seed ${seed}: ${render(doc, 'wire')}`);
			assertPlain(parsed);
		}
	});

	it('decodes JSON nested in strings to what was encoded, keeping keys such as __proto__ as data', () => {
		let tricky = 0;
		for (let seed = 1; seed <= RUNS; seed++) {
			const doc = generate(seeded(seed), 5);
			const wire = render(doc, 'wire');
			const decoded = decodeNestedJson(parseJson(wire));
			assert.deepStrictEqual(decoded, JSON.parse(render(doc, 'decoded')), `seed ${seed}: ${wire}`);
			assertPlain(decoded);
			if (wire.includes('"__proto__"')) tricky++;
		}
		assert.ok(tricky > RUNS / 10, `only ${tricky} documents had a "__proto__" key`);
	});

	it('keeps "__proto__" as an own key whatever its value, without touching the prototype', () => {
		for (const value of [null, 1, 'text', [], { approved: true }]) {
			const target: Record<string, unknown> = {};
			setOwn(target, '__proto__', value);
			assert.equal(Object.getPrototypeOf(target), Object.prototype);
			assert.deepStrictEqual(Object.keys(target), ['__proto__']);
			assert.deepStrictEqual(Object.getOwnPropertyDescriptor(target, '__proto__')?.value, value);
			assert.equal((target as { approved?: unknown }).approved, undefined);
		}
	});

	it('keeps output nodes named like Object.prototype members in a run history', () => {
		const { nodeOutputs } = splitHistoryOutput('{"Output":"{}","__proto__":"first","constructor":"second","node_status":"{}"}');
		assert.deepStrictEqual({ ...nodeOutputs }, JSON.parse('{"__proto__":"first","constructor":"second"}'));
		assert.equal(Object.getPrototypeOf(nodeOutputs), Object.prototype);
	});
});
