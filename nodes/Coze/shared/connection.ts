import { sleep, type IExecuteFunctions, type ILoadOptionsFunctions } from 'n8n-workflow';

import { CozeWorkflowClient } from '../protocol/client';
import { resolveEndpoint, type CozeEndpoint } from '../protocol/endpoint';
import { CozeInputError } from '../protocol/errors';
import { RequestRateLimiter } from '../protocol/rateLimiter';
import type { ClientRuntime } from '../protocol/transport';
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
): Promise<{ client: CozeWorkflowClient; endpoint: CozeEndpoint }> {
	const credentialType = CREDENTIAL_TYPES[authentication];
	const credentials = await context.getCredentials(credentialType);
	let endpoint: CozeEndpoint | Error;
	try {
		endpoint = resolveEndpoint(
			String(credentials.region ?? 'com'),
			String((credentials.region === 'studio' ? credentials.studioUrl : credentials.baseUrl) ?? ''),
		);
	} catch (error) {
		endpoint = error instanceof Error ? error : new Error(String(error));
	}
	if (endpoint instanceof Error) {
		throw new CozeInputError('Credential', `The Coze credential is not usable: ${endpoint.message}`);
	}
	const transport = new N8nHttpTransport(context, credentialType, endpoint.baseUrl, authentication === 'jwt');
	const signal = 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
	const runtime: ClientRuntime = {
		sleep: async (ms) => await sleep(ms),
		now: () => Date.now(),
		random: () => Math.random(),
		isAborted: () => signal?.aborted === true,
	};
	const client = new CozeWorkflowClient({
		transport,
		flavor: endpoint.flavor,
		host: endpoint.host,
		runtime,
		rateLimiter: options.requestsPerSecond === undefined ? undefined : new RequestRateLimiter(options.requestsPerSecond, runtime),
	});
	return { client, endpoint };
}
