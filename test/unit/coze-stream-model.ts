/**
 * Coze-shaped SSE streams for the property and fuzz tests of the stream decoder: a fast-check
 * generator of streams as Coze (cloud and Studio) writes them, their encoding to bytes with every
 * framing variant the decoder must accept, the events each should decode to, and helpers that
 * decode bytes in arbitrary chunks and snapshot what the RunAssembler makes of the events.
 */
import fc from 'fast-check';

import { RunAssembler, type LiveChunk } from '../../nodes/Coze/protocol/assembler';
import { CozeStreamDecoder } from '../../nodes/Coze/protocol/streamDecoder';
import type { CozeStreamEvent } from '../../nodes/Coze/protocol/types';

/** fast-check options: a random seed (printed on failure), or a replay with FC_SEED / FC_PATH from that message. */
export function fcOptions(numRuns: number): fc.Parameters<unknown> {
	const seed = process.env.FC_SEED;
	const path = process.env.FC_PATH;
	return { numRuns, ...(seed ? { seed: Number(seed) } : {}), ...(path ? { path } : {}) };
}

// ---------- the model ----------

export type LineEndStyle = 'lf' | 'crlf' | 'cr' | 'mixed';
/** How the body ends: with the blank line after the last event, with only a line end, or mid-line (the doc examples). */
export type Ending = 'blank' | 'lineEnd' | 'none';

interface FramedEvent {
	kind: 'event';
	/** The `event:` field; undefined writes no event line (a default `message` event). */
	name: string | undefined;
	/** The `data:` value, one line. */
	data: string;
	withId: boolean;
	/** `id:0` rather than `id: 0` (coze-go's fixture), and the same for `event:` and `data:`. */
	noSpace: boolean;
	/** A `:` comment line inside the event, after the id line. */
	innerComment?: string;
	/** What the decoder must make of it, without its id. */
	expected: DistributiveOmit<CozeStreamEvent, 'id'>;
}

/** A bare JSON error envelope written as a line of its own (coze-js handles the same case). */
interface EnvelopeLine {
	kind: 'envelope';
	line: string;
	expected: CozeStreamEvent;
}

/** A line that carries no event: a comment keep-alive or a `retry:` field. */
interface NoiseLine {
	kind: 'noise';
	line: string;
}

export type StreamItem = FramedEvent | EnvelopeLine | NoiseLine;

export interface ModelStream {
	items: StreamItem[];
	lineEnds: LineEndStyle;
	/** Per-line choice for the `mixed` style (true: CRLF); cycled. */
	mixedPattern: boolean[];
	ending: Ending;
	/** A UTF-8 byte order mark before the first byte (TextDecoder drops it). */
	bom: boolean;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

// ---------- text ----------

/** Characters chosen for their UTF-8 shape and for what could confuse a line or JSON parser. */
const TEXT_UNITS = [
	...'abcXYZ019 .,!?-_/',
	'"',
	'\\',
	':',
	'{',
	'}',
	'\n',
	'\r',
	'\t',
	'\u0000',
	'é',
	'ß',
	'Ω',
	'为',
	'什',
	'么',
	'坐',
	'不',
	'下',
	'！',
	'，',
	'\u3000',
	'😀',
	'🚀',
	'𠜎',
	'👨‍👩‍👧',
	'🇨🇳',
	'\u2028',
	'\u2029',
	'\uFEFF',
	'\u00A0',
	'\uD800',
	'\uDFFF',
	'data: x',
	'id: 1',
	'event: Done',
];

/** Message content: CJK, emoji (4-byte UTF-8), ASCII and line-breaking characters JSON escapes; often empty. */
export const contentArb: fc.Arbitrary<string> = fc.oneof(
	{ weight: 1, arbitrary: fc.constant('') },
	{ weight: 6, arbitrary: fc.string({ unit: fc.constantFrom(...TEXT_UNITS), maxLength: 24 }) },
	{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

const WORDS = ['workflow', 'canceled', 'by', 'user', 'node', '超时', '失败', 'timeout', '😀', 'é', '[720712000]', 'x:y', '"q"'];

/** Raw text for Studio's lowercase `error` and unknown events: one line, no leading space, never a JSON object. */
const rawTextArb: fc.Arbitrary<string> = fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }).map((words) => words.join(' '));

// ---------- JSON as Coze writes it ----------

/** JSON with Coze's habits: keys in any order, optionally every non-ASCII character escaped, `&` as `\u0026`. */
function cozeJson(value: Record<string, unknown>, order: number[], asciiOnly: boolean, escapeAmp: boolean): string {
	const keys = Object.keys(value);
	const ordered: Record<string, unknown> = {};
	for (let i = 0; i < keys.length; i++) {
		const key = keys[(order[i] ?? i) % keys.length];
		if (!(key in ordered)) ordered[key] = value[key];
	}
	for (const key of keys) if (!(key in ordered)) ordered[key] = value[key];
	let text = JSON.stringify(ordered);
	if (asciiOnly) text = text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
	if (escapeAmp) text = text.replace(/&/g, '\\u0026');
	return text;
}

const jsonStyleArb = fc.record({ order: fc.array(fc.nat(20), { maxLength: 12 }), asciiOnly: fc.boolean(), escapeAmp: fc.boolean() });

// ---------- events ----------

interface NodeShape {
	title: string;
	id: string;
	type: string;
}

const NODES: NodeShape[] = [
	{ title: 'Message', id: '135279', type: 'Message' },
	{ title: '问答', id: '158341', type: 'Question' },
	{ title: '', id: '117001', type: 'LLM' },
	{ title: 'Output 😀', id: '190002', type: 'Output' },
];
const END_NODE: NodeShape = { title: 'End', id: '900001', type: 'End' };

const DEBUG_URL =
	'https://www.coze.cn/work_flow?execute_id=7404830425073352713&space_id=7300000000000000001&workflow_id=7400000000000000001&execute_mode=2';

interface MessageDraft {
	node: NodeShape;
	content: string;
	usage: boolean;
	legacy: boolean;
}

const framingArb = fc.record({
	withId: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
	noSpace: fc.boolean(),
	innerComment: fc.option(fc.constantFrom(': keep-alive', ':', ': 注释 😀'), { nil: undefined }),
});

type Framing = { withId: boolean; noSpace: boolean; innerComment?: string };

function framed(name: string | undefined, data: string, framing: Framing, expected: DistributiveOmit<CozeStreamEvent, 'id'>): FramedEvent {
	return { kind: 'event', name, data, ...framing, expected };
}

/** The non-Message items that may appear anywhere in a stream. */
const interludeArb: fc.Arbitrary<StreamItem> = fc.oneof(
	fc
		.record({ framing: framingArb, cloud: fc.boolean() })
		.map(({ framing, cloud }) => framed('PING', cloud ? '{"content":"{}","node_execute_uuid":""}' : '{}', framing, { type: 'PING' })),
	fc
		.record({
			framing: framingArb,
			name: fc.constantFrom('invalid', 'Heartbeat', 'progress', 'Message2', '进度', 'ping'),
			data: fc.oneof(rawTextArb, fc.constant('{}')),
		})
		.map(({ framing, name, data }) => framed(name, data, framing, { type: 'unknown', name, data })),
	fc
		.record({ framing: framingArb, data: rawTextArb })
		.map(({ framing, data }) => framed(undefined, data, framing, { type: 'unknown', name: 'message', data })),
	fc.constantFrom(': keep-alive', ':', 'retry: 3000', ': 😀 心跳').map((line): StreamItem => ({ kind: 'noise', line })),
);

/** How a stream ends: Done (with or without Coze's debug URL), Error (+ Done), Interrupt, Studio's raw error, an envelope, or nothing. */
const terminalArb: fc.Arbitrary<StreamItem[]> = fc.oneof(
	fc.record({ framing: framingArb, json: jsonStyleArb, real: fc.boolean() }).map(({ framing, json, real }) => {
		const data = real ? { node_execute_uuid: '', debug_url: DEBUG_URL } : {};
		return [framed('Done', cozeJson(data, json.order, json.asciiOnly, json.escapeAmp), framing, { type: 'Done', data })];
	}),
	fc
		.record({
			framing: framingArb,
			json: jsonStyleArb,
			code: fc.constantFrom(5000, 4200, 720701013),
			message: contentArb,
			done: fc.boolean(),
			doneFraming: framingArb,
		})
		.map(({ framing, json, code, message, done, doneFraming }) => {
			const data = { error_code: code, node_execute_uuid: '', error_message: message, debug_url: DEBUG_URL };
			const items: StreamItem[] = [framed('Error', cozeJson(data, json.order, json.asciiOnly, json.escapeAmp), framing, { type: 'Error', data })];
			if (done) items.push(framed('Done', '{}', doneFraming, { type: 'Done', data: {} }));
			return items;
		}),
	fc.record({ framing: framingArb, json: jsonStyleArb, type: fc.constantFrom(2, 5) }).map(({ framing, json, type }) => {
		const data = { interrupt_data: { data: '', event_id: '7404830425073352713/2769808280134765896', type }, node_title: '问答' };
		return [framed('Interrupt', cozeJson(data, json.order, json.asciiOnly, json.escapeAmp), framing, { type: 'Interrupt', data })];
	}),
	fc
		.record({ framing: framingArb, text: rawTextArb })
		.map(({ framing, text }) => [framed('error', text, { ...framing, withId: false }, { type: 'Error', data: { error_message: text } })]),
	fc
		.constantFrom({ code: 4000, msg: 'Request parameter error' }, { code: 4100, msg: 'authentication is invalid' })
		.map(({ code, msg }): StreamItem[] => [
			{
				kind: 'envelope',
				line: JSON.stringify({ code, msg }),
				expected: { type: 'Error', data: { error_code: code, error_message: msg, debug_url: undefined } },
			},
		]),
	fc.constant<StreamItem[]>([]),
);

const messageDraftArb: fc.Arbitrary<MessageDraft> = fc.record({
	node: fc.constantFrom(...NODES, END_NODE),
	content: contentArb,
	usage: fc.boolean(),
	legacy: fc.boolean(),
});

/** A whole Coze stream: messages of several nodes (End included), interludes, a terminal, any framing. */
export const streamArb: fc.Arbitrary<ModelStream> = fc
	.record({
		messages: fc.array(
			fc.record({ draft: messageDraftArb, framing: framingArb, json: jsonStyleArb, interlude: fc.option(interludeArb, { nil: undefined }) }),
			{
				maxLength: 14,
			},
		),
		terminal: terminalArb,
		lineEnds: fc.constantFrom<LineEndStyle>('lf', 'crlf', 'cr', 'mixed'),
		mixedPattern: fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
		ending: fc.constantFrom<Ending>('blank', 'lineEnd', 'none'),
		bom: fc.boolean(),
	})
	.map(({ messages, terminal, lineEnds, mixedPattern, ending, bom }) => {
		const items: StreamItem[] = [];
		const seqByNode = new Map<string, number>();
		const lastIndexByNode = new Map<string, number>();
		messages.forEach(({ draft }, i) => lastIndexByNode.set(draft.node.id, i));
		messages.forEach(({ draft, framing, json, interlude }, i) => {
			if (interlude) items.push(interlude);
			const seq = seqByNode.get(draft.node.id) ?? 0;
			seqByNode.set(draft.node.id, seq + 1);
			const data: Record<string, unknown> = {
				content: draft.content,
				content_type: 'text',
				node_title: draft.node.title,
				node_seq_id: String(seq),
				node_is_finish: lastIndexByNode.get(draft.node.id) === i,
				node_id: draft.node.id,
				node_type: draft.node.type,
				node_execute_uuid: '',
			};
			if (draft.usage) data.usage = { input_count: 12, output_count: 34, token_count: 46 };
			if (draft.legacy) Object.assign(data, { cost: '0.00', token: 0 });
			items.push(framed('Message', cozeJson(data, json.order, json.asciiOnly, json.escapeAmp), framing, { type: 'Message', data }));
		});
		items.push(...terminal);
		return { items, lineEnds, mixedPattern, ending, bom };
	});

// ---------- encoding ----------

/** The body's bytes, and the events it must decode to. */
export function encodeStream(stream: ModelStream): { bytes: Uint8Array; expected: CozeStreamEvent[] } {
	const lines: string[] = [];
	const expected: CozeStreamEvent[] = [];
	let nextId = 0;
	for (const item of stream.items) {
		if (item.kind === 'noise') {
			lines.push(item.line);
			continue;
		}
		if (item.kind === 'envelope') {
			lines.push(item.line);
			expected.push(item.expected);
			continue;
		}
		const id = nextId++;
		const sep = item.noSpace ? ':' : ': ';
		if (item.withId) lines.push(`id${sep}${id}`);
		if (item.innerComment !== undefined) lines.push(item.innerComment);
		if (item.name !== undefined) lines.push(`event${sep}${item.name}`);
		lines.push(`data${sep}${item.data}`);
		lines.push('');
		expected.push({ ...item.expected, id: item.withId ? String(id) : undefined } as CozeStreamEvent);
	}
	// How the body ends: after the blank line, after only a line end, or mid-line.
	if (stream.ending !== 'blank' && lines[lines.length - 1] === '') lines.pop();
	let text = '';
	lines.forEach((line, i) => {
		text += line;
		const last = i === lines.length - 1;
		if (!last || stream.ending !== 'none') text += lineEnd(stream, i);
	});
	const body = Buffer.from(text, 'utf8');
	const bytes = stream.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
	return { bytes: new Uint8Array(bytes), expected };
}

function lineEnd(stream: ModelStream, index: number): string {
	switch (stream.lineEnds) {
		case 'lf':
			return '\n';
		case 'crlf':
			return '\r\n';
		case 'cr':
			return '\r';
		default:
			return stream.mixedPattern[index % stream.mixedPattern.length] ? '\r\n' : '\n';
	}
}

// ---------- decoding ----------

export interface Decoded {
	events: CozeStreamEvent[];
	truncated: boolean;
}

/** Decodes `bytes` pushed in the pieces `cuts` makes (positions, any order, duplicates give empty chunks), then ends. */
export function decodeChunked(bytes: Uint8Array, cuts: readonly number[] = []): Decoded {
	const decoder = new CozeStreamDecoder();
	const events: CozeStreamEvent[] = [];
	let from = 0;
	for (const cut of [...cuts].sort((a, b) => a - b)) {
		events.push(...decoder.push(bytes.subarray(from, cut)));
		from = cut;
	}
	events.push(...decoder.push(bytes.subarray(from)));
	events.push(...decoder.end());
	return { events, truncated: decoder.truncated };
}

export function decodeWhole(bytes: Uint8Array): Decoded {
	return decodeChunked(bytes, []);
}

/** Byte positions where a cut falls inside a multi-byte UTF-8 character or between a CR and its LF. */
export function trickyCuts(bytes: Uint8Array): number[] {
	const out: number[] = [];
	for (let i = 1; i < bytes.length; i++) {
		if ((bytes[i] & 0xc0) === 0x80 || (bytes[i - 1] === 0x0d && bytes[i] === 0x0a)) out.push(i);
	}
	return out;
}

// ---------- assembling ----------

export interface Assembled {
	live: Array<LiveChunk | undefined>;
	outputText: string | undefined;
	messages: ReturnType<RunAssembler['messages']>;
	hasGaps: boolean;
	usage: RunAssembler['usage'];
	debugUrl: string | undefined;
	executeId: string | undefined;
	interrupt: RunAssembler['interrupt'];
	failure: RunAssembler['failure'];
	terminal: RunAssembler['terminal'];
	doneReceived: boolean;
	eventCount: number;
	messageCount: number;
}

/** Everything a RunAssembler reports after taking `events` (as the client would, one by one). */
export function assemble(events: readonly CozeStreamEvent[]): Assembled {
	const assembler = new RunAssembler({ keepEvents: false });
	const live = events.map((event) => assembler.add(event));
	return {
		live,
		outputText: assembler.outputText(),
		messages: assembler.messages(),
		hasGaps: assembler.hasGaps(),
		usage: assembler.usage,
		debugUrl: assembler.debugUrl,
		executeId: assembler.executeId,
		interrupt: assembler.interrupt,
		failure: assembler.failure,
		terminal: assembler.terminal,
		doneReceived: assembler.doneReceived,
		eventCount: assembler.eventCount,
		messageCount: assembler.messageCount,
	};
}

/** The output the model says a stream has: the End node's chunks in order, else the last speaking node's. */
export function expectedOutput(stream: ModelStream): string | undefined {
	const contentByNode = new Map<string, string>();
	let last: string | undefined;
	let end: string | undefined;
	for (const item of stream.items) {
		if (item.kind !== 'event' || item.expected.type !== 'Message') continue;
		const data = item.expected.data;
		const key = data.node_id ?? '';
		contentByNode.set(key, (contentByNode.get(key) ?? '') + (data.content ?? ''));
		last = key;
		if (data.node_type === 'End') end = key;
	}
	const key = end ?? last;
	return key === undefined ? undefined : contentByNode.get(key);
}
