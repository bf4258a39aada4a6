/**
 * Property test of the Coze Trigger's header names: whatever case and surrounding spaces the user
 * types into Header Name, and whatever case the sender uses, a request with the right secret is
 * accepted once, and the secret appears nowhere in the item, even with Include Headers on and with
 * the secret copied into other headers. The seed is fixed; FC_SEED=<seed> tries another.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';

import fc from 'fast-check';

import { callWebhook, TestCredentialsHelper } from '../harness/engine';

const SECRET = 'whsec_prop_0123456789abcdef';

const custom = fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz-'.split('')), { minLength: 1, maxLength: 12 }).map((c) => `x-${c.join('')}`);
/** A custom header, or Authorization (which carries `Bearer <secret>`). */
const names = fc.oneof(custom, fc.constant('authorization'));
/** The same name in random case, with spaces or tabs around it. */
const typed = (name: string) =>
	fc
		.tuple(fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }), fc.constantFrom('', ' ', '  ', '\t'), fc.constantFrom('', ' ', '\t '))
		.map(([upper, before, after]) => before + [...name].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join('') + after);

it('a header name in any case and with stray spaces checks the secret and keeps it out of the item', async () => {
	await fc.assert(
		fc.asyncProperty(
			names.chain((name) => fc.tuple(fc.constant(name), typed(name), fc.constantFrom('', 'x-echo', 'x-forwarded-secret'))),
			async ([name, headerName, copyTo]) => {
				const headers: Record<string, string> = { 'content-type': 'application/json', [name]: name === 'authorization' ? `Bearer ${SECRET}` : SECRET };
				if (copyTo) headers[copyTo] = `copy of ${SECRET}`;
				const out = await callWebhook({
					node: 'cozeTrigger',
					credentialTypes: ['cozeWebhookSecretApi'],
					credentials: new TestCredentialsHelper({ cozeWebhookSecretApi: { secret: SECRET } }),
					parameters: { authentication: 'header', headerName, responseMode: 'onReceived', options: { includeHeaders: true } },
					headers,
					rawBody: Buffer.from('{"a":1}'),
				});
				assert.ok(out.result.workflowData, `refused with Header Name ${JSON.stringify(headerName)}`);
				assert.ok(!JSON.stringify(out.result.workflowData).includes(SECRET), `secret in the item with Header Name ${JSON.stringify(headerName)}`);
			},
		),
		{ numRuns: 150, seed: Number(process.env.FC_SEED ?? 20261207) },
	);
});
