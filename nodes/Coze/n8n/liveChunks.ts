import type { IExecuteFunctions } from 'n8n-workflow';

import type { LiveChunk } from '../protocol/assembler';

export interface LiveChunkForwarder {
	forward(chunk: LiveChunk): void;
	finish(): void;
}

/**
 * Forwards Message chunks into n8n's streaming response (Webhook or Chat Trigger in streaming mode)
 * as they arrive: `begin`, one `item` per chunk, `end`. Returns `undefined` when the execution does
 * not stream, and on n8n versions without streaming, which then just get the final item.
 */
export function liveChunkForwarder(
	context: IExecuteFunctions,
	itemIndex: number,
	choice: { streamToResponse: boolean; streamNodes: 'all' | 'end' },
): LiveChunkForwarder | undefined {
	if (!choice.streamToResponse) return undefined;
	const canStream = typeof context.isStreaming === 'function' && typeof context.sendChunk === 'function' && context.isStreaming();
	if (!canStream) return undefined;
	let begun = false;
	return {
		forward(chunk) {
			if (choice.streamNodes === 'end' && !chunk.fromEndNode) return;
			if (!begun) {
				context.sendChunk('begin', itemIndex);
				begun = true;
			}
			context.sendChunk('item', itemIndex, chunk.text);
		},
		finish() {
			if (begun) context.sendChunk('end', itemIndex);
		},
	};
}
