import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { openClawRouteUrl, openClawSecretHeader } from '../../../credentials/OpenClawWebhookApi.credentials';
import { isTestResult, probe } from '../../shared/credentialProbe';

const STATUS_MESSAGES: Record<number, string> = {
	401: 'The gateway refused the secret (401): check Secret, Header Style and Route Path.',
	404: 'No webhook route answers at this path (404): check Gateway URL and Route Path, and that the route is enabled.',
	429: "The route's rate limit is used up (429: 120 requests per 60 s): try again in a minute.",
};

/** The test of the OpenClaw Webhook Route API credential: one list of flows, which changes nothing. */
export async function openClawWebhookTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const gatewayUrl = String(data.gatewayUrl ?? '').trim().replace(/\/+$/, '');
	if (!URL.canParse(gatewayUrl)) return { status: 'Error', message: `Gateway URL "${gatewayUrl}" is not a valid URL: it must start with http:// or https://` };
	const answer = await probe(
		this,
		{ url: openClawRouteUrl(data), method: 'POST', headers: { 'Content-Type': 'application/json', ...openClawSecretHeader(data) }, body: { action: 'list_flows' } },
		(reason) => `Nothing answers at ${gatewayUrl}: ${reason}. Is the gateway running, and is Gateway URL right?`,
	);
	if (isTestResult(answer)) return answer;
	if (answer.status >= 200 && answer.status < 300) return { status: 'OK', message: 'Connection successful' };
	return { status: 'Error', message: STATUS_MESSAGES[answer.status] ?? `The gateway answered HTTP ${answer.status}: check Gateway URL and Route Path.` };
}
