import { CozeInputError } from './errors';
import { FILE_TYPES, type ParameterSchema } from './discovery';
import { isPlainObject, parseJson } from './json';

/**
 * A workflow's inputs as fields (from the input schema Coze reports for it), and the values typed in them
 * turned into the `parameters` of a run, checked against the types before anything is sent.
 */

export type MapperType = 'string' | 'number' | 'boolean' | 'object' | 'array';

export interface InputField {
	name: string;
	schema: ParameterSchema;
	mapperType: MapperType;
	/** A file-like type (image, doc, …), or an array of them. */
	file: 'single' | 'array' | undefined;
}

export function isFileType(type: string | undefined): boolean {
	return type !== undefined && FILE_TYPES.has(type);
}

function mapperType(schema: ParameterSchema): MapperType {
	switch (schema.type) {
		case 'integer':
		case 'number':
			return 'number';
		case 'boolean':
			return 'boolean';
		case 'time':
			// Coze's time is a date and time ("2024-08-20 10:00:00"); n8n's 'time' field accepts only
			// hh:mm:ss and refuses to run with such a value, and its 'dateTime' would hand over a Luxon object.
			return 'string';
		case 'object':
			return 'object';
		case 'array':
			return isFileType(schema.items?.type) ? 'string' : 'array';
		default:
			return 'string';
	}
}

/** One field per parameter: required ones first, then by name (Coze's map has no order). */
export function inputFields(schema: Record<string, ParameterSchema>): InputField[] {
	return Object.entries(schema)
		.map(([name, parameter]) => ({
			name,
			schema: parameter,
			mapperType: mapperType(parameter),
			file: isFileType(parameter.type) ? ('single' as const) : parameter.type === 'array' && isFileType(parameter.items?.type) ? ('array' as const) : undefined,
		}))
		.sort((a, b) => Number(b.schema.required) - Number(a.schema.required) || a.name.localeCompare(b.name));
}

/** Where a file input's file comes from. */
export type FileSource = { kind: 'url'; url: string } | { kind: 'fileId'; id: string } | { kind: 'binary'; property: string };

/** A URL, a Coze file ID (digits, or `{"file_id":"…"}`), or else the name of an n8n binary property. */
export function parseFileSource(value: string): FileSource {
	const trimmed = value.trim();
	if (/^https?:\/\//i.test(trimmed)) return { kind: 'url', url: trimmed };
	if (/^\d{6,}$/.test(trimmed)) return { kind: 'fileId', id: trimmed };
	if (trimmed.startsWith('{')) {
		let parsed: unknown;
		try {
			parsed = parseJson(trimmed);
		} catch {
			parsed = undefined;
		}
		if (isPlainObject(parsed) && (typeof parsed.file_id === 'string' || typeof parsed.file_id === 'number')) return { kind: 'fileId', id: String(parsed.file_id) };
	}
	return { kind: 'binary', property: trimmed };
}

/** How Coze takes a file in `parameters`: a URL as is, an uploaded file as `{"file_id":"…"}` (a JSON string). */
export function fileParameter(source: { kind: 'url'; url: string } | { kind: 'fileId'; id: string }): string {
	return source.kind === 'url' ? source.url : JSON.stringify({ file_id: source.id });
}

export type CoercedInput = { kind: 'value'; value: unknown } | { kind: 'files'; sources: FileSource[]; array: boolean } | { kind: 'omit' };

function fail(name: string, problem: string): never {
	throw new CozeInputError(name, `Input "${name}" ${problem}`);
}

/** A whole number beyond 2^53 has lost digits before it got here (e.g. an ID parsed from JSON). */
function roundedProblem(value: unknown): string {
	return `arrived as the number ${String(value)}, which is too large to be exact (IDs of 19 digits lose the last ones as numbers): it must be passed as a string, e.g. kept in quotes in the JSON it comes from`;
}

function jsonOf(name: string, raw: string, expected: 'object' | 'array'): unknown {
	let parsed: unknown;
	try {
		parsed = parseJson(raw);
	} catch {
		fail(name, `must be a JSON ${expected}, but the text is not valid JSON`);
	}
	return parsed;
}

function listOf(raw: unknown): unknown[] {
	if (Array.isArray(raw)) return raw;
	if (typeof raw === 'string' && raw.trim().startsWith('[')) {
		const parsed = parseJson(raw.trim());
		if (Array.isArray(parsed)) return parsed;
	}
	return typeof raw === 'string' ? raw.split(',').map((part) => part.trim()).filter(Boolean) : [raw];
}

/** Checks one typed-in value against its parameter's type. Throws `CozeInputError` naming the input. */
export function coerceInput(field: InputField, raw: unknown): CoercedInput {
	const { name, schema } = field;
	const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
	if (empty) {
		if (schema.required) fail(name, `is required by the workflow (${schema.type}); enter a value`);
		return { kind: 'omit' };
	}
	if (field.file) {
		const values = field.file === 'array' ? listOf(raw) : [raw];
		if (values.some((v) => typeof v !== 'string' && typeof v !== 'number')) fail(name, 'takes a binary property name, a URL or a Coze file ID');
		const rounded = values.find((v) => typeof v === 'number' && !Number.isSafeInteger(v));
		if (rounded !== undefined) fail(name, roundedProblem(rounded));
		return { kind: 'files', sources: values.map((v) => parseFileSource(String(v))), array: field.file === 'array' };
	}
	switch (schema.type) {
		case 'integer': {
			const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
			if (!Number.isInteger(value)) fail(name, `must be a whole number (integer), not ${JSON.stringify(raw)}`);
			if (!Number.isSafeInteger(value)) fail(name, `is too large to send as a number (${String(raw)}); Coze integers must fit in 2^53`);
			return { kind: 'value', value };
		}
		case 'number': {
			const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
			if (!Number.isFinite(value)) fail(name, `must be a number, not ${JSON.stringify(raw)}`);
			return { kind: 'value', value };
		}
		case 'boolean': {
			if (typeof raw === 'boolean') return { kind: 'value', value: raw };
			if (raw === 'true' || raw === 'false') return { kind: 'value', value: raw === 'true' };
			return fail(name, `must be true or false, not ${JSON.stringify(raw)}`);
		}
		case 'object': {
			const value = typeof raw === 'string' ? jsonOf(name, raw, 'object') : raw;
			if (!isPlainObject(value)) fail(name, 'must be a JSON object, e.g. {"key": "value"}');
			return { kind: 'value', value };
		}
		case 'array': {
			const value = typeof raw === 'string' ? jsonOf(name, raw, 'array') : raw;
			if (!Array.isArray(value)) fail(name, 'must be a JSON array, e.g. ["a", "b"]');
			return { kind: 'value', value };
		}
		default: {
			// string, time, default, and types Coze may add: text.
			if (typeof raw === 'object') fail(name, `must be text (${schema.type}), not an object`);
			if (typeof raw === 'number' && Number.isInteger(raw) && !Number.isSafeInteger(raw)) fail(name, roundedProblem(raw));
			return { kind: 'value', value: String(raw) };
		}
	}
}
