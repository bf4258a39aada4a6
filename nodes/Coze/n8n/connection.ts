import { createHash } from 'node:crypto';

import type { ICredentialsDecrypted, IExecuteFunctions, ILoadOptionsFunctions, IWebhookFunctions } from 'n8n-workflow';

import { clientRuntime } from '../../shared/n8nRuntime';
import { settleNow } from '../../shared/settle';
import { CozeWorkflowClient, type CozeClientOptions } from '../protocol/client';
import { CozeChatClient } from '../protocol/chat/client';
import { resolveEndpoint, type CozeEndpoint } from '../protocol/endpoint';
import { CozeInputError } from '../protocol/errors';
import { RequestRateLimiter } from '../protocol/rateLimiter';
import { N8nHttpTransport } from './n8nTransport';

export type CozeAuthentication = 'accessToken' | 'jwt';

export const CREDENTIAL_TYPES: Record<CozeAuthentication, string> = {
	accessToken: 'cozeAccessTokenApi',
	jwt: 'cozeJwtApi',
};

/** The clients of one credential: they share its transport and request rate. */
export interface CozeConnection {
	client: CozeWorkflowClient;
	chat: CozeChatClient;
	endpoint: CozeEndpoint;
	secrets: string[];
}

/**
 * Reads the node's Coze credential and builds the workflow and chat clients, which talk through
 * n8n's request helpers and see the execution's cancellation through the runtime. With
 * `requestsPerSecond` (the node's Requests per Second option), their requests are spaced together.
 */
export async function createCozeClient(
	context: IExecuteFunctions | ILoadOptionsFunctions | IWebhookFunctions,
	authentication: CozeAuthentication,
	options: { requestsPerSecond?: number } = {},
): Promise<CozeConnection> {
	const credentialType = CREDENTIAL_TYPES[authentication];
	const credentials = await context.getCredentials(credentialType);
	const endpoint = settleNow(() =>
		resolveEndpoint(
			String(credentials.region ?? 'com'),
			String((credentials.region === 'studio' ? credentials.studioUrl : credentials.baseUrl) ?? ''),
		),
	);
	if (endpoint instanceof Error) {
		throw new CozeInputError('Credential', `The Coze credential is not usable: ${endpoint.message}`);
	}
	// The token as read now; a renewed JWT token is caught as "Bearer …" by the redaction.
	const secrets = [credentials.accessToken, credentials.privateKey].filter((value): value is string => typeof value === 'string');
	// Handed to n8n with each request, so that it does not read and decrypt the credential again for
	// every one. n8n writes a renewed JWT token into this data, so later requests use it too.
	const stored = context.getNode().credentials?.[credentialType];
	const decrypted: ICredentialsDecrypted | undefined =
		stored?.id ? { id: stored.id, name: stored.name, type: credentialType, data: credentials } : undefined;
	const transport = new N8nHttpTransport(context, credentialType, endpoint.baseUrl, authentication === 'jwt', decrypted);
	const runtime = clientRuntime(context);
	const clientOptions: CozeClientOptions = {
		transport,
		flavor: endpoint.flavor,
		host: endpoint.host,
		runtime,
		rateLimiter: options.requestsPerSecond === undefined ? undefined : new RequestRateLimiter(options.requestsPerSecond, runtime),
		// A digest of the secrets tells accounts apart without keeping or showing a secret.
		account: createHash('sha256').update(secrets.join('\u0000')).digest('hex').slice(0, 16),
	};
	return { client: new CozeWorkflowClient(clientOptions), chat: new CozeChatClient(clientOptions), endpoint, secrets };
}
