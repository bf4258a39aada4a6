import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { INodeParameters } from 'n8n-workflow';

import { callWebhook, TestCredentialsHelper } from '../../harness/engine';

const SECRET = 'whsec_0123456789abcdef0123456789abcdef';
const push = (parameters: INodeParameters, headers: Record<string, string>, body: string) =>
	callWebhook({
		node: 'cozeTrigger', credentialTypes: ['cozeWebhookSecretApi'], credentials: new TestCredentialsHelper({ cozeWebhookSecretApi: { secret: SECRET } }),
		parameters: { authentication: 'header', headerName: 'Authorization', responseMode: 'onReceived', options: {}, ...parameters },
		headers: { 'content-type': 'application/json', ...headers }, rawBody: Buffer.from(body),
	});

it('a Header Name with a stray space still keeps the secret out of the item', async () => {
	const out = await push({ headerName: 'X-Coze-Secret ', options: { includeHeaders: true } }, { 'x-coze-secret': SECRET }, '{"a":1}');
	assert.ok(out.result.workflowData, 'accepted'); // the check trims the name...
	assert.ok(!JSON.stringify(out.result.workflowData).includes(SECRET), 'secret copied into json.headers'); // ...the filter does not
});

it('"__proto__" in a decoded body is data, not the prototype', async () => {
	const out = await push({}, { authorization: `Bearer ${SECRET}` }, '{"__proto__":{"approved":true},"a":1,"b":"{\\"__proto__\\":null}"}');
	const body = (out.result.workflowData![0][0].json as { body: Record<string, unknown> }).body;
	assert.equal(body.approved, undefined, 'approved is inherited from an attacker-chosen prototype'); // today: true
	assert.doesNotThrow(() => `${body.b}`, 'null-prototype object cannot be turned into text'); // today: throws
	assert.equal(Object.getPrototypeOf(body), Object.prototype);
	assert.deepEqual(Object.getOwnPropertyDescriptor(body, '__proto__')?.value, JSON.parse('{"approved":true}'), 'the key is kept as data');
	const nested = body.b as Record<string, unknown>;
	assert.equal(Object.getPrototypeOf(nested), Object.prototype);
	assert.ok(Object.hasOwn(nested, '__proto__') && nested.__proto__ === null, 'the nested key is kept as data');
});
