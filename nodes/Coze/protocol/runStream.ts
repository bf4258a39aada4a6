import { RunAssembler, type LiveChunk } from './assembler';
import { apiErrorFromBody, parseEnvelope } from './envelope';
import { CozeAbortedError, CozeApiError, CozeError, CozeProtocolError, CozeStreamEndedError, CozeTimeoutError, markingOpenRun, markOpenRun } from './errors';
import type { CozeRequester, Reading } from './requester';
import { formatDuration, type PollOptions, type RunHistoryReader } from './runHistory';
import type { CozeRunResult } from './runResult';
import { CozeStreamDecoder } from './streamDecoder';
import { tooLargeError, MAX_MESSAGE_BYTES, readText, type TransportRequest, type TransportResponse } from './transport';

export interface StreamOptions {
	/** No byte for this long fails the stream (Coze sends a PING about every 35 s while a run works). */
	idleTimeoutMs: number;
	/** The whole run may take at most this long. */
	totalTimeoutMs: number;
	keepEvents: boolean;
	/** The most one event, or a JSON body sent in place of the stream, may hold (default 64 MiB). */
	maxEventBytes?: number;
	/** Called for each Message chunk as it arrives. */
	onChunk?: (chunk: LiveChunk) => void;
	/** Used when the stream breaks after the execute ID is known: the run is then read by polling. */
	poll: PollOptions;
}

/**
 * Runs a workflow, or resumes one, over `stream_run` / `stream_resume` and assembles the result. When
 * the stream breaks after the execute ID is known, the run is read from its history instead.
 */
export async function runStream(
	requester: CozeRequester,
	histories: RunHistoryReader,
	path: string,
	body: Record<string, unknown>,
	workflowId: string,
	options: StreamOptions,
	knownExecuteId?: string,
): Promise<CozeRunResult> {
	const started = requester.runtime.now();
	const endpoint = `POST ${path}`;
	const response = await openEventStream(requester, { method: 'POST', path, json: body, accept: 'text/event-stream', idleTimeoutMs: options.idleTimeoutMs });
	const logId = response.header('x-tt-logid');

	const assembler = new RunAssembler({ keepEvents: options.keepEvents, liveChunks: options.onChunk ?? false });
	const maxEventBytes = options.maxEventBytes ?? MAX_MESSAGE_BYTES;
	const decoder = new CozeStreamDecoder(maxEventBytes);
	let firstBytes: string | undefined = '';
	let jsonBody: Uint8Array[] | undefined;
	let jsonBytes = 0;
	let breakage: unknown;
	try {
		for await (const chunk of response.body) {
			if (requester.runtime.now() - started > options.totalTimeoutMs) {
				throw new CozeTimeoutError(
					`The run took longer than the total timeout of ${formatDuration(options.totalTimeoutMs)}.`,
					'total',
					assembler.executeId,
					assembler.debugUrl,
				);
			}
			// A bare JSON error can arrive with an event-stream content type (coze-js handles the same case).
			if (firstBytes !== undefined) {
				firstBytes += Buffer.from(chunk).toString('utf8', 0, Math.min(chunk.byteLength, 16));
				const head = firstBytes.trimStart();
				if (head.length > 0) {
					if (head.startsWith('{')) jsonBody = [];
					firstBytes = undefined;
				}
			}
			if (jsonBody) {
				jsonBytes += chunk.byteLength;
				if (jsonBytes > maxEventBytes) throw tooLargeError('JSON body sent in place of the stream', maxEventBytes);
				jsonBody.push(chunk);
				continue;
			}
			for (const event of decoder.push(chunk)) assembler.add(event);
			if (assembler.terminal === 'done') break;
		}
		if (!jsonBody) for (const event of decoder.end()) assembler.add(event);
	} catch (error) {
		breakage = error;
	} finally {
		response.body.destroy();
	}
	// A stop, a protocol violation or the total timeout end the run here. A broken or silent
	// connection does not: what was received still counts (an Error or an Interrupt before the
	// break is the run's answer), and otherwise the run may be read from its history.
	const fatal =
		breakage !== undefined &&
		(!(breakage instanceof CozeError) ||
			breakage instanceof CozeAbortedError ||
			breakage instanceof CozeProtocolError ||
			(breakage instanceof CozeTimeoutError && breakage.timeoutKind === 'total'));
	if (fatal) throw markOpenRun(breakage, 'started');

	if (jsonBody) {
		const text = Buffer.concat(jsonBody).toString('utf8');
		throw apiErrorFromBody(text, response.status, logId, endpoint, 'application/json', undefined, true);
	}

	if (assembler.terminal === 'error') {
		const failure = assembler.failure ?? { message: 'The workflow run failed' };
		throw new CozeApiError({
			code: failure.code,
			message: failure.message,
			debugUrl: assembler.debugUrl,
			executeId: assembler.executeId ?? knownExecuteId,
			logId,
			httpStatus: 200,
			endpoint,
			runFailed: true,
		});
	}
	if (assembler.terminal === 'done' || assembler.terminal === 'interrupt') {
		return resultFromAssembler(assembler, logId, knownExecuteId);
	}

	// No terminal event. With the execute ID known, the run can still be read from its history.
	const executeId = assembler.executeId ?? knownExecuteId;
	if (executeId) {
		const result = await markingOpenRun('started', async () => await histories.waitForResult(workflowId, executeId, options.poll, 'poll'));
		result.notices.push(
			'The stream from Coze ended before the workflow finished; the result was read from the run history instead.',
		);
		return { ...result, logId: result.logId ?? logId };
	}
	const cause = breakage instanceof Error ? ` (${breakage.message})` : '';
	throw markOpenRun(new CozeStreamEndedError(
		`The stream ended before the workflow finished${cause}. Coze sent no execute ID before that, so the run cannot be looked up; ` +
			'check the workflow in Coze before running it again.',
		assembler.eventCount,
	), 'started');
}

/**
 * Sends a request that may start a run and answers with an event stream. A response that is not a
 * stream (parameter and auth errors arrive before streaming starts, as a JSON envelope) becomes a
 * `CozeApiError`.
 */
export async function openEventStream(requester: CozeRequester, request: TransportRequest): Promise<TransportResponse> {
	return await markingOpenRun('sending', async () => await requester.exchange(request, 'starts-run', async (answer): Promise<Reading<TransportResponse>> => {
		if (answer.status === 200 && (answer.header('content-type') ?? '').includes('text/event-stream')) return { ok: true, value: answer };
		const text = await readText(answer.body);
		return { ok: false, text, envelope: parseEnvelope(text) };
	}));
}

/** `knownExecuteId`: a resumed run's ID, from its event ID, for a Done that names none. */
function resultFromAssembler(assembler: RunAssembler, logId: string | undefined, knownExecuteId: string | undefined): CozeRunResult {
	const notices: string[] = [];
	if (assembler.hasGaps()) notices.push('Some message chunks were missing from the stream (gaps in node_seq_id).');
	return {
		status: assembler.terminal === 'interrupt' ? 'interrupted' : 'succeeded',
		outputText: assembler.outputText(),
		outputIsText: assembler.outputIsText(),
		executeId: assembler.executeId ?? knownExecuteId,
		debugUrl: assembler.debugUrl,
		usage: assembler.usage,
		logId,
		messages: assembler.messages(),
		events: assembler.events,
		interrupt: assembler.interrupt,
		outputTrimmed: false,
		source: 'stream',
		messageCount: assembler.messageCount,
		notices,
	};
}
