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

/** A JSON answer that starts at once and then sends a space every 200 ms; it would end after 60 s. */
function trickle(res: Parameters<Parameters<typeof fake>[0]>[1], body: unknown): void {
	res.writeHead(200, { 'content-type': 'application/json' });
	const keepalive = setInterval(() => res.write(' '), 200);
	const end = setTimeout(() => res.end(JSON.stringify(body)), 60_000);
	res.on('close', () => (clearInterval(keepalive), clearTimeout(end)));
}

it('Request Timeout bounds a sync run whose answer trickles in', { timeout: 30_000 }, async () => {
	const coze = await fake((_req, res) => trickle(res, { code: 0, msg: '', data: '{"output":"late"}', execute_id: EID }));
	const result = await runNode({ parameters: runParams(IDS.variablesOnly, { mode: 'sync', options: { requestTimeout: 1 } }), credentials: accessTokenCredentials(coze.url, 'pat_x') });
	await coze.close();
	assert.equal(result.status, 'error');
	assert.match(result.error?.message ?? '', /Coze did not finish its answer within 1 s \(Request Timeout\)/);
	assert.equal(coze.requests.length, 1);
});

it('Max Wait Time bounds an async run whose history answer trickles in', { timeout: 30_000 }, async () => {
	const coze = await fake((req, res) =>
		req.method === 'POST' ? json(res, { code: 0, msg: '', execute_id: EID }) : trickle(res, { code: 0, msg: '', data: [{ execute_id: EID, execute_status: 'Success', output: '{}' }] }),
	);
	const result = await runNode({
		parameters: runParams(IDS.variablesOnly, { mode: 'async', options: { maxWaitTime: 1, pollInitialInterval: 0.02, pollMaxInterval: 0.1 } }),
		credentials: accessTokenCredentials(coze.url, 'pat_x'),
	});
	await coze.close();
	assert.equal(result.status, 'error');
	assert.match(result.error?.message ?? '', /still running after 1 s \(Max Wait Time\)/);
	assert.equal(coze.requests.filter((r) => r.path.includes('run_histories')).length, 1);
});

it('Stop does not wait out the Requests per Second spacing', { timeout: 30_000 }, async () => {
	let firstRequest!: () => void;
	const seen = new Promise<void>((resolve) => (firstRequest = resolve));
	const coze = await fake((_req, res) => (firstRequest(), json(res, { code: 0, msg: '', data: '{"output":"x"}', execute_id: EID })));
	// One request per 100 s: the second and third items would wait 100 s and 200 s for their turn.
	const result = await runNode({ parameters: runParams(IDS.variablesOnly, { mode: 'sync', options: { concurrency: 3, requestsPerSecond: 0.01 } }),
		credentials: accessTokenCredentials(coze.url, 'pat_x'), items: [{}, {}, {}], cancelOn: seen });
	await coze.close();
	assert.equal(result.status, 'canceled');
	assert.equal(coze.requests.length, 1);
});
