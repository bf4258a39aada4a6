import type { ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { classifyRequestFailure, inWords } from './networkErrors';

/** What a credential test's request got: a status and the body (parsed JSON when it is JSON). */
export interface ProbeAnswer {
	status: number;
	body: unknown;
}

/**
 * Sends a credential test's request with n8n's credential-test helper (the only one n8n gives such
 * tests), answering every status. A request that reaches nothing gives the reason in words, with the
 * URL and what to check, rather than a bare error code.
 */
export async function probe(
	context: ICredentialTestFunctions,
	request: { url: string; method: 'GET' | 'POST'; headers: Record<string, string>; body?: unknown },
	nothingAnswers: (reason: string) => string,
): Promise<ProbeAnswer | INodeCredentialTestResult> {
	try {
		const response = (await context.helpers.request({
			uri: request.url,
			method: request.method,
			headers: request.headers,
			...(request.body === undefined ? {} : { body: request.body }),
			json: true,
			resolveWithFullResponse: true,
			simple: false,
		})) as { statusCode: number; body: unknown };
		return { status: response.statusCode, body: response.body };
	} catch (error) {
		const failure = classifyRequestFailure(error, undefined);
		const reason =
			'code' in failure
				? inWords(failure.code)
				: failure.kind === 'refused-by-n8n' && failure.error instanceof Error
					? failure.error.message
					: 'the request was stopped';
		return { status: 'Error', message: nothingAnswers(reason) };
	}
}

export function isTestResult(value: ProbeAnswer | INodeCredentialTestResult): value is INodeCredentialTestResult {
	return typeof value.status === 'string';
}
