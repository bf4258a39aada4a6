/**
 * JSON helpers for Coze bodies.
 *
 * Coze IDs are 19-digit numbers. The cloud sends them as strings, but Coze Studio writes some of them
 * (run-history `execute_id`, `connector_id`) as bare int64 literals, which `JSON.parse` would round.
 * Node 20 has no reviver access to the source text, so unsafe integer literals are quoted before parsing.
 */

const NUMBER_CHARS = /[0-9eE.+-]/;

/** Quotes integer literals outside strings whose value is not a safe JS integer (parseJson calls it only when there is one). */
function quoteUnsafeIntegers(text: string): string {
	let out = '';
	let copiedUpTo = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (inString) {
			if (c === '\\') i++;
			else if (c === '"') inString = false;
			continue;
		}
		if (c === '"') {
			inString = true;
			continue;
		}
		if (c === '-' || (c >= '0' && c <= '9')) {
			let end = i + 1;
			while (end < text.length && NUMBER_CHARS.test(text[end])) end++;
			const literal = text.slice(i, end);
			if (/^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
				out += `${text.slice(copiedUpTo, i)}"${literal}"`;
				copiedUpTo = end;
			}
			i = end - 1;
		}
	}
	return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/** `JSON.parse` that keeps integers beyond 2^53 as strings. Throws `SyntaxError` like `JSON.parse`. */
export function parseJson(text: string): unknown {
	const value: unknown = JSON.parse(text);
	// Only an integer beyond 2^53 can have lost digits, and only then is the text parsed again with such
	// numbers quoted. Walking the parsed value skips the strings, which scanning the text cannot: in a
	// stream of Message events that is most of the text.
	return hasUnsafeInteger(value) ? JSON.parse(quoteUnsafeIntegers(text)) : value;
}

function hasUnsafeInteger(root: unknown): boolean {
	const stack: unknown[] = [root];
	while (stack.length > 0) {
		const value = stack.pop();
		if (typeof value === 'number') {
			if (Number.isInteger(value) && !Number.isSafeInteger(value)) return true;
		} else if (Array.isArray(value)) {
			for (const item of value) if (typeof item === 'object' || typeof item === 'number') stack.push(item);
		} else if (typeof value === 'object' && value !== null) {
			const record = value as Record<string, unknown>;
			for (const key in record) {
				const item = record[key];
				if (typeof item === 'object' || typeof item === 'number') stack.push(item);
			}
		}
	}
	return false;
}

/** Parses `text` if it is JSON, else returns `undefined`. */
export function tryParseJson(text: string): unknown {
	try {
		return parseJson(text);
	} catch {
		return undefined;
	}
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `target[key] = value` for a key that came from decoded data. Assigning to `"__proto__"` would
 * replace the object's prototype (with an object the sender chose, or null, which cannot even be
 * turned into text) and lose the key; defining it keeps it an ordinary own property, as JSON.parse does.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
	if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
	else target[key] = value;
}

/** An ID as Coze means it: a decimal string. Numbers (only ever small ones, after `parseJson`) are stringified. */
export function idString(value: unknown): string | undefined {
	if (typeof value === 'string') return value === '' ? undefined : value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'bigint') return value.toString();
	return undefined;
}

/**
 * Decodes JSON strings nested inside a value (Coze serialises objects into strings, sometimes several
 * levels deep). Only strings that look like a JSON object or array are decoded, so ordinary text such
 * as "42" or "true" stays text.
 */
export function decodeNestedJson(value: unknown, depth = 0): unknown {
	if (depth > 8) return value;
	if (typeof value === 'string') {
		const trimmed = value.trim();
		const looksStructured =
			(trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'));
		if (!looksStructured) return value;
		const parsed = tryParseJson(trimmed);
		return parsed === undefined ? value : decodeNestedJson(parsed, depth + 1);
	}
	if (Array.isArray(value)) return value.map((v) => decodeNestedJson(v, depth + 1));
	if (isPlainObject(value)) {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value)) setOwn(out, k, decodeNestedJson(v, depth + 1));
		return out;
	}
	return value;
}
