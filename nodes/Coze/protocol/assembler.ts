import { executeIdFromDebugUrl, executeIdFromEventId } from './ids';
import { interruptFromPayload, type AssembledMessage, type InterruptInfo } from './runResult';
import type { CozeStreamEvent, CozeUsage, MessageEventData } from './types';

export interface StreamFailure {
	code?: number;
	message: string;
}

/** A Message chunk as it arrives, for live forwarding. */
export interface LiveChunk {
	text: string;
	nodeTitle: string;
	nodeId: string;
	nodeType: string;
	/** True when the chunk is known to come from the End node. */
	fromEndNode: boolean;
}

export type StreamTerminal = 'done' | 'error' | 'interrupt';

interface NodeBuffer {
	title: string;
	id: string;
	type: string;
	/** Content of the chunks before `base`, joined a block at a time (see COMPACT_EVERY). */
	blocks: string[];
	base: number;
	/** Chunks from `base` on, by `node_seq_id` − base; holes (lost chunks) stay empty. */
	chunks: string[];
	/** Characters in `chunks` (about: a chunk sent twice counts twice). */
	chunksChars: number;
	/** `chunks` joined, kept so that the output and the message list share one string (a 100 MB output
	 *  would otherwise exist twice); dropped when a chunk arrives. */
	joined?: string;
	/** Empty slots left in `chunks` by seq numbers that skipped ahead. */
	holes: number;
	finished: boolean;
	/** Message events taken (an End node that returns variables sends one; answer text may come in many). */
	messageCount: number;
}

const MAX_GAP_PER_EVENT = 1000;
/**
 * Every this many chunks in a row (no holes), they are joined into one block. Tens of thousands of
 * small strings kept until the run ends would each be copied by the garbage collector as they age;
 * a block is one copy, made while the small strings are still young and cheap to drop.
 */
const COMPACT_EVERY = 256;
/** Chunks longer than this on average are big enough to be kept as they are. */
const SMALL_CHUNK_CHARS = 1024;
const MAX_HOLES = 100_000;

/** Coze's End node: typed `End` on the cloud, id 900001 in real captures, titled `End` elsewhere. */
function isEndNode(data: MessageEventData): boolean {
	return data.node_type === 'End' || data.node_id === '900001' || data.node_title === 'End';
}

/**
 * Assembles a run from its stream events (`Message`, `Interrupt`, `Error`, `Done`, `PING`): per-node content, the End node's output, usage,
 * debug URL, execute ID, interrupt and failure. Memory grows with the content, not with the number
 * of events; raw events are kept only when asked for.
 */
export class RunAssembler {
	/** Per run of a node, in the order the runs began. */
	private readonly nodes = new Map<string, NodeBuffer>();
	/** The key in `nodes` of the current run of each node (see `nodeKey`), and how many runs it had. */
	private readonly currentRun = new Map<string, { key: string; runs: number }>();
	private lastMessageNodeKey: string | undefined;
	private endNodeKey: string | undefined;
	readonly events: CozeStreamEvent[] | undefined;
	usage: CozeUsage | undefined;
	debugUrl: string | undefined;
	executeId: string | undefined;
	interrupt: InterruptInfo | undefined;
	failure: StreamFailure | undefined;
	terminal: StreamTerminal | undefined;
	doneReceived = false;
	eventCount = 0;
	messageCount = 0;

	private readonly liveChunks: boolean;
	private readonly onChunk: ((chunk: LiveChunk) => void) | undefined;

	/**
	 * `liveChunks`: a function is called with each chunk as `add` returns it; `false` when nobody
	 * forwards chunks: `add` then returns nothing and allocates nothing per Message.
	 */
	constructor(options: { keepEvents: boolean; liveChunks?: boolean | ((chunk: LiveChunk) => void) }) {
		this.events = options.keepEvents ? [] : undefined;
		this.liveChunks = options.liveChunks !== false;
		this.onChunk = typeof options.liveChunks === 'function' ? options.liveChunks : undefined;
	}

	/** Takes one event; returns the chunk to forward live, if it was a Message with content. */
	add(event: CozeStreamEvent): LiveChunk | undefined {
		this.eventCount++;
		this.events?.push(event);
		switch (event.type) {
			case 'Message': {
				const chunk = this.addMessage(event.data);
				if (chunk) this.onChunk?.(chunk);
				return chunk;
			}
			case 'Error': {
				this.noteDebugUrl(event.data.debug_url);
				const code = Number(event.data.error_code);
				this.failure = {
					code: Number.isFinite(code) ? code : undefined,
					message: event.data.error_message || 'The workflow run failed',
				};
				this.terminal = 'error';
				return undefined;
			}
			case 'Done':
				this.noteDebugUrl(event.data.debug_url);
				this.doneReceived = true;
				// A Done after Error or Interrupt only completes those; it does not turn them into success.
				this.terminal ??= 'done';
				return undefined;
			case 'Interrupt': {
				const payload = event.data.interrupt_data ?? {};
				const nodeTitle = event.data.node_title ?? '';
				this.noteDebugUrl(event.data.debug_url);
				this.executeId ??= executeIdFromEventId(payload.event_id);
				this.interrupt = interruptFromPayload(payload, nodeTitle, this.questionText(nodeTitle));
				this.terminal ??= 'interrupt';
				return undefined;
			}
			default:
				// PING keeps the connection alive; unknown events are ignored, as every SDK does.
				return undefined;
		}
	}

	private addMessage(data: MessageEventData): LiveChunk | undefined {
		this.messageCount++;
		const key = this.runKey(data);
		let node = this.nodes.get(key);
		if (!node) {
			node = { title: data.node_title ?? '', id: data.node_id ?? '', type: data.node_type ?? '', blocks: [], base: 0, chunks: [], chunksChars: 0, holes: 0, finished: false, messageCount: 0 };
			this.nodes.set(key, node);
		}
		node.messageCount++;
		const text = data.content ?? '';
		node.joined = undefined;
		const seq = Number(data.node_seq_id);
		// A seq number ahead of the chunks so far leaves holes for chunks still to come (or lost). Holes
		// are bounded, per event and in all, so that made-up numbers cannot grow the array without end.
		const index = seq - node.base;
		const gap = index - node.chunks.length;
		if (Number.isInteger(seq) && index >= 0 && (gap <= 0 || (gap <= MAX_GAP_PER_EVENT && node.holes + gap <= MAX_HOLES))) {
			if (gap > 0) node.holes += gap;
			else if (index < node.chunks.length && node.chunks[index] === undefined) node.holes--;
			node.chunks[index] = text;
			node.chunksChars += text.length;
		} else if (!(Number.isInteger(seq) && seq >= 0 && index < 0)) {
			node.chunks.push(text);
			node.chunksChars += text.length;
		} // else: a seq number already joined into a block, i.e. a chunk sent again: it is there already.
		if (node.holes === 0 && node.chunks.length >= COMPACT_EVERY) {
			// Joining pays only for many small strings, and only when nothing else keeps them (raw events do).
			if (this.events === undefined && node.chunksChars <= COMPACT_EVERY * SMALL_CHUNK_CHARS) node.blocks.push(node.chunks.join(''));
			else for (const chunk of node.chunks) node.blocks.push(chunk);
			node.base += node.chunks.length;
			node.chunks = [];
			node.chunksChars = 0;
		}
		if (data.node_is_finish) node.finished = true;
		if (data.usage) this.usage = data.usage;
		this.lastMessageNodeKey = key;
		const fromEndNode = isEndNode(data);
		if (fromEndNode) this.endNodeKey = key;
		if (text === '' || !this.liveChunks) return undefined;
		return { text, nodeTitle: node.title, nodeId: node.id, nodeType: node.type, fromEndNode };
	}

	/**
	 * The key of the node run a Message belongs to. One node can run many times in one workflow run (in
	 * a loop, a batch, a sub-workflow), often with the same node ID and an empty execute UUID: the loop,
	 * batch and sub-workflow context tell the runs apart, and a `node_seq_id` that starts again at 0
	 * after the node finished begins a new run when Coze sends no context.
	 */
	private runKey(data: MessageEventData): string {
		const node = data.node_execute_uuid || data.node_id || data.node_title || '';
		const context = [data.sub_execute_id, data.loop_index, data.batch_index]
			.map((part) => (typeof part === 'string' || typeof part === 'number' ? String(part) : ''))
			.join('/');
		const identity = context === '//' ? node : `${node}\u0000${context}`;
		const current = this.currentRun.get(identity);
		if (!current) {
			this.currentRun.set(identity, { key: identity, runs: 1 });
			return identity;
		}
		if (this.nodes.get(current.key)?.finished && data.node_seq_id === '0') {
			current.runs++;
			current.key = `${identity}\u0000#${current.runs}`;
		}
		return current.key;
	}

	private noteDebugUrl(url: string | undefined): void {
		if (!url) return;
		this.debugUrl = url;
		this.executeId ??= executeIdFromDebugUrl(url);
	}

	private questionText(nodeTitle: string): string {
		// The last run of the node, when it ran more than once.
		let asked: NodeBuffer | undefined;
		for (const node of this.nodes.values()) if (nodeTitle && node.title === nodeTitle) asked = node;
		if (asked) return join(asked);
		const last = this.lastMessageNodeKey === undefined ? undefined : this.nodes.get(this.lastMessageNodeKey);
		return last ? join(last) : '';
	}

	/**
	 * The workflow's output text: the End node's content, or, when no message says which node is the
	 * End node (the doc examples), the content of the node that spoke last.
	 */
	outputText(): string | undefined {
		const key = this.endNodeKey ?? this.lastMessageNodeKey;
		const node = key === undefined ? undefined : this.nodes.get(key);
		return node ? join(node) : undefined;
	}

	/**
	 * True when the output is answer text for certain: the End node (or the node that spoke last) sent
	 * it in several Messages, which a node that returns variables never does. Its text is then not
	 * decoded as JSON, as sync runs and run histories, which mark answer text, do not decode it either.
	 */
	outputIsText(): boolean {
		const key = this.endNodeKey ?? this.lastMessageNodeKey;
		const node = key === undefined ? undefined : this.nodes.get(key);
		return node !== undefined && node.messageCount > 1;
	}

	/** True when some node's `node_seq_id`s have a gap (a lost chunk). */
	hasGaps(): boolean {
		for (const node of this.nodes.values()) {
			for (let i = 0; i < node.chunks.length; i++) if (node.chunks[i] === undefined) return true;
		}
		return false;
	}

	messages(): AssembledMessage[] {
		return [...this.nodes.values()].map((node) => ({
			nodeTitle: node.title,
			nodeId: node.id,
			nodeType: node.type,
			content: join(node),
		}));
	}
}

function join(node: NodeBuffer): string {
	node.joined ??= node.blocks.length === 0 ? node.chunks.join('') : node.blocks.concat(node.chunks).join('');
	return node.joined;
}
