import { decodeNestedJson, parseJson } from '../protocol/json';

/** The body of a request that Coze pushes to the Coze Trigger: JSON only, within a size limit. */

export type BodyVerdict = { ok: true; body: unknown } | { ok: false; status: 400 | 413 | 415; reason: string };

export function isJsonContentType(contentType: string | undefined): boolean {
	const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
	return media === 'application/json' || /^[a-z0-9.+-]+\/[a-z0-9.+-]+\+json$/.test(media);
}

export function readWebhookBody(options: {
	contentType: string | undefined;
	rawBody: Buffer | undefined;
	maxBytes: number;
	decodeNested: boolean;
}): BodyVerdict {
	if (!isJsonContentType(options.contentType)) return { ok: false, status: 415, reason: 'The body must be JSON (Content-Type: application/json).' };
	const raw = options.rawBody ?? Buffer.alloc(0);
	if (raw.byteLength > options.maxBytes) {
		return { ok: false, status: 413, reason: `The body is larger than ${Math.round(options.maxBytes / 1024)} KB.` };
	}
	let body: unknown;
	try {
		// IDs in Coze results exceed 2^53: parseJson keeps such numbers as strings.
		body = parseJson(raw.toString('utf8'));
	} catch {
		return { ok: false, status: 400, reason: 'The body is not valid JSON.' };
	}
	return { ok: true, body: options.decodeNested ? decodeNestedJson(body) : body };
}
