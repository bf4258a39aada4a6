/**
 * Stored credentials as n8n's credentials helper treats them: generic and function `authenticate`,
 * and `preAuthentication` of expirable credentials when the token is empty or after a 401, with the
 * renewed fields persisted for later requests; and n8n's credential test.
 */
import {
	ICredentialsHelper,
	type ICredentialDataDecryptedObject,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeCredentialTestResult,
	type INodeProperties,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { CredentialTestContext } from 'n8n-core';

import { credentialType, NODE_KINDS, nodeType } from './registry';

/** Replaces `{{$credentials.x}}` in a generic authenticate template. */
function resolveTemplate(value: unknown, credentials: ICredentialDataDecryptedObject): string {
	return String(value)
		.replace(/^=/, '')
		.replace(/\{\{\s*\$credentials\??\.(\w+)\s*\}\}/g, (_m, key: string) => String(credentials[key] ?? ''));
}

/** Stored credentials, and what n8n would do with them. */
export class TestCredentialsHelper extends ICredentialsHelper {
	/** How often preAuthentication ran (a JWT exchange), per credential type. */
	readonly renewals: Record<string, number> = {};

	/** How often n8n read and decrypted a stored credential, per credential type. */
	readonly reads: Record<string, number> = {};

	constructor(private readonly store: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	stored(type: string): ICredentialDataDecryptedObject {
		return { ...this.store[type] };
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const auth = credentialType(typeName).authenticate;
		if (!auth) return requestOptions;
		if (typeof auth === 'function') return await auth(credentials, requestOptions);
		const headers = { ...(requestOptions.headers ?? {}) } as Record<string, string>;
		for (const [key, value] of Object.entries(auth.properties.headers ?? {})) headers[key] = resolveTemplate(value, credentials);
		return { ...requestOptions, headers };
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = credentialType(typeName);
		const expirable = type.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		this.renewals[typeName] = (this.renewals[typeName] ?? 0) + 1;
		// n8n persists the renewed fields, so later requests and items reuse them.
		this.store[typeName] = { ...this.store[typeName], ...output } as ICredentialDataDecryptedObject;
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used by the harness');
	}

	async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, _nodeCredentials: INodeCredentialsDetails, type: string) {
		const stored = this.store[type];
		if (!stored) throw new Error(`the test set no credentials of type ${type}`);
		this.reads[type] = (this.reads[type] ?? 0) + 1;
		return { ...stored };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return credentialType(type).properties;
	}
}

/** Evaluates a `={{ … }}` credential-test expression with `$credentials` (the harness's stand-in for n8n's expression engine). */
function credentialExpression(value: unknown, credentials: ICredentialDataDecryptedObject): string {
	const text = String(value ?? '');
	const match = /^=\{\{([\s\S]*)\}\}$/.exec(text.trim());
	if (!match) return text.replace(/^=/, '');
	return String(new Function('$credentials', `return (${match[1]});`)(credentials));
}

/** n8n's request helper for preAuthentication, over fetch. */
const fetchHelpers: IHttpRequestHelper = {
	helpers: {
		httpRequest: async (options: IHttpRequestOptions) => {
			const response = await fetch(String(options.url), {
				method: options.method ?? 'GET',
				headers: options.headers as Record<string, string>,
				body: options.body === undefined ? undefined : JSON.stringify(options.body),
			});
			const text = await response.text();
			let body: unknown = text;
			try {
				body = JSON.parse(text);
			} catch {}
			return options.returnFullResponse ? { statusCode: response.status, body, headers: {} } : body;
		},
	},
} as unknown as IHttpRequestHelper;

/**
 * Tests a credential as n8n's CredentialsTester does with a declarative `test`: get a token first
 * for an expirable credential (preAuthentication), send the authenticated request, then apply the
 * rules: `responseCode` rules to a failed response (else its status text), `responseSuccessBody`
 * rules to a successful one; a network failure gives the error's code.
 */
export async function testCredentialLikeN8n(type: string, data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
	const definition = credentialType(type);
	const test = definition.test;
	if (!test) {
		// A test function of a node (testedBy), as n8n falls back to when the credential has no request.
		for (const name of NODE_KINDS) {
			const node = nodeType(name);
			const entry = node.description.credentials?.find((c) => c.name === type && typeof c.testedBy === 'string');
			const fn = entry ? node.methods?.credentialTest?.[entry.testedBy as string] : undefined;
			// n8n's own context for such tests: its only request helper is the legacy `request`.
			if (fn) return await fn.call(new CredentialTestContext({} as IWorkflowExecuteAdditionalData), { id: 'test', name: 'test', type, data });
		}
		throw new Error(`${type} has no test`);
	}
	const helper = new TestCredentialsHelper({ [type]: { ...data } });
	let credentials = { ...data };
	try {
		credentials = (await helper.preAuthentication(fetchHelpers, credentials, type, {} as INode, false)) ?? credentials;
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
	const url = credentialExpression(test.request.baseURL, credentials) + credentialExpression(test.request.url, credentials);
	const requestBody = test.request.body === undefined ? undefined : JSON.stringify(test.request.body);
	const options = await helper.authenticate(credentials, type, {
		url,
		method: test.request.method ?? 'GET',
		headers: { ...(requestBody ? { 'Content-Type': 'application/json' } : {}), ...((test.request.headers ?? {}) as Record<string, string>) },
	});
	let response: Response;
	try {
		response = await fetch(url, { method: options.method, headers: options.headers as Record<string, string>, body: requestBody });
	} catch (error) {
		const cause = (error as { cause?: { code?: string } }).cause;
		return { status: 'Error', message: cause?.code ?? (error as Error).message };
	}
	const rules = (test.rules ?? []) as Array<{ type: string; properties: { value: unknown; key?: string; message: string } }>;
	const text = await response.text();
	if (response.status < 200 || response.status > 299) {
		const rule = rules.find((r) => r.type === 'responseCode' && r.properties.value === response.status);
		return { status: 'Error', message: rule?.properties.message ?? (response.statusText || `Received HTTP status code: ${response.status}`) };
	}
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		body = {};
	}
	for (const rule of rules) {
		if (rule.type !== 'responseSuccessBody') continue;
		const found = String(rule.properties.key)
			.split('.')
			.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), body);
		if (found === rule.properties.value) return { status: 'Error', message: rule.properties.message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/** Credentials for the access-token credential pointing at an emulator. */
export function accessTokenCredentials(baseUrl: string, token: string): TestCredentialsHelper {
	return new TestCredentialsHelper({
		cozeAccessTokenApi: { accessToken: token, region: 'custom', baseUrl, studioUrl: '' },
	});
}
