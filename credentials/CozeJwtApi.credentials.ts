import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { describeOAuthError, parsePrivateKey, signCozeJwt } from '../nodes/Coze/protocol/jwt';
import { resolveEndpoint } from '../nodes/Coze/protocol/endpoint';
import { COZE_BASE_URL_EXPRESSION, COZE_REGION_OPTIONS, COZE_TOKEN_TEST_RULES } from './CozeAccessTokenApi.credentials';

/** n8n calls preAuthentication only when the token is empty or after a 401; see `authenticate`. */
const REFRESH_MARGIN_SECONDS = 60;

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
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://coze-proxy.example.com',
			description: 'The URL that serves Coze\'s API paths (/v1/…) and the token endpoint',
			displayOptions: { show: { region: ['custom'] } },
		},
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

	/** Signs a JWT and exchanges it for an access token (spec §1.4). n8n stores the result. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const endpoint = resolveEndpoint(String(credentials.region ?? 'com'), String(credentials.baseUrl ?? ''));
		const appId = String(credentials.appId ?? '').trim();
		const keyId = String(credentials.publicKeyId ?? '').trim();
		if (!appId) throw new Error('App ID is empty: enter the ID of the Coze OAuth service app');
		if (!keyId) throw new Error('Public Key Fingerprint is empty: enter the fingerprint of the app\'s key pair');
		const privateKey = parsePrivateKey(String(credentials.privateKey ?? ''));
		const lifetime = Math.max(60, Math.min(Number(credentials.durationSeconds) || 900, 86_399));
		const nowSeconds = Math.floor(Date.now() / 1000);
		const jwt = signCozeJwt(
			{
				appId,
				keyId,
				audience: endpoint.host,
				lifetimeSeconds: 600,
				sessionName: String(credentials.sessionName ?? '').trim() || undefined,
				nowSeconds,
			},
			privateKey,
		);
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${endpoint.baseUrl}/api/permission/oauth2/token`,
			headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' },
			body: { duration_seconds: lifetime, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; body: unknown };
		const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as Record<string, unknown>;
		const accessToken = typeof body.access_token === 'string' ? body.access_token : '';
		if (response.statusCode >= 400 || !accessToken) {
			const errorCode = typeof body.error_code === 'string' ? body.error_code : undefined;
			const errorMessage =
				typeof body.error_message === 'string' ? body.error_message : typeof body.msg === 'string' ? body.msg : undefined;
			const detail = errorCode || errorMessage ? describeOAuthError(errorCode, errorMessage) : `Coze answered HTTP ${response.statusCode} without an access token.`;
			throw new Error(`Could not get a Coze access token from ${endpoint.host}. ${detail}`);
		}
		// expires_in is an absolute Unix time (seconds), not a duration.
		const expiresIn = Number(body.expires_in);
		return { accessToken, expiresAt: Number.isFinite(expiresIn) ? expiresIn : nowSeconds + lifetime };
	}

	/**
	 * Bearer authentication with the exchanged token. n8n renews an expirable credential only when it
	 * is empty or after a request failed with 401, so a token within a minute of its expiry is
	 * deliberately not sent: the request then fails with 401 and n8n fetches a new token and repeats it,
	 * before Coze would have refused the old one in the middle of the execution.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) {
		const expiresAt = Number(credentials.expiresAt) || 0;
		const nowSeconds = Math.floor(Date.now() / 1000);
		const fresh = expiresAt === 0 || nowSeconds < expiresAt - REFRESH_MARGIN_SECONDS;
		const token = fresh ? String(credentials.accessToken ?? '') : 'expiring';
		return {
			...requestOptions,
			headers: { ...(requestOptions.headers ?? {}), Authorization: `Bearer ${token}` },
		};
	}

	/** n8n renews the token before a credential test, so this also tests the key pair. */
	test: ICredentialTestRequest = {
		request: { baseURL: COZE_BASE_URL_EXPRESSION, url: '/v1/workspaces?page_size=1', method: 'GET' },
		rules: COZE_TOKEN_TEST_RULES,
	};
}
