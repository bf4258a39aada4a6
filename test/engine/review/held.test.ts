// Attacks that held: these pass today.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { it } from 'node:test';

import { accessTokenCredentials, callWebhook, runNode, TestCredentialsHelper } from '../../harness/engine';
import { fake } from './fake';
import { IDS, runParams } from '../helpers';

const pings = async () => fake((_req, res) => {
	res.writeHead(200, { 'content-type': 'text/event-stream' });
	let id = 0;
	const timer = setInterval(() => res.write(`id: ${id++}\nevent: PING\ndata: {"content":"{}"}\n\n`), 50);
	res.on('close', () => clearInterval(timer));
});

it('Stop mid-stream (headers in, PINGs flowing) closes the connection at once', async () => {
	const coze = await pings();
	const started = Date.now();
	const result = await runNode({ parameters: runParams(IDS.story), credentials: accessTokenCredentials(coze.url, 'pat_x'), cancelAfterMs: 400 });
	await coze.close();
	assert.equal(result.status, 'canceled');
	assert.ok(Date.now() - started < 1000);
});

it('PINGs forever end at the Total Timeout', async () => {
	const coze = await pings();
	const result = await runNode({ parameters: runParams(IDS.story, { options: { totalTimeout: 2, idleTimeout: 1 } }), credentials: accessTokenCredentials(coze.url, 'pat_x') });
	await coze.close();
	assert.match(result.error!.message, /total timeout of 2 s/);
});

it('BOM + CRLF framing; 19-digit execute_id from the debug URL stays exact', async () => {
	const coze = await fake((_req, res) => (res.writeHead(200, { 'content-type': 'text/event-stream' }), res.end(
		'\uFEFFid: 0\r\nevent: Message\r\ndata: {"content":"hi","node_type":"End","node_seq_id":"0","node_is_finish":true}\r\n\r\n' +
		'id: 1\r\nevent: Done\r\ndata: {"debug_url":"https://www.coze.cn/work_flow?execute_id=7535298640308535332\\u0026space_id=1"}\r\n\r\n')));
	const result = await runNode({ parameters: runParams(IDS.answerText), credentials: accessTokenCredentials(coze.url, 'pat_x') });
	await coze.close();
	assert.deepEqual([result.items[0].json.output, result.items[0].json.executeId], ['hi', '7535298640308535332']);
});

it('a reset after Coze received the run request is not repeated (sync and stream)', async () => {
	for (const mode of ['sync', 'stream']) {
		const coze = await fake((req) => req.socket.destroy());
		const result = await runNode({ parameters: runParams(IDS.variablesOnly, { mode }), credentials: accessTokenCredentials(coze.url, 'pat_x') });
		await coze.close();
		assert.equal(coze.requests.length, 1);
		assert.match(result.error!.message, /may have (started|received)/);
	}
});

it('HMAC: prefix/upper-case accepted once; replay, ms timestamps, stale, re-encoded body refused', async () => {
	const secret = 'whsec_0123456789abcdef0123456789abcdef';
	const body = '{"executeId":"7535298640308535332"}';
	const call = (ts: string, signature: string, raw = body, nodeId = 'n1') => callWebhook({ node: 'cozeTrigger', nodeId, credentialTypes: ['cozeWebhookSecretApi'],
		credentials: new TestCredentialsHelper({ cozeWebhookSecretApi: { secret } }), rawBody: Buffer.from(raw),
		parameters: { authentication: 'hmac', signatureHeader: 'x-coze-signature', timestampHeader: 'x-coze-timestamp', toleranceSeconds: 300, responseMode: 'onReceived', options: {} },
		headers: { 'content-type': 'application/json', 'x-coze-timestamp': ts, 'x-coze-signature': signature } });
	const sign = (ts: string) => createHmac('sha256', secret).update(`${ts}.`).update(body).digest('hex');
	const now = String(Math.floor(Date.now() / 1000));
	const stale = String(Number(now) - 301);
	const ms = String(Date.now());
	assert.equal((await call(now, `SHA256=${sign(now).toUpperCase()}`)).sent, undefined);
	assert.equal((await call(now, sign(now))).sent?.status, 401);
	assert.equal((await call(ms, sign(ms), body, 'n2')).sent?.status, 401);
	assert.equal((await call(stale, sign(stale), body, 'n3')).sent?.status, 401);
	assert.equal((await call(now, sign(now), body.replace(':', ': '), 'n4')).sent?.status, 401);
});
