import type { IExecuteFunctions } from 'n8n-workflow';

import type { LiveChunk } from '../protocol/assembler';
import type { ChatAnswerDelta } from '../protocol/chat/types';
import { isToolMode } from '../../shared/toolMode';

export interface LiveChunkForwarder {
	forward(chunk: LiveChunk): void;
	finish(): void;
}

interface LiveTextForwarder {
	send(text: string): void;
	finish(): void;
}

/**
 * Forwards text into n8n's streaming response (Webhook or Chat Trigger in streaming mode) as it
 * arrives: `begin`, one `item` per piece, `end`. Returns `undefined` when the execution does not
 * stream, and on n8n versions without streaming, which then just get the final item. A tool never
 * streams: under an AI Agent its chunks would land in the user's chat between the agent's words.
 */
function liveTextForwarder(context: IExecuteFunctions, itemIndex: number, streamToResponse: boolean): LiveTextForwarder | undefined {
	if (!streamToResponse || isToolMode(context)) return undefined;
	const canStream = typeof context.isStreaming === 'function' && typeof context.sendChunk === 'function' && context.isStreaming();
	if (!canStream) return undefined;
	let begun = false;
	return {
		send(text) {
			if (!begun) {
				context.sendChunk('begin', itemIndex);
				begun = true;
			}
			context.sendChunk('item', itemIndex, text);
		},
		finish() {
			if (begun) context.sendChunk('end', itemIndex);
		},
	};
}

/** A workflow run's Message chunks, from every output node or only the End node. */
export function liveChunkForwarder(
	context: IExecuteFunctions,
	itemIndex: number,
	choice: { streamToResponse: boolean; streamNodes: 'all' | 'end' },
): LiveChunkForwarder | undefined {
	const live = liveTextForwarder(context, itemIndex, choice.streamToResponse);
	if (!live) return undefined;
	return {
		forward(chunk) {
			if (choice.streamNodes === 'end' && !chunk.fromEndNode) return;
			live.send(chunk.text);
		},
		finish: () => live.finish(),
	};
}

/**
 * Runs a chat round with its answer deltas forwarded live (the client passes only answer text,
 * never tool, verbose or follow-up content), and closes the response's part whatever the outcome.
 */
export async function withLiveAnswer<T>(
	context: IExecuteFunctions,
	itemIndex: number,
	streamToResponse: boolean,
	round: (onDelta: ((delta: ChatAnswerDelta) => void) | undefined) => Promise<T>,
): Promise<T> {
	const live = liveTextForwarder(context, itemIndex, streamToResponse);
	try {
		const onDelta = live
			? (delta: ChatAnswerDelta) => {
					if (delta.text !== '') live.send(delta.text);
				}
			: undefined;
		return await round(onDelta);
	} finally {
		live?.finish();
	}
}
