import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { COZE_TOKEN_TEST_RULES } from '../../../credentials/CozeAccessTokenApi.credentials';
import { isTestResult, probe } from '../../shared/credentialProbe';
import { redactSecrets } from '../../shared/redact';
import { resolveEndpoint } from '../protocol/endpoint';
import { isPlainObject } from '../protocol/json';

/** The message of the first rule that matches, as n8n applies a declarative test's rules. */
function ruleMessage(status: number, body: unknown): string | undefined {
	const rules = (COZE_TOKEN_TEST_RULES ?? []) as unknown as Array<{ type: string; properties: { key?: string; value: unknown; message: string } }>;
	const code = isPlainObject(body) ? body.code : undefined;
	return rules.find((rule) =>
		rule.type === 'responseCode' ? status === rule.properties.value : status < 300 && rule.properties.key === 'code' && code === rule.properties.value,
	)?.properties.message;
}

/**
 * The test of the Coze Access Token API credential: the declarative rules (token wrong, other site,
 * missing permission), and what a declarative test cannot say: an unusable Base URL, a host where
 * nothing answers, and a server that answers but does not serve Coze's API paths.
 */
export async function cozeAccessTokenTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const region = String(data.region ?? 'com');
	const token = String(data.accessToken ?? '').trim();
	let endpoint;
	try {
		endpoint = resolveEndpoint(region, String((region === 'studio' ? data.studioUrl : data.baseUrl) ?? ''));
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
	if (token === '') return { status: 'Error', message: 'Access Token is empty: paste the token Coze showed when you created it.' };
	// It needs the listRunHistory permission, which runs need too; the probed run does not exist.
	const path = endpoint.flavor === 'studio' ? '/v1/workflow/get_run_history?workflow_id=0&execute_id=0' : '/v1/workflows/0/run_histories/0';
	const answer = await probe(
		this,
		{ url: `${endpoint.baseUrl}${path}`, method: 'GET', headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } },
		(reason) => `Nothing answers at ${endpoint.baseUrl}: ${reason}. Check Region and Base URL, and that this n8n can reach that address.`,
	);
	if (isTestResult(answer)) return answer;
	const ruled = ruleMessage(answer.status, answer.body);
	if (ruled) return { status: 'Error', message: ruled };
	const envelope = isPlainObject(answer.body) ? answer.body : undefined;
	const msg = typeof envelope?.msg === 'string' ? redactSecrets(envelope.msg, [token]) : '';
	if (answer.status < 200 || answer.status > 299 || !envelope) {
		return {
			status: 'Error',
			message: `${endpoint.baseUrl} answered HTTP ${answer.status}${envelope ? '' : ', not as Coze\'s API does'}: check Region and Base URL (the address before /v1).`,
		};
	}
	if (envelope.code === 4000 && /does not exist/i.test(msg)) {
		return { status: 'Error', message: `${endpoint.baseUrl} does not serve Coze's API paths (4000: ${msg}): check Base URL, the address before /v1.` };
	}
	return { status: 'OK', message: 'Connection successful' };
}
