import assert from 'node:assert/strict';
import { it } from 'node:test';

import { accessTokenCredentials, runNode } from '../../harness/engine';
import { fake, json, sse } from './fake';
import { IDS, runParams } from '../helpers';

const EID = '7535298640308535332';
const MB = 1024 * 1024;

// 400 MB without a line end: a client that keeps it all holds 400 MB or more; one that stops at the
// 64 MB limit stays well under 256 MB, even with a second copy and garbage not yet collected (the
// test runner does not expose gc, so the heap is sampled as it is).
for (const [head, what] of [['id: 0\nevent: Message\ndata: {"content":"', 'stream event without finishing it'], ['{"code":0,"msg":"', 'JSON body sent in place of the stream']]) {
	it(`a line that never ends (${JSON.stringify(head.slice(0, 6))}…) fails with a clear error before it holds the whole body`, async () => {
		const block = Buffer.alloc(MB, 0x61);
		const coze = await fake((_req, res) => {
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			res.write(head);
			let sent = 0;
			const pump = () => { while (sent < 400) { sent++; if (!res.write(block)) return void res.once('drain', pump); } }; // then silence
			pump();
		});
		global.gc?.();
		const base = process.memoryUsage();
		let peak = 0;
		const sampler = setInterval(() => { const m = process.memoryUsage(); peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers); }, 20);
		// The fake sends without pause until the client stops reading, so the Idle Timeout cannot end the
		// run first; it only ends a run that holds the whole body (and fails the error assertion).
		const result = await runNode({ parameters: runParams(IDS.variablesOnly, { options: { idleTimeout: 10 } }), credentials: accessTokenCredentials(coze.url, 'pat_x') });
		clearInterval(sampler);
		await coze.close();
		assert.match(result.error?.message ?? '', new RegExp(`more than 64 MB in one ${what}`));
		assert.ok(peak < 256 * MB, `held ${Math.round(peak / MB)} MB`);
	});
}

it('an Output node that runs twice in a loop keeps the text of both runs', async () => {
	const msg = (content: string, seq: number, finish: boolean, loop: number) =>
		({ content, node_title: 'Output', node_id: '135309', node_type: 'Message', node_execute_uuid: '', node_seq_id: String(seq), node_is_finish: finish, loop_index: loop });
	const coze = await fake((_req, res) => (res.writeHead(200, { 'content-type': 'text/event-stream' }), res.end(sse([
		['Message', msg('Hel', 0, false, 0)], ['Message', msg('lo ', 1, false, 0)], ['Message', msg('world', 2, true, 0)], ['Message', msg('Bye', 0, true, 1)],
		['Message', { content: '{"output":"ok"}', node_title: 'End', node_id: '900001', node_type: 'End', node_seq_id: '0', node_is_finish: true }],
		['Done', { debug_url: `https://www.coze.cn/work_flow?execute_id=${EID}` }],
	]))));
	const result = await runNode({ parameters: runParams(IDS.variablesOnly, { options: { includeMessages: true } }), credentials: accessTokenCredentials(coze.url, 'pat_x') });
	await coze.close();
	const outputs = (result.items[0].json.messages as Array<{ nodeTitle: string; content: string }>).filter((m) => m.nodeTitle === 'Output');
	assert.deepEqual(outputs.map((m) => m.content), ['Hello world', 'Bye']);
});

it('an answer-text End node gives the same output, text, in stream and sync mode', async () => {
	const answer = '{"verdict": "ok", "n": 1.50}';
	const coze = await fake((req, res) => {
		if (req.url!.includes('stream_run')) {
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			return res.end(sse([
				['Message', { content: answer.slice(0, 9), node_type: 'End', node_id: '900001', node_seq_id: '0', node_is_finish: false }],
				['Message', { content: answer.slice(9), node_type: 'End', node_id: '900001', node_seq_id: '1', node_is_finish: true }],
				['Done', { debug_url: `https://www.coze.cn/work_flow?execute_id=${EID}` }],
			]));
		}
		json(res, { code: 0, msg: '', execute_id: EID, data: JSON.stringify({ content_type: 1, data: answer, original_result: null, type_for_model: 2 }) });
	});
	const output = async (mode: string) => (await runNode({ parameters: runParams(IDS.answerText, { mode }), credentials: accessTokenCredentials(coze.url, 'pat_x') })).items[0].json.output;
	const [stream, sync] = [await output('stream'), await output('sync')];
	await coze.close();
	assert.equal(sync, answer);
	assert.equal(stream, answer);
});
