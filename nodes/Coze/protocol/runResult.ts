import { executeIdOf, stringField } from './envelope';
import { CozeInputError } from './errors';
import { executeIdFromEventId } from './ids';
import { isPlainObject, parseJson } from './json';
import type { CozeEnvelope, CozeStreamEvent, CozeUsage, InterruptPayload } from './types';

/** What a run is asked with and what it answers, whether it ran as a stream, sync, async or is read from its history. */

export interface RunRequest {
	workflowId: string;
	parameters: Record<string, unknown>;
	botId?: string;
	appId?: string;
	workflowVersion?: string;
	/** Sent as `ext.user_id`. */
	userId?: string;
}

export interface ResumeRequest {
	workflowId: string;
	eventId: string;
	interruptType: number;
	resumeData: string;
}

/** Content assembled for one node, in `node_seq_id` order. */
export interface AssembledMessage {
	nodeTitle: string;
	nodeId: string;
	nodeType: string;
	content: string;
}

export interface InterruptInfo {
	eventId: string;
	type: number;
	/** The text of the Message that preceded the Interrupt (the question asked). */
	question: string;
	data: string;
	requiredParameters?: Record<string, unknown>;
	nodeTitle: string;
}

export interface CozeRunResult {
	status: 'succeeded' | 'interrupted';
	/** The End node's raw output text (JSON text of its variables, or answer text). */
	outputText: string | undefined;
	/** True when `outputText` is known to be answer text, so it is not decoded as the JSON of variables. */
	outputIsText?: boolean;
	executeId?: string;
	debugUrl?: string;
	usage?: CozeUsage;
	logId?: string;
	messages: AssembledMessage[];
	events?: CozeStreamEvent[];
	interrupt?: InterruptInfo;
	outputTrimmed: boolean;
	/** How the result was obtained: `poll` when a broken stream was recovered from the run history. */
	source: 'stream' | 'sync' | 'async' | 'poll' | 'history';
	/** How many Message events a stream carried. */
	messageCount: number;
	/** Things the user should know that are not failures. */
	notices: string[];
}

export function runBody(request: RunRequest, isAsync: boolean): Record<string, unknown> {
	if (request.botId && request.appId) {
		throw new CozeInputError('Bot ID', 'Set either Bot ID or App ID, not both: Coze refuses a run that names both (code 4000).');
	}
	const body: Record<string, unknown> = { workflow_id: request.workflowId, parameters: request.parameters };
	if (request.botId) body.bot_id = request.botId;
	if (request.appId) body.app_id = request.appId;
	if (request.workflowVersion) body.workflow_version = request.workflowVersion;
	if (request.userId) body.ext = { user_id: request.userId };
	if (isAsync) body.is_async = true;
	return body;
}

export function resumeBody(request: ResumeRequest): Record<string, unknown> {
	return {
		workflow_id: request.workflowId,
		event_id: request.eventId,
		interrupt_type: request.interruptType,
		resume_data: request.resumeData,
	};
}

export function resultFromRunResponse(envelope: CozeEnvelope, logId: string | undefined, source: CozeRunResult['source']): CozeRunResult {
	const debugUrl = stringField(envelope, 'debug_url');
	const executeId = executeIdOf(envelope);
	const interruptData = isPlainObject(envelope.interrupt_data) ? (envelope.interrupt_data as InterruptPayload) : undefined;
	const usage = isPlainObject(envelope.usage) ? (envelope.usage as CozeUsage) : undefined;
	// An empty `data` is no output, as an empty `Output` in a run history is.
	const outputText = typeof envelope.data === 'string' ? envelope.data || undefined : envelope.data === undefined ? undefined : JSON.stringify(envelope.data);
	return {
		status: interruptData ? 'interrupted' : 'succeeded',
		outputText: interruptData ? undefined : outputText,
		executeId: executeId ?? (interruptData ? executeIdFromEventId(interruptData.event_id) : undefined),
		debugUrl,
		usage,
		logId,
		messages: [],
		interrupt: interruptData ? interruptFromPayload(interruptData, '', questionFromInterruptData(interruptData.data)) : undefined,
		outputTrimmed: false,
		source,
		messageCount: 0,
		notices: [],
	};
}

export function interruptFromPayload(payload: InterruptPayload, nodeTitle: string, question: string): InterruptInfo {
	return {
		eventId: payload.event_id ?? '',
		type: Number(payload.type),
		question,
		data: payload.data ?? '',
		requiredParameters: payload.required_parameters,
		nodeTitle,
	};
}

/** An input node's interrupt `data` is `{"content_type":"text","content":"…"}`; its content is what it asks for. */
export function questionFromInterruptData(data: string | undefined): string {
	if (!data) return '';
	try {
		const parsed = parseJson(data);
		if (isPlainObject(parsed) && typeof parsed.content === 'string') return parsed.content;
	} catch {
		// plain text
	}
	return data;
}
