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
		// The transport's deadline may pass before the answer begins; the chat's option is Total Timeout.
		return { failure: markOpenRun(inChatWords(error, options.totalTimeoutMs), 'sending') };
	}
	const logId = response.header('x-tt-logid');
	const assembler = new ChatAssembler({ kind, keepEvents: options.keepEvents, onDelta: options.onDelta });
	const decoder = new ChatStreamDecoder(options.maxEventBytes);
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
		return { ...ids, failure: markOpenRun(inChatWords(breakage, options.totalTimeoutMs, assembler), 'started') };
	}
	try {
		const result = assembler.result({ endpoint, logId }, breakage);
		if (decoder.truncated) result.notices.push('The last event of the stream was cut off and was left out.');
		return { ...ids, result };
	} catch (error) {
		return { ...ids, failure: markOpenRun(error, 'started') };
	}
}

/** A passed deadline as the chat's Total Timeout; any other failure as it is. */
function inChatWords(error: unknown, totalTimeoutMs: number, assembler?: ChatAssembler): unknown {
	if (!(error instanceof CozeTimeoutError) || error.timeoutKind !== 'total') return error;
	return new CozeTimeoutError(`The chat took longer than the total timeout of ${formatDuration(totalTimeoutMs)}.`, 'total', assembler?.executeId, assembler?.debugUrl);
}
