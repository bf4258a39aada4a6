import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { clientRuntime } from '../../shared/n8nRuntime';
import { settleNow } from '../../shared/settle';
import { CozeWorkflowClient } from '../protocol/client';
import { resolveEndpoint, type CozeEndpoint } from '../protocol/endpoint';
import { CozeInputError } from '../protocol/errors';
import { RequestRateLimiter } from '../protocol/rateLimiter';
import { N8nHttpTransport } from './n8nTransport';

export type CozeAuthentication = 'accessToken' | 'jwt';

export const CREDENTIAL_TYPES: Record<CozeAuthentication, string> = {
	accessToken: 'cozeAccessTokenApi',
	jwt: 'cozeJwtApi',
};

/**
 * Reads the node's Coze credential and builds a client that talks through n8n's request helpers.
 * With `requestsPerSecond` (the node's Requests per Second option), the client spaces its requests.
 */
export async function createCozeClient(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	authentication: CozeAuthentication,
	options: { requestsPerSecond?: number } = {},
): Promise<{ client: CozeWorkflowClient; endpoint: CozeEndpoint; secrets: string[] }> {
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
	const transport = new N8nHttpTransport(context, credentialType, endpoint.baseUrl, authentication === 'jwt');
	const runtime = clientRuntime(context);
	const client = new CozeWorkflowClient({
		transport,
		flavor: endpoint.flavor,
		host: endpoint.host,
		runtime,
		rateLimiter: options.requestsPerSecond === undefined ? undefined : new RequestRateLimiter(options.requestsPerSecond, runtime),
	});
	// The token as read now; a renewed JWT token is caught as "Bearer …" by the redaction.
	const secrets = [credentials.accessToken, credentials.privateKey].filter((value): value is string => typeof value === 'string');
	return { client, endpoint, secrets };
}
