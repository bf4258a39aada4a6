import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { PollOptions, StreamOptions } from '../protocol/client';
import { CozeInputError } from '../protocol/errors';
import { idText, looksLikeUrl, workflowIdFromUrl } from '../protocol/ids';
import { isPlainObject, parseJson } from '../protocol/json';

/** The node's Options collection, read and checked once per item. Times are in milliseconds. */
export interface RunOptions {
	botId?: string;
	appId?: string;
	workflowVersion?: string;
	userId?: string;
	parseOutput: boolean;
	includeMessages: boolean;
	includeEvents: boolean;
	idleTimeoutMs: number;
	totalTimeoutMs: number;
	requestTimeoutMs: number;
	maxEventBytes: number;
	poll: PollOptions;
	fallbackToStream: boolean;
	/** Forward live chunks into a streaming response, and from which nodes. */
	streamToResponse: boolean;
	streamNodes: 'all' | 'end';
}

export function secondsOption(options: IDataObject, key: string, label: string, fallback: number, max?: number): number {
	const raw = options[key] ?? fallback;
	const value = typeof raw === 'number' ? raw : Number(raw);
	if (!Number.isFinite(value) || value <= 0) {
		throw new CozeInputError(label, `${label} must be a positive number of seconds, not "${String(raw)}"`);
	}
	if (max !== undefined && value > max) {
		throw new CozeInputError(label, `${label} must be at most ${max} seconds, not ${value}`);
	}
	return Math.round(value * 1000);
}

/** The most Max Event Size may be: one event is held as one string, and V8's strings end near 512 MB. */
export const MAX_EVENT_SIZE_MB = 512;

/** Max Event Size (MB), in bytes: the most one stream event may hold. */
export function maxEventBytesOption(options: IDataObject): number {
	const raw = options.maxEventSize ?? 64;
	const value = typeof raw === 'number' ? raw : Number(raw);
	if (!Number.isFinite(value) || value < 1 || value > MAX_EVENT_SIZE_MB) {
		throw new CozeInputError(
			'Max Event Size',
			`Max Event Size must be a number of MB from 1 to ${MAX_EVENT_SIZE_MB}, not "${String(raw)}"; the default 64 suits every Coze workflow`,
		);
	}
	return Math.round(value * 1024 * 1024);
}

export function textOption(options: IDataObject, key: string, label: string): string | undefined {
	const raw = options[key];
	if (raw === undefined || raw === null || raw === '') return undefined;
	if (typeof raw !== 'string' && typeof raw !== 'number') {
		throw new CozeInputError(label, `${label} must be text, not ${typeof raw}`);
	}
	const value = String(raw).trim();
	return value === '' ? undefined : value;
}

export function idOption(options: IDataObject, key: string, label: string): string | undefined {
	return digitsId(options[key], label) || undefined;
}

/** A Coze ID given as a parameter: digits only, or empty. */
export function digitsId(raw: unknown, label: string): string {
	const value = idParameter(raw, label);
	if (value !== '' && !/^\d+$/.test(value)) throw new CozeInputError(label, `${label} must be a Coze ID (digits only), not "${value}"`);
	return value;
}

/**
 * An ID parameter as text. A number beyond 2^53 has already lost digits (JSON.parse in an expression,
 * a number field), so it is refused rather than sent as another ID.
 */
export function idParameter(raw: unknown, label: string): string {
	const id = idText(raw);
	if (id.ok) return id.text;
	throw new CozeInputError(
		label,
		id.problem === 'rounded'
			? `${label} arrived as the number ${id.shown}, which is too large to be exact (Coze IDs have 19 digits; as numbers they lose the last ones). Pass the ID as a string: keep it in quotes in the JSON it comes from, or use a text field`
			: `${label} must be text, not ${id.shown}`,
	);
}

export function readRunOptions(context: IExecuteFunctions, itemIndex: number): RunOptions {
	return runOptionsFrom(context.getNodeParameter('options', itemIndex, {}) as IDataObject);
}

/** The Options collection as read from the node, checked. */
export function runOptionsFrom(options: IDataObject): RunOptions {
	const botId = idOption(options, 'botId', 'Bot ID');
	const appId = idOption(options, 'appId', 'App ID');
	if (botId && appId) {
		throw new CozeInputError('Bot ID', 'Set either Bot ID or App ID, not both: Coze refuses a run that names both (code 4000)');
	}
	const pollInitial = secondsOption(options, 'pollInitialInterval', 'Poll Initial Interval', 0.5);
	const pollMax = secondsOption(options, 'pollMaxInterval', 'Poll Max Interval', 15);
	if (pollMax < pollInitial) {
		throw new CozeInputError('Poll Max Interval', 'Poll Max Interval must not be shorter than Poll Initial Interval');
	}
	const idleTimeoutMs = secondsOption(options, 'idleTimeout', 'Idle Timeout', 90);
	const requestTimeoutMs = secondsOption(options, 'requestTimeout', 'Request Timeout', 120);
	return {
		botId,
		appId,
		workflowVersion: textOption(options, 'workflowVersion', 'Workflow Version'),
		userId: textOption(options, 'userId', 'User ID'),
		parseOutput: options.parseOutput !== false,
		includeMessages: options.includeMessages === true,
		includeEvents: options.includeEvents === true,
		idleTimeoutMs,
		totalTimeoutMs: secondsOption(options, 'totalTimeout', 'Total Timeout', 600),
		requestTimeoutMs,
		maxEventBytes: maxEventBytesOption(options),
		poll: {
			policy: { minIntervalMs: pollInitial, maxIntervalMs: pollMax },
			maxWaitMs: secondsOption(options, 'maxWaitTime', 'Max Wait Time', 1800, 86400),
			idleTimeoutMs: requestTimeoutMs,
		},
		fallbackToStream: options.fallbackToStream === true,
		streamToResponse: options.streamToResponse !== false,
		streamNodes: options.streamNodes === 'end' ? 'end' : 'all',
	};
}

/** Concurrency and request rate of the node, read once per execution (from the first item). */
export function readConcurrency(context: IExecuteFunctions): { concurrency: number; requestsPerSecond: number } {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const concurrency = Number(options.concurrency ?? 1);
	if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 50) {
		throw new CozeInputError('Concurrency', `Concurrency must be a whole number from 1 to 50, not ${String(options.concurrency)}`);
	}
	const requestsPerSecond = Number(options.requestsPerSecond ?? 50);
	if (!Number.isFinite(requestsPerSecond) || requestsPerSecond <= 0) {
		throw new CozeInputError('Requests per Second', `Requests per Second must be a positive number, not ${String(options.requestsPerSecond)}`);
	}
	return { concurrency, requestsPerSecond };
}

export function streamOptions(options: RunOptions, onChunk?: StreamOptions['onChunk']): StreamOptions {
	return {
		idleTimeoutMs: options.idleTimeoutMs,
		totalTimeoutMs: options.totalTimeoutMs,
		maxEventBytes: options.maxEventBytes,
		keepEvents: options.includeEvents,
		onChunk,
		poll: options.poll,
	};
}

/** The workflow's inputs from the JSON parameter: an object, or text holding one. */
export function readParametersJson(context: IExecuteFunctions, itemIndex: number): Record<string, unknown> {
	const raw = context.getNodeParameter('parametersJson', itemIndex, '{}', { rawExpressions: false }) as unknown;
	if (raw === undefined || raw === null || raw === '') return {};
	if (isPlainObject(raw)) return raw;
	if (typeof raw === 'string') {
		const parsed = jsonOrError(raw);
		if (parsed instanceof SyntaxError) {
			throw new CozeInputError(
				'Inputs (JSON)',
				`Inputs (JSON) is not valid JSON (${parsed.message}): check quotes, commas and brackets, e.g. {"topic": "rain"}`,
			);
		}
		if (isPlainObject(parsed)) return parsed;
	}
	throw new CozeInputError('Inputs (JSON)', 'Inputs (JSON) must be a JSON object of the workflow\'s inputs, e.g. {"topic": "rain"}');
}

/** The resource locator's value as entered (an ID, a URL, or a number from an expression), and its mode. */
export function locatorValue(raw: unknown): { mode: string | undefined; value: unknown } {
	if (isPlainObject(raw) && '__rl' in raw) return { mode: typeof raw.mode === 'string' ? raw.mode : undefined, value: raw.value };
	return { mode: undefined, value: raw };
}

/** The workflow ID of the Workflow parameter: an ID, or any Coze URL that holds one, in any mode. */
export function workflowIdOf(raw: unknown): string {
	const { mode, value } = locatorValue(raw);
	if (idText(value).ok === false && typeof value !== 'number') {
		throw new CozeInputError('Workflow', `Workflow must be a Coze workflow ID (digits only) or a URL containing workflow_id=…, not ${typeof value}`);
	}
	const text = idParameter(value, 'Workflow');
	if (/^\d+$/.test(text)) return text;
	if (text === '') throw new CozeInputError('Workflow', 'Workflow is empty: enter the ID of a published Coze workflow, or paste its URL');
	const fromUrl = workflowIdFromUrl(text);
	if (fromUrl) return fromUrl;
	if (mode === 'url' || looksLikeUrl(text)) {
		throw new CozeInputError(
			'Workflow',
			`Workflow: the URL holds no workflow ID ("${text}"). Paste the URL of the workflow's editor or debug page (it contains workflow_id=… or /workflow/<ID>), or enter the ID By ID`,
		);
	}
	throw new CozeInputError('Workflow', `Workflow must be a Coze workflow ID (digits only) or a URL containing workflow_id=…, not "${text}"`);
}

export function readWorkflowId(context: IExecuteFunctions, itemIndex: number): string {
	return workflowIdOf(context.getNodeParameter('workflowId', itemIndex, '', { extractValue: false }) as unknown);
}

function jsonOrError(text: string): unknown {
	try {
		return parseJson(text);
	} catch (error) {
		return error instanceof SyntaxError ? error : new SyntaxError(String(error));
	}
}
