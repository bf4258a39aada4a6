/** What stands in for a secret in texts shown to users. */
export const REDACTED = '[redacted]';

const MIN_SECRET_LENGTH = 8;

/**
 * Removes secrets from a text taken from a response (a proxy or debug gateway may echo the request's
 * headers): each given secret of at least 8 characters, and any `Bearer <token>`.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
	let result = text;
	for (const secret of secrets) {
		if (secret.length >= MIN_SECRET_LENGTH) result = result.split(secret).join(REDACTED);
	}
	return result.replace(/\bBearer\s+[^\s"',;]+/gi, `Bearer ${REDACTED}`);
}
