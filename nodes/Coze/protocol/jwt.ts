import { createPrivateKey, createSign, randomBytes, type KeyObject } from 'node:crypto';

/**
 * The OAuth JWT of a Coze service app (the JWT grant that coze-py's `JWTOAuthApp` also signs): RS256, `kid` = the public key fingerprint,
 * `iss` = the app ID, `aud` = the API host, a random single-use `jti`.
 */
export interface CozeJwtClaims {
	appId: string;
	keyId: string;
	audience: string;
	lifetimeSeconds: number;
	sessionName?: string;
	nowSeconds: number;
}

function base64url(input: string | Buffer): string {
	return Buffer.from(input).toString('base64url');
}

/** Parses a PEM private key. Throws `Error` with a message about the Private Key field (never its content). */
export function parsePrivateKey(pem: string): KeyObject {
	// Pasted keys often lose their line breaks; PEM needs them.
	const normalised = pem.trim().replace(/\\n/g, '\n');
	let key: KeyObject | undefined;
	try {
		key = createPrivateKey({ key: normalised, format: 'pem' });
	} catch {
		key = undefined;
	}
	if (key?.asymmetricKeyType !== 'rsa') {
		throw new Error(
			'Private Key is not a valid RSA private key in PEM format. Paste the whole private_key.pem that Coze gave you when you created the key pair, from "-----BEGIN PRIVATE KEY-----" to "-----END PRIVATE KEY-----".',
		);
	}
	return key;
}

export function signCozeJwt(claims: CozeJwtClaims, privateKey: KeyObject): string {
	const header = { alg: 'RS256', typ: 'JWT', kid: claims.keyId };
	const payload: Record<string, unknown> = {
		iss: claims.appId,
		aud: claims.audience,
		iat: claims.nowSeconds,
		exp: claims.nowSeconds + Math.max(60, Math.min(claims.lifetimeSeconds, 86_399)),
		// Coze requires a unique jti per JWT (single use); 32 random bytes give 64 hex characters.
		jti: randomBytes(32).toString('hex'),
	};
	if (claims.sessionName) payload.session_name = claims.sessionName;
	const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
	const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey);
	return `${signingInput}.${base64url(signature)}`;
}

/** Turns an OAuth error of the token exchange into a message that says which credential field to fix. */
export function describeOAuthError(errorCode: string | undefined, errorMessage: string | undefined): string {
	const said = errorMessage ? ` Coze said: "${errorMessage}".` : '';
	const text = `${errorCode ?? ''} ${errorMessage ?? ''}`.toLowerCase();
	if (/\bkid\b|fingerprint|public key/.test(text)) {
		return `Coze does not know this key: check Public Key Fingerprint (the key's fingerprint shown in the Coze app's key list).${said}`;
	}
	if (/signature|verify/.test(text)) {
		return `Coze could not verify the JWT signature: the Private Key does not match the Public Key Fingerprint.${said}`;
	}
	if (/\biss\b|app id|client id|client_id|app not/.test(text)) {
		return `Coze does not know this app: check App ID (the OAuth app's ID, used as iss).${said}`;
	}
	if (/\baud\b|audience/.test(text)) {
		return `The JWT is for the wrong Coze site: check Region (a coze.cn app works only with coze.cn, a coze.com app only with coze.com).${said}`;
	}
	if (/jti|replay|reuse|used/.test(text)) {
		return `Coze refused the JWT as already used. Try again; if it repeats, check the machine's clock.${said}`;
	}
	if (/exp|iat|expired|clock|time/.test(text)) {
		return `Coze refused the JWT's time window: check this machine's clock and Token Lifetime (60 to 86399 seconds).${said}`;
	}
	if (errorCode === 'invalid_client') {
		return `Coze rejected the app credentials: check App ID, Public Key Fingerprint and Private Key (all three must belong to the same OAuth service app).${said}`;
	}
	if (errorCode === 'access_deny') return `Coze denied access to this app: check that the OAuth app is a service app and is authorised in the workspace.${said}`;
	return `Coze refused the token request${errorCode ? ` (${errorCode})` : ''}.${said}`;
}
