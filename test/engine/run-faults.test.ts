import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';

import { accessTokenCredentials, runNode } from '../harness/engine';
import { IDS, run, runParams, withEmulator } from './helpers';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

describe('Coze Workflow: more of the emulator knobs', () => {
	it('a refused connection is reported clearly (the run provably never started)', async () => {
		const port = await closedPort();
		const result = await runNode({
			parameters: runParams(IDS.story),
			credentials: accessTokenCredentials(`http://127.0.0.1:${port}`, 'pat_x'),
		});
		assert.equal(result.status, 'error');
		assert.match(result.error!.message, /Could not connect to Coze at http:\/\/127\.0\.0\.1:\d+: the connection was refused/);
	});

	it('a limit code on a stream run is waited out (Coze started nothing); the daily quota 4008 is not', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ limitCode: 4009 }, { times: 1 });
			const waited = await run(emu, runParams(IDS.story));
			assert.equal(waited.status, 'success');
			assert.equal(emu.requests.filter((r) => r.path === '/v1/workflow/stream_run').length, 2);
			assert.equal(emu.runsStarted(), 1);
			emu.setKnobs({ limitCode: 4008 }, { times: 1 });
			const quota = await run(emu, runParams(IDS.story));
			assert.match(quota.error!.message, /4008/);
			assert.match(quota.error!.description ?? '', /limiting requests/);
			assert.equal(emu.requests.filter((r) => r.path === '/v1/workflow/stream_run').length, 3);
			assert.equal(emu.runsStarted(), 1);
		});
	});

	it('a bare JSON error on the stream endpoint, with or without a trailing newline, is a Coze error', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ streamErrorAs: 'json' }, { times: 1 });
			const json = await run(emu, runParams(IDS.failing));
			assert.equal(json.status, 'error');
			assert.match(json.error!.message, /Coze refused the request|The Coze workflow failed/);
			emu.setKnobs({ streamErrorAs: 'json', jsonErrorWithoutTrailingNewline: true }, { times: 1 });
			const bare = await run(emu, runParams(IDS.failing));
			assert.equal(bare.status, 'error');
			assert.doesNotMatch(bare.error!.message, /not valid JSON|stream ended/);
		});
	});

	it('HTTP 503 on a run is a Coze error with its status and is not retried; HTTP 429 is waited out', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ httpStatus: 503 }, { times: 1 });
			const refused = await run(emu, runParams(IDS.story));
			assert.equal(refused.error!.httpCode, '503');
			assert.equal(emu.requests.filter((r) => r.path === '/v1/workflow/stream_run').length, 1);
			assert.equal(emu.runsStarted(), 0);
			emu.setKnobs({ httpStatus: 429 }, { times: 4 }); // the client's 4 attempts
			const limited = await run(emu, runParams(IDS.story));
			assert.equal(limited.error!.httpCode, '429', 'after the read attempts, the last 429 is reported');
			emu.setKnobs({ httpStatus: 429 }, { times: 1 });
			const waited = await run(emu, runParams(IDS.story));
			assert.equal(waited.status, 'success');
			assert.equal(emu.runsStarted(), 1);
		});
	});

	it('repeated or missing ids do not change the result', async () => {
		await withEmulator(async (emu) => {
			const plain = (await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"t"}' }))).items[0].json.output;
			emu.setKnobs({ duplicateIds: 2 }, { times: 1 });
			const duplicated = (await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"t"}' }))).items[0].json.output;
			emu.setKnobs({ missingIds: 2 }, { times: 1 });
			const missing = (await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"t"}' }))).items[0].json.output;
			assert.deepEqual(duplicated, plain);
			assert.deepEqual(missing, plain);
		});
	});

	it('a cut inside an event (after N bytes) is "ended before the workflow finished", not a JSON error', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ cutAfterBytes: 150 }, { times: 1 });
			const result = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"t"}' }));
			assert.match(result.error!.message, /stream ended before the workflow finished/);
		});
	});

	it('an Error without a following Done is still one failure', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ doneAfterError: false }, { times: 1 });
			const result = await run(emu, runParams(IDS.failing));
			assert.match(result.error!.message, /The Coze workflow failed: \[720712000\]/);
		});
	});

	it('answer-text mode returns the streamed text; variables mode returns the object', async () => {
		await withEmulator(async (emu) => {
			const text = await run(emu, runParams(IDS.answerText));
			assert.equal(typeof text.items[0].json.output, 'string');
			assert.ok((text.items[0].json.output as string).length > 0);
			const variables = await run(emu, runParams(IDS.variablesOnly));
			assert.equal(typeof variables.items[0].json.output, 'object');
		});
	});

	it('a sync run slower than the request timeout fails with the timeout, and is not repeated', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ syncLatencyMs: 300_000 }, { times: 1 });
			const result = await run(emu, runParams(IDS.story, { mode: 'sync', options: { requestTimeout: 0.3 } }));
			assert.match(result.error!.message, /sent nothing for/);
			assert.equal(emu.requests.filter((r) => r.path === '/v1/workflow/run').length, 1);
		});
	});

	it("a sync run cut by Coze's 90 s limit says so, and is not repeated", async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ syncLatencyMs: 300_000 }, { times: 1 });
			const result = await run(emu, runParams(IDS.story, { mode: 'sync' }));
			assert.match(result.error!.message, /Coze cuts sync runs after 90 s/);
			assert.equal(emu.requests.filter((r) => r.path === '/v1/workflow/run').length, 1);
		});
	});

	it('legacy sync fields (token, cost, msg "Success") are accepted', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ legacyRunFields: true }, { times: 1 });
			const result = await run(emu, runParams(IDS.story, { mode: 'sync', parametersJson: '{"topic":"t"}' }));
			assert.equal(result.items[0].json.status, 'succeeded');
		});
	});

	it('runs a chosen workflow version', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, runParams(IDS.versioned, { options: { workflowVersion: 'v0.0.1' } }));
			assert.match(JSON.stringify(result.items[0].json.output), /v0\.0\.1/, result.error?.message);
			const body = emu.requests.find((r) => r.path === '/v1/workflow/stream_run')?.body as { workflow_version?: string };
			assert.equal(body.workflow_version, 'v0.0.1');
		});
	});

	it('sends Bot ID and User ID as Coze names them', async () => {
		await withEmulator(async (emu) => {
			await run(emu, runParams(IDS.story, { options: { botId: '7400000000000000555', userId: 'user-42' } }));
			const body = emu.requests.find((r) => r.path === '/v1/workflow/stream_run')?.body as Record<string, unknown>;
			assert.equal(body.bot_id, '7400000000000000555');
			assert.deepEqual(body.ext, { user_id: 'user-42' });
		});
	});
});

describe('Coze Workflow: Coze Studio mid-stream failure', () => {
	it("reads Studio's lowercase error event as the run's failure", async () => {
		await withEmulator(
			async (emu) => {
				emu.setKnobs({ eventErrorLowercase: true }, { times: 1 });
				const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
				const result = await runNode({ parameters: runParams(IDS.story, { parametersJson: '{"topic":"t"}' }), credentials });
				assert.equal(result.status, 'error');
				assert.match(result.error!.message, /The Coze workflow failed/);
			},
			{ flavor: 'studio' },
		);
	});
});
