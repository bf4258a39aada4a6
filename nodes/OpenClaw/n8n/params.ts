import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { RevisionPolicy } from '../protocol/client';
import { OpenClawInputError } from '../protocol/errors';
import type { JsonValue } from '../protocol/types';
import type { ClientSettings } from './connection';

/** A JSON parameter: typed in the editor as text, or an object from an expression. `field` names it for errors. */
export function jsonValue(raw: unknown, field: string, options: { textAllowed?: boolean } = {}): JsonValue | undefined {
	if (raw === undefined || raw === '') return undefined;
	if (typeof raw !== 'string') return raw as JsonValue;
	let parsed: { value: JsonValue } | undefined;
	try {
		parsed = { value: JSON.parse(raw) as JsonValue };
	} catch {
		parsed = undefined;
	}
	if (!parsed && options.textAllowed) return raw;
	if (!parsed) throw new OpenClawInputError(field, (label) => `${label} is not valid JSON: check quotes, commas and brackets`);
	return parsed.value;
}

/** A text field: trimmed, and left out when empty (the gateway refuses empty strings). */
export function text(raw: unknown): string | undefined {
	if (raw === undefined || raw === null) return undefined;
	const value = String(raw).trim();
	return value === '' ? undefined : value;
}

/**
 * A date and time field as the gateway takes it, milliseconds since 1970. Accepts what n8n's date
 * picker and expressions give: an ISO text, a Luxon or JS date, or a number of milliseconds.
 */
export function timeParam(raw: unknown, field: string): number | undefined {
	if (raw === undefined || raw === null || raw === '' || raw === 0) return undefined;
	const value =
		typeof raw === 'number'
			? raw
			: raw instanceof Date
				? raw.getTime()
				: typeof (raw as { toMillis?: unknown }).toMillis === 'function'
					? (raw as { toMillis: () => number }).toMillis()
					: /^\s*\d+\s*$/.test(String(raw))
						? Number(raw)
						: Date.parse(String(raw));
	if (!Number.isFinite(value) || value < 0) {
		throw new OpenClawInputError(field, (label) => `${label} is not a date and time: pick one, or use e.g. 2026-01-31T09:30:00Z or {{ $now }}`);
	}
	return Math.round(value);
}

export function flowIdParam(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter('flowId', itemIndex, '', { extractValue: true }) as string;
	const id = text(value);
	if (!id) throw new OpenClawInputError('Flow', 'Flow is empty: pick a flow from the list or enter its ID');
	return id;
}

export function revisionPolicy(context: IExecuteFunctions, itemIndex: number): RevisionPolicy {
	const mode = context.getNodeParameter('revision', itemIndex, 'current') as string;
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const onConflict = options.onRevisionConflict === 'retry' ? 'retry' : 'fail';
	const maxRetries = Number(options.maxRevisionRetries ?? 3);
	if (onConflict === 'retry' && (!Number.isInteger(maxRetries) || maxRetries < 1 || maxRetries > 20)) {
		throw new OpenClawInputError(
			'Max Revision Retries',
			`Max Revision Retries must be a whole number from 1 to 20, not ${JSON.stringify(options.maxRevisionRetries)}`,
		);
	}
	if (mode === 'current') return { revision: 'current', onConflict, maxRetries };
	const raw = context.getNodeParameter('expectedRevision', itemIndex, 0) as unknown;
	const revision = typeof raw === 'number' ? raw : Number(raw);
	if (!Number.isInteger(revision) || revision < 0) {
		throw new OpenClawInputError('Expected Revision', `Expected Revision must be a whole number of 0 or more, not ${JSON.stringify(raw)}`);
	}
	return { revision, onConflict, maxRetries };
}

export function clientSettings(context: IExecuteFunctions, itemIndex: number): ClientSettings {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const timeout = Number(options.timeout ?? 30);
	const maxWait = Number(options.rateLimitMaxWait ?? 150);
	if (!Number.isFinite(timeout) || timeout <= 0) throw new OpenClawInputError('Timeout', `Timeout must be a positive number of seconds, not ${String(options.timeout)}`);
	if (!Number.isFinite(maxWait) || maxWait < 0) {
		throw new OpenClawInputError('Rate Limit Max Wait', `Rate Limit Max Wait must be 0 or more seconds, not ${String(options.rateLimitMaxWait)}`);
	}
	return { timeoutMs: Math.round(timeout * 1000), rateLimitMaxWaitMs: Math.round(maxWait * 1000) };
}

/** The JSON and text fields of a collection, as the plugin names them. */
export function collectionFields(collection: IDataObject, fields: { json?: string[]; text?: string[] }): Record<string, JsonValue | undefined> {
	const out: Record<string, JsonValue | undefined> = {};
	for (const name of fields.json ?? []) if (name in collection) out[name] = jsonValue(collection[name], name);
	for (const name of fields.text ?? []) out[name] = text(collection[name]);
	return out;
}
