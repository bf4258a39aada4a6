// The Coze Trigger's webhook() in n8n-core's WebhookContext: who gets in, what the item holds, and
// that a rejection starts nothing and echoes nothing of the request.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { NodeHelpers, type INodeParameters } from 'n8n-workflow';

import { callWebhook, credentialType, nodeType, testCredentialLikeN8n, TestCredentialsHelper, type WebhookOutcome } from '../harness/engine';

const SECRET = `whsec_${randomBytes(16).toString('hex')}`;
const credentials = (secret = SECRET) => new TestCredentialsHelper({ cozeWebhookSecretApi: { secret } });

async function push(
	parameters: INodeParameters,
	request: { headers?: Record<string, string>; body?: string | Buffer; query?: Record<string, string> },
	options: { secret?: string; nodeId?: string } = {},
): Promise<WebhookOutcome> {
	return await callWebhook({
		node: 'cozeTrigger',
		parameters: { authentication: 'header', headerName: 'Authorization', responseMode: 'onReceived', options: {}, ...parameters },
		credentials: credentials(options.secret),
		credentialTypes: ['cozeWebhookSecretApi'],
		headers: { 'content-type': 'application/json', ...request.headers },
		rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body ?? '{"executeId":"7400000000000000123"}'),
		query: request.query,
		nodeId: options.nodeId,
	});
}

function accepted(outcome: WebhookOutcome) {
	assert.equal(outcome.sent, undefined, `rejected: ${JSON.stringify(outcome.sent)}`);
	assert.ok(outcome.result.workflowData, 'an execution starts');
	return outcome.result.workflowData![0][0].json;
}

function rejected(outcome: WebhookOutcome, status: number, reason: RegExp, request = '') {
	assert.equal(outcome.result.noWebhookResponse, true);
	assert.equal(outcome.result.workflowData, undefined, 'no execution starts');
	assert.equal(outcome.sent?.status, status);
	assert.deepEqual(outcome.answer, { status, contentType: JSON_ANSWER, body: { received: false, error: outcome.sent?.body && (outcome.sent.body as { error: string }).error } });
	const text = JSON.stringify(outcome.sent?.body);
	assert.match(text, reason);
	assert.ok(!text.includes(SECRET), 'the secret is not echoed');
	if (request) assert.ok(!text.includes(request), 'nothing of the request is echoed');
}

const JSON_ANSWER = 'application/json; charset=utf-8';
const bearer = { authorization: `Bearer ${SECRET}` };

describe('Coze Trigger: secret in a header', () => {
	it('accepts the right secret, answering {"received": true}; IDs beyond 2^53 stay exact', async () => {
		const outcome = await push({}, { headers: bearer, body: '{"executeId":7400000000000000123,"output":"ok"}' });
		const json = accepted(outcome);
		assert.deepEqual(json.body, { executeId: '7400000000000000123', output: 'ok' });
		assert.deepEqual(outcome.answer, { status: 200, contentType: JSON_ANSWER, body: { received: true } });
	});

	it('refuses a wrong, missing or non-Bearer secret with 401, echoing nothing', async () => {
		rejected(await push({}, { headers: { authorization: 'Bearer wrong-secret-canary-77' } }), 401, /The secret does not match/, 'canary-77');
		rejected(await push({}, {}), 401, /no secret/);
		rejected(await push({}, { headers: { authorization: SECRET } }), 401, /no Bearer secret/);
	});

	it('a custom header carries the secret alone; the Authorization header then does not count', async () => {
		const custom = { headerName: 'X-Coze-Secret' };
		accepted(await push(custom, { headers: { 'x-coze-secret': SECRET } }));
		rejected(await push(custom, { headers: bearer }), 401, /no secret/);
	});

	it('a credential whose secret is too short refuses every request, and its test says why', async () => {
		rejected(await push({}, { headers: { authorization: 'Bearer short' } }, { secret: 'short' }), 401, /not set up/);
		const weak = await testCredentialLikeN8n('cozeWebhookSecretApi', { secret: 'short' });
		assert.deepEqual(weak.status, 'Error');
		assert.match(weak.message, /at least 16 characters/);
		assert.equal((await testCredentialLikeN8n('cozeWebhookSecretApi', { secret: SECRET })).status, 'OK');
	});

	it('the credential form states the 16-character rule while the secret is shorter, not only behind the test\'s details', () => {
		const notice = credentialType('cozeWebhookSecretApi').properties.find((p) => p.type === 'notice');
		assert.ok(notice, 'the credential has a notice');
		assert.match(notice.displayName, /at least 16 characters/);
		const shown = (secret: string) => NodeHelpers.displayParameter({ secret }, notice, null, null);
		assert.equal(shown(''), true);
		assert.equal(shown('short'), true);
		assert.equal(shown('  fifteen-chars!  '), true);
		assert.equal(shown(SECRET), false);
		assert.equal(shown('x'.repeat(16)), false);
	});

	it('with no authentication, anyone gets in', async () => {
		accepted(await push({ authentication: 'none' }, {}));
	});
});

describe('Coze Trigger: HMAC signature', () => {
	const hmac = { authentication: 'hmac', toleranceSeconds: 300 };
	const sign = (body: string, timestamp: number, secret = SECRET) => ({
		'x-coze-timestamp': String(timestamp),
		'x-coze-signature': createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex'),
	});
	const now = () => Math.floor(Date.now() / 1000);

	it('accepts a good signature (with or without "sha256="), once', async () => {
		const body = '{"output":"signed"}';
		const headers = sign(body, now());
		const first = await push(hmac, { headers, body }, { nodeId: 'hmac-once' });
		assert.deepEqual(accepted(first).body, { output: 'signed' });
		rejected(await push(hmac, { headers, body }, { nodeId: 'hmac-once' }), 401, /already received/);
		const body2 = '{"output":"prefixed"}';
		const prefixed = sign(body2, now());
		prefixed['x-coze-signature'] = `sha256=${prefixed['x-coze-signature']}`;
		accepted(await push(hmac, { headers: prefixed, body: body2 }, { nodeId: 'hmac-once' }));
	});

	it('refuses a wrong key, a changed body, a stale or future timestamp, and a missing signature', async () => {
		const body = '{"output":"x"}';
		rejected(await push(hmac, { headers: sign(body, now(), 'another-secret-of-some-length'), body }), 401, /signature does not match/);
		rejected(await push(hmac, { headers: sign(body, now()), body: '{"output":"y"}' }), 401, /signature does not match/);
		rejected(await push(hmac, { headers: sign(body, now() - 301), body }), 401, /outside the allowed window/);
		rejected(await push(hmac, { headers: sign(body, now() + 400), body }), 401, /outside the allowed window/);
		rejected(await push(hmac, { headers: { 'x-coze-timestamp': String(now()) }, body }), 401, /no valid signature/);
		rejected(await push(hmac, { headers: { 'x-coze-signature': 'ab'.repeat(32) }, body }), 401, /no valid timestamp/);
	});
});

describe('Coze Trigger: body', () => {
	it('refuses a body that is not JSON (415), too large (413) or malformed (400), echoing nothing', async () => {
		rejected(await push({}, { headers: { ...bearer, 'content-type': 'text/plain' }, body: 'hello canary-body-1' }), 415, /must be JSON/, 'canary-body-1');
		const big = JSON.stringify({ blob: 'x'.repeat(2048) });
		rejected(await push({ options: { maxBodySizeKb: 1 } }, { headers: bearer, body: big }), 413, /larger than 1 KB/);
		rejected(await push({}, { headers: bearer, body: '{"a": canary-body-2' }), 400, /not valid JSON/, 'canary-body-2');
		rejected(await push({}, { headers: bearer, body: '' }), 400, /not valid JSON/);
	});

	it('accepts +json media types', async () => {
		accepted(await push({}, { headers: { ...bearer, 'content-type': 'application/vnd.coze+json; charset=utf-8' } }));
	});

	it('decodes JSON nested in strings (Coze passes objects as strings), unless turned off', async () => {
		const body = JSON.stringify({ output: JSON.stringify({ title: 'T', items: JSON.stringify([1, 2]) }), note: '{not json' });
		assert.deepEqual(accepted(await push({}, { headers: bearer, body })).body, { output: { title: 'T', items: [1, 2] }, note: '{not json' });
		assert.deepEqual(accepted(await push({ options: { decodeNestedJson: false } }, { headers: bearer, body })).body, JSON.parse(body));
	});

	it('adds headers (without the secret) and query when asked', async () => {
		const json = accepted(
			await push({ options: { includeHeaders: true, includeQuery: true } }, { headers: { ...bearer, 'x-trace': 't1' }, query: { source: 'coze' } }),
		);
		assert.equal((json.headers as Record<string, string>)['x-trace'], 't1');
		assert.equal((json.headers as Record<string, string>).authorization, undefined);
		assert.ok(!JSON.stringify(json).includes(SECRET));
		assert.deepEqual(json.query, { source: 'coze' });
	});

	it('a Header Name with spaces or capitals still keeps the secret out of the headers, as does any other header that carries it', async () => {
		const json = accepted(
			await push(
				{ headerName: '  X-Coze-Secret ', options: { includeHeaders: true } },
				{ headers: { 'x-coze-secret': SECRET, 'x-copied-secret': `token=${SECRET}`, 'x-trace': 't1' } },
			),
		);
		assert.deepEqual(Object.keys(json.headers as object).sort(), ['content-type', 'x-trace']);
	});

	it('"When Last Node Finishes" answers the JSON of the last node\'s first item', async () => {
		// The trigger is the only node here, so its item is the answer.
		const outcome = await push({ responseMode: 'lastNode' }, { headers: bearer, body: '{"output":"done"}' });
		assert.deepEqual(outcome.answer, { status: 200, contentType: JSON_ANSWER, body: { body: { output: 'done' } } });
	});

	it('"Using Respond to Webhook Node" leaves the answer to that node', async () => {
		const outcome = await push({ responseMode: 'responseNode' }, { headers: bearer });
		accepted(outcome);
		assert.equal(outcome.answer, 'respondToWebhookNode');
	});
});

describe('Coze Trigger: panel texts', () => {
	const description = () => nodeType('cozeTrigger').description;
	const notice = (authentication: string) =>
		description()
			.properties.filter((p) => p.type === 'notice' && (p.displayOptions?.show?.authentication as string[] | undefined)?.includes(authentication))
			.map((p) => p.displayName)
			.join(' ');

	it('with HMAC, the set-up notice says that a Code node in the Coze workflow signs, and points to the signing section of the README', () => {
		const hmac = notice('hmac');
		assert.match(hmac, /Code node/);
		assert.match(hmac, /body unchanged/);
		assert.match(hmac, /#signing-requests-hmac/);
		assert.doesNotMatch(notice('header'), /Code node/);
		assert.ok(!JSON.stringify(description().properties).includes('Coze signs'), 'Coze itself signs nothing');
	});

	it('the example body uses a variable of an earlier node, and says so', () => {
		assert.match(notice('header'), /\{\{output\}\} is the output of an earlier node/);
	});

	it('the trigger panel asks to run the Coze workflow that calls the node', () => {
		const panel = description().triggerPanel;
		assert.ok(panel && typeof panel === 'object', 'has a trigger panel');
		assert.match(String(panel.header), /Run the Coze workflow/);
		assert.match(JSON.stringify(panel.executionsHelp), /run the Coze workflow/);
	});
});
