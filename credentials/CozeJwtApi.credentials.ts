import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialTestRequest,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { buildExchangeRequest, readExchangeResponse } from '../nodes/Coze/protocol/oauthToken';
import { resolveEndpoint } from '../nodes/Coze/protocol/endpoint';
import { COZE_BASE_URL_EXPRESSION, COZE_CUSTOM_BASE_URL, COZE_REGION_OPTIONS, COZE_TOKEN_TEST_RULES, COZE_TOKEN_TEST_URL } from './CozeAccessTokenApi.credentials';

/**
 * n8n calls preAuthentication only when the token is empty or after a 401; see `authenticate`. The
 * margin is a quarter of the lifetime for short ones: a fixed minute would make a 60 s token stale
 * as soon as it is issued.
 */
export function refreshMarginSeconds(lifetimeSeconds: number): number {
	return Math.min(60, Math.floor(lifetimeSeconds / 4));
}

export class CozeJwtApi implements ICredentialType {
	name = 'cozeJwtApi';

	displayName = 'Coze OAuth JWT API';

	icon: Icon = { light: 'file:../icons/coze.svg', dark: 'file:../icons/coze.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-coze-openclaw/n8n-nodes-coze-openclaw#oauth-jwt-service-app';

	properties: INodeProperties[] = [
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			required: true,
			default: '',
			placeholder: '1127900106117',
			description: 'The ID of the OAuth app (type "Service application") in Coze. It is the JWT\'s iss claim.',
		},
		{
			displayName: 'Public Key Fingerprint',
			name: 'publicKeyId',
			type: 'string',
			required: true,
			default: '',
			description: "The fingerprint Coze shows for the app's key pair. It is the JWT's kid header.",
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			required: true,
			default: '',
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description: 'The private_key.pem Coze gave you when you created the key pair (PEM, RSA)',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: COZE_REGION_OPTIONS.filter((option) => option.value !== 'studio'),
			default: 'com',
			description: 'Which Coze the app belongs to. The JWT\'s aud is this API host.',
		},
		{ ...COZE_CUSTOM_BASE_URL, description: `${COZE_CUSTOM_BASE_URL.description}. It serves the token endpoint too.` },
		{
			displayName: 'Token Lifetime (Seconds)',
			name: 'durationSeconds',
			type: 'number',
			typeOptions: { minValue: 60, maxValue: 86399 },
			default: 900,
			description: 'How long each access token lives (Coze\'s duration_seconds, at most 86399)',
		},
		{
			displayName: 'Session Name',
			name: 'sessionName',
			type: 'string',
			default: '',
			description: 'Optional. Isolates data per end user (the JWT\'s session_name claim).',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Expires At',
			name: 'expiresAt',
			type: 'hidden',
			default: 0,
		},
	];

	/** Signs a JWT and exchanges it for an access token. n8n stores the result. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const endpoint = resolveEndpoint(String(credentials.region ?? 'com'), String(credentials.baseUrl ?? ''));
		const settings = {
			appId: String(credentials.appId ?? ''),
			keyId: String(credentials.publicKeyId ?? ''),
			privateKeyPem: String(credentials.privateKey ?? ''),
			durationSeconds: Number(credentials.durationSeconds) || 900,
			sessionName: String(credentials.sessionName ?? ''),
		};
		const nowSeconds = Math.floor(Date.now() / 1000);
		const exchange = buildExchangeRequest(settings, endpoint, nowSeconds);
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: exchange.url,
			headers: exchange.headers,
			body: exchange.body,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; body: unknown };
		const token = readExchangeResponse({ status: response.statusCode, body: response.body }, endpoint, settings, nowSeconds);
		return { accessToken: token.accessToken, expiresAt: token.expiresAt };
	}

	/**
	 * Bearer authentication with the exchanged token. n8n renews an expirable credential only when it
	 * is empty or after a request failed with 401, so a token close to its expiry (see refreshMarginSeconds) is
	 * deliberately not sent: the request then fails with 401 and n8n fetches a new token and repeats it,
	 * before Coze would have refused the old one in the middle of the execution.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) {
		const expiresAt = Number(credentials.expiresAt) || 0;
		const nowSeconds = Math.floor(Date.now() / 1000);
		const fresh = expiresAt === 0 || nowSeconds < expiresAt - refreshMarginSeconds(Number(credentials.durationSeconds) || 900);
		const token = fresh ? String(credentials.accessToken ?? '') : 'expiring';
		return {
			...requestOptions,
			headers: { ...(requestOptions.headers ?? {}), Authorization: `Bearer ${token}` },
		};
	}

	/** n8n gets a token (preAuthentication) before the test request, so this also tests the key pair. */
	test: ICredentialTestRequest = {
		request: { baseURL: COZE_BASE_URL_EXPRESSION, url: COZE_TOKEN_TEST_URL, method: 'GET' },
		rules: COZE_TOKEN_TEST_RULES,
	};
}
