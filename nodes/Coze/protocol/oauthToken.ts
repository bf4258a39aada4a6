import { settleNow } from '../../shared/settle';
import { describeOAuthError, parsePrivateKey, signCozeJwt } from './jwt';
import type { CozeEndpoint } from './endpoint';

/** The fields of a Coze OAuth JWT credential that the token exchange needs. */
export interface JwtAppSettings {
	appId: string;
	keyId: string;
	privateKeyPem: string;
	/** Requested token lifetime; clamped to 60..86 399 s. */
	durationSeconds: number;
	sessionName?: string;
}

export interface ExchangeRequest {
	url: string;
	headers: Record<string, string>;
	body: Record<string, unknown>;
}

export interface ExchangeResponse {
	status: number;
	/** The parsed JSON body, or anything else the server sent. */
	body: unknown;
}

export interface ExchangedToken {
	accessToken: string;
	/** Absolute Unix time in seconds. */
	expiresAt: number;
}

/** A problem with the credential's own fields, found before anything is sent. */
export class JwtSettingsError extends Error {}

/** The token exchange failed; the message says which field to fix and never contains a secret. */
export class JwtExchangeError extends Error {}

export function tokenLifetime(durationSeconds: number): number {
	return Math.max(60, Math.min(Number(durationSeconds) || 900, 86_399));
}

/** Signs the app's JWT and describes the exchange request (`POST /api/permission/oauth2/token`). Throws `JwtSettingsError`. */
export function buildExchangeRequest(settings: JwtAppSettings, endpoint: CozeEndpoint, nowSeconds: number): ExchangeRequest {
	const appId = settings.appId.trim();
	const keyId = settings.keyId.trim();
	if (!appId) throw new JwtSettingsError('App ID is empty: enter the ID of the Coze OAuth service app');
	if (!keyId) throw new JwtSettingsError("Public Key Fingerprint is empty: enter the fingerprint of the app's key pair");
	const privateKey = settleNow(() => parsePrivateKey(settings.privateKeyPem));
	if (privateKey instanceof Error) throw new JwtSettingsError(privateKey.message || 'Private Key is not usable');
	const jwt = signCozeJwt(
		{ appId, keyId, audience: endpoint.host, lifetimeSeconds: 600, sessionName: settings.sessionName?.trim() || undefined, nowSeconds },
		privateKey,
	);
	return {
		url: `${endpoint.baseUrl}/api/permission/oauth2/token`,
		headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' },
		body: { duration_seconds: tokenLifetime(settings.durationSeconds), grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' },
	};
}

/** Reads the exchange's answer. Throws `JwtExchangeError` with a message that names the field to fix. */
export function readExchangeResponse(
	response: ExchangeResponse,
	endpoint: CozeEndpoint,
	settings: Pick<JwtAppSettings, 'durationSeconds'>,
	nowSeconds: number,
): ExchangedToken {
	const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as Record<string, unknown>;
	const accessToken = typeof body.access_token === 'string' ? body.access_token : '';
	if (response.status >= 400 || !accessToken) {
		const errorCode = typeof body.error_code === 'string' ? body.error_code : undefined;
		const errorMessage = typeof body.error_message === 'string' ? body.error_message : typeof body.msg === 'string' ? body.msg : undefined;
		const detail =
			errorCode || errorMessage
				? describeOAuthError(errorCode, errorMessage)
				: `Coze answered HTTP ${response.status} without an access token: check Region or Base URL.`;
		throw new JwtExchangeError(`Could not get a Coze access token from ${endpoint.host}. ${detail}`);
	}
	// expires_in is an absolute Unix time (seconds), not a duration.
	const expiresIn = Number(body.expires_in);
	return { accessToken, expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : nowSeconds + tokenLifetime(settings.durationSeconds) };
}
