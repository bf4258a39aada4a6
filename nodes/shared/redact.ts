/**
 * Text taken from a response (an error page, a JSON error) can echo the request, headers included.
 * Before such text goes into a message, a description or an item, the credential's own secrets and
 * anything sent as `Bearer <token>` are replaced.
 */

export const REDACTED = '[redacted]';

/** Secrets shorter than this are not searched for: they would replace ordinary words. */
const MIN_SECRET_LENGTH = 4;

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `text` with every occurrence of `secrets` (also as they look JSON- or URL-encoded) and every Bearer token replaced. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
	let result = text;
	const forms = new Set<string>();
	for (const secret of secrets) {
		if (secret.length < MIN_SECRET_LENGTH) continue;
		forms.add(secret);
		forms.add(JSON.stringify(secret).slice(1, -1));
		forms.add(encodeURIComponent(secret));
	}
	// Longest first, so that a secret which contains another is replaced whole.
	for (const form of [...forms].sort((a, b) => b.length - a.length)) {
		result = result.replace(new RegExp(escapeRegExp(form), 'g'), REDACTED);
	}
	return result.replace(/\b(Bearer)\s+(?!\[redacted\])[^\s"'`,;]+/gi, `$1 ${REDACTED}`);
}
