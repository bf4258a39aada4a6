// Items at the same time, the request rate, Coze's limit codes, and which chunks reach a streaming
// response: the Coze Workflow node in n8n-core's engine against the emulator.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { IDS, run, runParams, withEmulator } from './helpers';

const names = ['ant', 'bee', 'cat', 'dog', 'eel', 'fox', 'gnu', 'hen'];

describe('Coze Workflow: concurrency', () => {
	it('runs items at the same time with random latencies; output order and pairing stay those of the input', async () => {
		await withEmulator(async (emu) => {
			// Each run's first byte is delayed by a different amount (Coze time; 1 s = 10 ms here).
			const delays = [60_000, 5_000, 40_000, 1_000, 70_000, 20_000, 10_000, 30_000];
			for (const delay of delays) emu.setKnobs({ firstByteDelayMs: delay }, { times: 1 });
			const result = await run(emu, runParams(IDS.variablesOnly, { parametersJson: '={{ JSON.stringify({ name: $json.name }) }}', options: { concurrency: 4 } }), {
				items: names.map((name) => ({ name })),
			});
			assert.equal(result.status, 'success', result.error?.message);
			assert.deepEqual(
				result.items.map((i) => String((i.json.output as { output: string }).output).match(/你好，(\w+)!/)?.[1]),
				names,
			);
			assert.deepEqual(
				result.items.map((i) => i.pairedItem),
				names.map((_, item) => ({ item })),
			);
			// At the same time, and never more than four: measured by the runs the emulator had open
			// together, not by wall time, so a loaded machine cannot fail it. (The first run is held
			// 600 ms, far longer than it takes to send the next ones.)
			const peak = emu.peakOpenRequests('/v1/workflow/stream_run');
			assert.ok(peak >= 2 && peak <= 4, `${peak} runs were open at the same time`);
			assert.equal(emu.runsStarted(IDS.variablesOnly), names.length);
		});
	});

	it('with continue-on-fail, a failing item keeps its place among the others', async () => {
		await withEmulator(async (emu) => {
			const result = await run(
				emu,
				runParams('={{ $json.id }}' as string, { parametersJson: '{}', options: { concurrency: 3 } }),
				{ items: [{ id: IDS.variablesOnly }, { id: IDS.failing }, { id: IDS.variablesOnly }], continueOnFail: true },
			);
			assert.deepEqual(
				result.items.map((i) => (i.json.error ? 'error' : i.json.status)),
				['succeeded', 'error', 'succeeded'],
			);
		});
	});

	it('spaces requests to the Requests per Second limit', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, runParams(IDS.variablesOnly, { mode: 'sync', options: { concurrency: 6, requestsPerSecond: 5 } }), { items: names.slice(0, 6).map((name) => ({ name })) });
			assert.equal(result.status, 'success', result.error?.message);
			const times = emu.requests.filter((r) => r.path === '/v1/workflow/run').map((r) => r.time);
			assert.equal(times.length, 6);
			const span = Math.max(...times) - Math.min(...times);
			assert.ok(span >= 900, `6 requests at 5 per second spread over ${span} ms`);
		});
	});

	it("waits out Coze's limit codes on a sync run (nothing was started) instead of failing", async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ limitCode: 4009 }, { times: 2, path: '/v1/workflow/run' });
			const result = await run(emu, runParams(IDS.variablesOnly, { mode: 'sync' }));
			assert.equal(result.status, 'success', result.error?.message);
			assert.equal(emu.requests.filter((r) => r.path === '/v1/workflow/run').length, 3);
			assert.equal(emu.runsStarted(IDS.variablesOnly), 1);
		});
	});
});

describe('Coze Workflow: chunks into a streaming response', () => {
	it('arrive before the run ends, in order, and add up to the final output', async () => {
		// Slower emulator time here, so that the answer's chunks are spread out (30 ms apart).
		await withEmulator(
			async (emu) => {
				const result = await run(emu, runParams(IDS.answerText, { parametersJson: '{"question":"rain"}' }), { streaming: true, mode: 'webhook' });
				assert.equal(result.status, 'success', result.error?.message);
				const items = result.chunks.filter((c) => c.type === 'item');
				const end = result.chunks.find((c) => c.type === 'end')!;
				assert.ok(items.length > 2);
				assert.ok(items[0].metadata.timestamp < end.metadata.timestamp - 50, 'the first chunk came before the end');
				assert.deepEqual(
					items.map((c) => c.metadata.timestamp),
					[...items.map((c) => c.metadata.timestamp)].sort((a, b) => a - b),
				);
				assert.equal(items.map((c) => c.content).join(''), result.items[0].json.output);
			},
			{ timeScale: 0.1 },
		);
	});

	it('Streamed Nodes = End Node Only leaves Output nodes out; Stream to Response off sends nothing', async () => {
		await withEmulator(async (emu) => {
			const endOnly = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"rain"}', options: { streamNodes: 'end' } }), { streaming: true, mode: 'webhook' });
			// The story comes from an Output node; only the End node's message (its variables) remains.
			const endItems = endOnly.chunks.filter((c) => c.type === 'item');
			assert.equal(endItems.length, 1);
			assert.equal((JSON.parse(endItems[0].content!) as { topic: string }).topic, 'rain');
			const answer = await run(emu, runParams(IDS.answerText, { parametersJson: '{"question":"q"}', options: { streamNodes: 'end' } }), { streaming: true, mode: 'webhook' });
			assert.ok(answer.chunks.filter((c) => c.type === 'item').length > 2, 'the End node answer streams');
			const off = await run(emu, runParams(IDS.answerText, { parametersJson: '{"question":"q"}', options: { streamToResponse: false } }), { streaming: true, mode: 'webhook' });
			assert.equal(off.chunks.length, 0);
			assert.equal(off.items[0].json.status, 'succeeded');
		});
	});
});
