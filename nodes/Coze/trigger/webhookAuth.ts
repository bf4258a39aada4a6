import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks the requests Coze pushes to the Coze Trigger: a shared secret in a header, or an
 * HMAC-SHA256 signature of `timestamp + "." + body` within a time window, each request once.
 * Verdicts carry fixed texts only: nothing of the request is echoed.
 */

export type WebhookVerdict = { ok: true } | { ok: false; status: 401; reason: string };

const REJECT = (reason: string): WebhookVerdict => ({ ok: false, status: 401, reason });

/** Compares two secrets in constant time, whatever their lengths (hashing first hides the length). */
export function secretsEqual(presented: string, expected: string): boolean {
	if (!presented || !expected) return false;
	const a = createHash('sha256').update(presented).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}

/** `Authorization: Bearer <secret>` (scheme case-insensitive), or the secret alone in a custom header. */
export function verifySecretHeader(headerValue: string | undefined, secret: string, bearer: boolean): WebhookVerdict {
	if (headerValue === undefined || headerValue.trim() === '') return REJECT('The request has no secret.');
	let presented = headerValue.trim();
	if (bearer) {
		const match = /^Bearer\s+(.+)$/i.exec(presented);
		if (!match) return REJECT('The request has no Bearer secret.');
		presented = match[1].trim();
	}
	return secretsEqual(presented, secret) ? { ok: true } : REJECT('The secret does not match.');
}

/** The signature a sender computes: hex HMAC-SHA256 over `timestamp + "." + body`. */
export function signWebhookBody(secret: string, timestamp: string, body: Buffer | string): string {
	return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** Remembers signatures seen within the time window, so that a captured request cannot be replayed. */
export class ReplayGuard {
	private readonly seen = new Map<string, number>();

	constructor(private readonly maxEntries = 10_000) {}

	/** True the first time a signature is seen (until `expiresAt`, epoch ms). */
	admit(signature: string, expiresAt: number, now: number): boolean {
		for (const [key, until] of this.seen) {
			if (until > now && this.seen.size < this.maxEntries) break;
			this.seen.delete(key);
		}
		if (this.seen.has(signature)) return false;
		this.seen.set(signature, expiresAt);
		return true;
	}
}

export interface HmacCheck {
	secret: string;
	timestampHeader: string | undefined;
	signatureHeader: string | undefined;
	rawBody: Buffer;
	toleranceSeconds: number;
	nowMs: number;
	replays: ReplayGuard;
}

export function verifyHmac(check: HmacCheck): WebhookVerdict {
	const timestamp = (check.timestampHeader ?? '').trim();
	if (!/^\d{9,11}$/.test(timestamp)) return REJECT('The request has no valid timestamp (Unix seconds).');
	const skewMs = Math.abs(check.nowMs - Number(timestamp) * 1000);
	if (skewMs > check.toleranceSeconds * 1000) return REJECT('The timestamp is outside the allowed window.');
	const presented = (check.signatureHeader ?? '').trim().replace(/^sha256=/i, '').toLowerCase();
	if (!/^[0-9a-f]{64}$/.test(presented)) return REJECT('The request has no valid signature.');
	const expected = signWebhookBody(check.secret, timestamp, check.rawBody);
	if (!timingSafeEqual(Buffer.from(presented, 'hex'), Buffer.from(expected, 'hex'))) return REJECT('The signature does not match.');
	// Only a valid signature is remembered, until it would be too old anyway.
	if (!check.replays.admit(presented, Number(timestamp) * 1000 + check.toleranceSeconds * 1000, check.nowMs)) {
		return REJECT('This request was already received.');
	}
	return { ok: true };
}
