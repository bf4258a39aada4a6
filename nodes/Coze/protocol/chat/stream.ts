import { CozeConnectionError, CozeTimeoutError, markOpenRun } from '../errors';
import type { CozeRequester } from '../requester';
import { formatDuration } from '../runHistory';
import { openEventStream } from '../runStream';
import type { TransportRequest } from '../transport';
import { ChatAssembler, type ChatKind } from './assembler';
import { ChatStreamDecoder } from './decoder';
import type { ChatStreamOptions, CozeChatResult } from './types';

/** What a chat stream gave: its result, or a failure, with the ids known when it failed (to cancel the chat). */
export interface ChatStreamOutcome {
	result?: CozeChatResult;
	failure?: unknown;
	conversationId?: string;
	chatId?: string;
}

/**
 * Sends a request that starts (or continues) a chat round and reads its event stream to the end.
 * Never throws: the caller decides what a failure calls for (an agent's chat is cancelled on a stop).
 * Failures are marked by `markOpenRun`: a round that may go on in Coze is not started again by a retry.
 */
export async function readChatStream(
	requester: CozeRequester,
	request: Omit<TransportRequest, 'accept' | 'idleTimeoutMs' | 'deadlineMs'>,
	kind: ChatKind,
	options: ChatStreamOptions,
): Promise<ChatStreamOutcome> {
	const endpoint = `${request.method} ${request.path}`;
	let response;
	try {
		response = await openEventStream(requester, {
			...request,
			accept: 'text/event-stream',
			idleTimeoutMs: options.idleTimeoutMs,
			deadlineMs: options.totalTimeoutMs,
		});
	} catch (error) {
		return { failure: error };
	}
	const logId = response.header('x-tt-logid');
	const assembler = new ChatAssembler({ kind, keepEvents: options.keepEvents, onDelta: options.onDelta });
	const decoder = new ChatStreamDecoder();
	let breakage: unknown;
	try {
		for await (const chunk of response.body) {
			for (const event of decoder.push(chunk)) assembler.add(event);
			if (assembler.streamDone) break;
		}
		if (!assembler.streamDone) for (const event of decoder.end()) assembler.add(event);
	} catch (error) {
		breakage = error;
	} finally {
		response.body.destroy();
	}
	const ids = { conversationId: assembler.conversationId, chatId: assembler.chatId };
	// After the round said how it ended, a broken or silent connection loses nothing; a broken one before
	// that ends the round without an end (the assembler says so); anything else is the answer.
	const harmless =
		assembler.ended && (breakage instanceof CozeConnectionError || (breakage instanceof CozeTimeoutError && breakage.timeoutKind === 'idle'));
	if (breakage !== undefined && !harmless && !(breakage instanceof CozeConnectionError)) {
		const failure =
			breakage instanceof CozeTimeoutError && breakage.timeoutKind === 'total'
				? new CozeTimeoutError(
						`The chat took longer than the total timeout of ${formatDuration(options.totalTimeoutMs)}.`,
						'total',
						assembler.executeId,
						assembler.debugUrl,
					)
				: breakage;
		return { ...ids, failure: markOpenRun(failure, 'started') };
	}
	try {
		const result = assembler.result({ endpoint, logId }, breakage);
		if (decoder.truncated) result.notices.push('The last event of the stream was cut off and was left out.');
		return { ...ids, result };
	} catch (error) {
		return { ...ids, failure: markOpenRun(error, 'started') };
	}
}
