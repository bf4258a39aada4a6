import assert from 'node:assert/strict';
import { it } from 'node:test';

import { accessTokenCredentials, runNode, testCredentialLikeN8n, TestCredentialsHelper } from '../../harness/engine';
import { fake, json } from './fake';
import { IDS, jwtCredentialData, runParams, withEmulator } from '../helpers';

const EID = '7535298640308535332';

it('a JWT credential with Token Lifetime 60 s (the field\'s minimum) works', async () => {
	await withEmulator(async (emu) => {
		const data = jwtCredentialData(emu, { durationSeconds: 60 });
		const result = await runNode({ parameters: { ...runParams(IDS.variablesOnly), authentication: 'jwt' }, credentials: new TestCredentialsHelper({ cozeJwtApi: data }), credentialTypes: ['cozeJwtApi'] });
		assert.equal(result.status, 'success', result.error?.message); // today: "rejected the access token (HTTP 401), also after it was renewed"
		assert.equal((await testCredentialLikeN8n('cozeJwtApi', data)).status, 'OK'); // today: "Coze did not accept the token (HTTP 401)"
	});
});

it('a JSON error whose msg echoes the Authorization header does not leak the token', async () => {
	const token = 'pat_canary0123456789abcdef';
	const proxy = await fake((req, res) => json(res, { code: 4100, msg: `authentication is invalid: ${req.headers.authorization}` }, 401));
	const result = await runNode({ parameters: runParams(IDS.variablesOnly, { mode: 'sync' }), credentials: accessTokenCredentials(proxy.url, token) });
	await proxy.close();
	assert.ok(!JSON.stringify(result.error).includes(token), result.error?.message); // today: "Coze refused the request (4100): authentication is invalid: Bearer pat_canary…"
});

it('D13: Request Timeout bounds a sync run whose answer trickles in', async () => {
	const coze = await fake((_req, res) => {
		res.writeHead(200, { 'content-type': 'application/json' });
		const keepalive = setInterval(() => res.write(' '), 200);
		setTimeout(() => (clearInterval(keepalive), res.end(JSON.stringify({ code: 0, msg: '', data: '{"output":"late"}', execute_id: EID }))), 8000);
	});
	const started = Date.now();
	await runNode({ parameters: runParams(IDS.variablesOnly, { mode: 'sync', options: { requestTimeout: 1 } }), credentials: accessTokenCredentials(coze.url, 'pat_x') });
	await coze.close();
	assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms with Request Timeout 1 s`); // today: ~8000 ms, success
});

it('D14: Stop does not wait out the Requests per Second spacing', async () => {
	const coze = await fake((_req, res) => json(res, { code: 0, msg: '', data: '{"output":"x"}', execute_id: EID }));
	const started = Date.now();
	const result = await runNode({ parameters: runParams(IDS.variablesOnly, { mode: 'sync', options: { concurrency: 3, requestsPerSecond: 0.5 } }),
		credentials: accessTokenCredentials(coze.url, 'pat_x'), items: [{}, {}, {}], cancelAfterMs: 500 });
	await coze.close();
	assert.equal(result.status, 'canceled');
	assert.ok(Date.now() - started < 1500, `Stop took ${Date.now() - started} ms`); // today: ~4000 ms (nothing more is sent, though)
});
