import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { accessTokenCredentials, runNode } from '../harness/engine';
import { IDS, run, runParams, withEmulator } from './helpers';

const JOKE = '为什么小明要带一把尺子去看电影？\n因为他听说电影很长，怕坐不下！';

describe('Coze Workflow: stream mode, through n8n-core against the emulator', () => {
	it('assembles the doc example stream: End output object and the Message node in seq order', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, runParams(IDS.docJoke, { options: { includeMessages: true } }));
			assert.equal(result.status, 'success', result.error?.message);
			const json = result.items[0].json;
			assert.equal(json.status, 'succeeded');
			assert.deepEqual(json.output, { output: JOKE });
			const messages = json.messages as Array<{ nodeTitle: string; content: string }>;
			assert.equal(messages[0].nodeTitle, 'Message');
			assert.equal(messages[0].content, `msg${JOKE}`);
			// The doc example's Done is `{}`: no debug URL, so no execute ID.
			assert.equal(json.executeId, null);
			assert.deepEqual(result.items[0].pairedItem, { item: 0 });
		});
	});

	it('reads the no-space SDK fixture, skipping PING and unknown events', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, runParams(IDS.sdkNoSpace, { options: { includeEvents: true } }));
			const json = result.items[0].json;
			assert.equal(json.output, 'World');
			const events = json.events as Array<{ type: string }>;
			assert.deepEqual(
				events.map((e) => e.type),
				['Message', 'Message', 'PING', 'unknown', 'Done'],
			);
			assert.equal(json.debugUrl, 'https://www.coze.cn/work_flow?***');
		});
	});

	it('returns the cloud variant with usage, 19-digit IDs as strings and the debug URL unescaped', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"雨"}' }));
			const json = result.items[0].json;
			assert.equal(json.status, 'succeeded');
			const output = json.output as { output: string; topic: string };
			assert.equal(output.topic, '雨');
			assert.match(output.output, /雨/);
			assert.equal(typeof json.executeId, 'string');
			assert.match(json.executeId as string, /^\d{19}$/);
			assert.ok(emu.executions.has(json.executeId as string), 'the execute ID is exactly the one Coze issued');
			assert.match(json.debugUrl as string, /execute_id=\d{19}&space_id=\d+&workflow_id=7400000000000000010/);
			assert.ok((json.usage as { token_count: number }).token_count > 0);
			assert.match(json.logId as string, /^[0-9A-F]{20,34}$/);
			assert.equal(emu.runsStarted(IDS.story), 1);
		});
	});

	it('gives the same result whatever the write boundaries (split inside UTF-8, slow drip)', async () => {
		await withEmulator(async (emu) => {
			const whole = (await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"天气"}' }))).items[0].json;
			emu.setKnobs({ writeBoundaries: 'random', boundarySeed: 7 }, { times: 1 });
			const split = (await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"天气"}' }))).items[0].json;
			emu.setKnobs({ dripBytes: 3, dripIntervalMs: 0 }, { times: 1 });
			const drip = (await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"天气"}' }))).items[0].json;
			assert.deepEqual(split.output, whole.output);
			assert.deepEqual(drip.output, whole.output);
		});
	});

	it('waits through a long first byte with PINGs', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ firstByteDelayMs: 40_000, pingIntervalMs: 10_000 }, { times: 1 });
			const result = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"x"}', options: { includeEvents: true } }));
			const events = result.items[0].json.events as Array<{ type: string }>;
			assert.ok(events.filter((e) => e.type === 'PING').length >= 3);
			assert.equal(result.items[0].json.status, 'succeeded');
		});
	});

	it('treats Error then Done as one failure carrying the debug URL and execute ID', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, runParams(IDS.failing));
			assert.equal(result.status, 'error');
			assert.match(result.error!.message, /The Coze workflow failed: \[720712000\]/);
			assert.match(result.error!.description ?? '', /Coze code 5000/);
			assert.match(result.error!.description ?? '', /Debug URL: https:\/\/www\.coze\.cn\/work_flow\?execute_id=\d{19}/);
		});
	});

	it('with continue-on-fail, the failed item carries code, debug URL and execute ID', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, runParams(IDS.failing), { continueOnFail: true });
			assert.equal(result.status, 'success');
			const json = result.items[0].json;
			assert.equal(json.code, 5000);
			assert.match(json.error as string, /720712000/);
			assert.match(json.executeId as string, /^\d{19}$/);
			assert.match(json.debugUrl as string, /^https:\/\/www\.coze\.cn\/work_flow\?/);
			assert.deepEqual(result.items[0].pairedItem, { item: 0 });
		});
	});

	it('reports a lone Error event of the doc example as a Coze 4000 with its hint', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, runParams(IDS.docParamError));
			assert.equal(result.status, 'error');
			assert.match(result.error!.message, /Request parameter error/);
			assert.match(result.error!.description ?? '', /Coze rejected the request parameters/);
		});
	});

	it('maps an unknown workflow (SSE Error 4200) to the publish hint', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, runParams('7499999999999999999'));
			assert.match(result.error!.description ?? '', /not published/);
			assert.equal(emu.runsStarted(), 0);
		});
	});

	it('fails clearly when the stream ends before the workflow finished, and never runs it again', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ cutAfterEvents: 2 }, { times: 1 });
			const result = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"x"}' }));
			assert.equal(result.status, 'error');
			assert.match(result.error!.message, /the stream ended before the workflow finished/i);
			assert.equal(emu.runsStarted(), 1);
			assert.equal(emu.requests.filter((r) => r.path === '/v1/workflow/stream_run').length, 1);
		});
	});

	it('does not retry a run whose connection was reset before headers (it may have started)', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ resetBeforeHeaders: true }, { times: 1 });
			const result = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"x"}' }));
			assert.equal(result.status, 'error');
			assert.equal(emu.requests.filter((r) => r.path === '/v1/workflow/stream_run').length, 1);
		});
	});

	it('fails on silence longer than the idle timeout', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ silenceAfterEvents: 2, silenceMs: 300_000 }, { times: 1 });
			const started = Date.now();
			const result = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"x"}', options: { idleTimeout: 0.5 } }));
			assert.equal(result.status, 'error');
			assert.match(result.error!.message, /sent nothing for/);
			assert.ok(Date.now() - started < 2900, 'gave up near the idle timeout, not at the end of the silence');
		});
	});

	it('maps HTTP 401 with a JSON body to the region hint', async () => {
		await withEmulator(async (emu) => {
			const result = await runWithToken(emu, 'pat_wrong_token_canary_5b1e');
			assert.equal(result.error!.httpCode, '401');
			assert.match(result.error!.message, /4100/);
			assert.match(result.error!.description ?? '', /switch the region/);
			assert.doesNotMatch(JSON.stringify(result.error), /canary_5b1e/);
		});
	});

	it('explains an HTML 502 and an empty body instead of failing to parse them', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ httpStatus: 502 }, { times: 1 });
			const html = await run(emu, runParams(IDS.story));
			assert.match(html.error!.message, /HTTP 502 with an HTML page/);
			emu.setKnobs({ emptyBody: true }, { times: 1 });
			const empty = await run(emu, runParams(IDS.story));
			assert.match(empty.error!.message, /empty body/);
		});
	});

	it('explains the transient 720701013 and does not retry it', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ transientFailure: true }, { times: 1 });
			const result = await run(emu, runParams(IDS.story));
			assert.match(result.error!.message, /720701013/);
			assert.match(result.error!.description ?? '', /temporary server problem/);
			assert.equal(emu.requests.filter((r) => r.path === '/v1/workflow/stream_run').length, 1);
		});
	});

	it('ignores unknown events and malformed lines, and fails on invalid JSON data', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ unknownEvent: true, malformedLine: true }, { times: 1 });
			const tolerant = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"x"}' }));
			assert.equal(tolerant.items[0].json.status, 'succeeded');
			emu.setKnobs({ invalidJsonData: true }, { times: 1 });
			const strict = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"x"}' }));
			assert.match(strict.error!.message, /not valid JSON/);
		});
	});

	it('carries a single 5 MB event whole', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ bigEventBytes: 5 * 1024 * 1024 }, { times: 1 });
			const result = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"x"}', options: { includeMessages: true } }));
			const messages = result.items[0].json.messages as Array<{ content: string }>;
			assert.ok(messages.some((m) => Buffer.byteLength(m.content) >= 5 * 1024 * 1024));
		});
	});

	it('forwards chunks live into a streaming response, and still returns the full item', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"rain"}' }), {
				streaming: true,
				mode: 'webhook',
			});
			const types = result.chunks.map((c) => c.type);
			assert.equal(types[0], 'begin');
			assert.equal(types.at(-1), 'end');
			assert.ok(types.filter((t) => t === 'item').length > 2);
			assert.equal(result.items[0].json.status, 'succeeded');
		});
	});

	it('runs each input item once, pairing every output with its item', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, runParams(IDS.story, { parametersJson: '={{ JSON.stringify({ topic: $json.t }) }}' }), {
				items: [{ t: 'a' }, { t: 'b' }, { t: 'c' }],
			});
			assert.deepEqual(
				result.items.map((i) => (i.json.output as { topic: string }).topic),
				['a', 'b', 'c'],
			);
			assert.deepEqual(
				result.items.map((i) => i.pairedItem),
				[{ item: 0 }, { item: 1 }, { item: 2 }],
			);
			assert.equal(emu.runsStarted(IDS.story), 3);
		});
	});

	it('stops the stream within a second when the execution is cancelled', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ firstByteDelayMs: 600_000, pingIntervalMs: 10_000 }, { times: 1 });
			const started = Date.now();
			const result = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"x"}' }), { cancelAfterMs: 300 });
			assert.equal(result.status, 'canceled');
			assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
		});
	});
});

async function runWithToken(emu: Parameters<typeof run>[0], token: string) {
	return await runNode({ parameters: runParams(IDS.story), credentials: accessTokenCredentials(emu.baseUrl, token) });
}
