import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { runNode, TestCredentialsHelper } from '../harness/engine';
import { FAST_POLL, IDS, jwtCredentialData, run, runParams, withEmulator, workflow } from './helpers';

describe('Coze Workflow: sync and async modes', () => {
	it('sync: decodes the End output and keeps the execute ID', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, runParams(IDS.story, { mode: 'sync', parametersJson: '{"topic":"sun"}' }));
			const json = result.items[0].json;
			assert.equal(json.status, 'succeeded');
			assert.equal((json.output as { topic: string }).topic, 'sun');
			assert.match(json.executeId as string, /^\d{19}$/);
		});
	});

	it('sync: a question node gives 6039 with the stream-mode hint', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, runParams(IDS.tripQuestion, { mode: 'sync' }));
			assert.match(result.error!.message, /6039/);
			assert.match(result.error!.description ?? '', /Use stream or async mode/);
		});
	});

	it('sync: an input node interrupt comes back as an interrupted result, and resumes without a stream', async () => {
		await withEmulator(async (emu) => {
			const first = await run(emu, runParams(IDS.imageInput, { mode: 'sync' }));
			const json = first.items[0].json;
			assert.equal(json.status, 'interrupted');
			const interrupt = json.interrupt as { eventId: string; type: number; requiredParameters: Record<string, unknown> };
			assert.equal(interrupt.type, 5);
			assert.ok(interrupt.requiredParameters.img);
			const resumed = await run(emu, {
				operation: 'resume',
				workflowId: workflow(IDS.imageInput),
				eventId: interrupt.eventId,
				interruptType: 5,
				resumeData: '{"img":"{\\"file_id\\":\\"7369495981102020001\\"}"}',
				resumeVia: 'nonStream',
				options: FAST_POLL,
			});
			assert.equal(resumed.items[0].json.status, 'succeeded', resumed.error?.message);
		});
	});

	it('async: starts the run once and polls its history to the decoded output', async () => {
		await withEmulator(async (emu) => {
			// Running for two polls whatever the machine's speed, so the test sees the node poll again.
			emu.setKnobs({ asyncPollsUntilDone: 2 }, { times: 1 });
			const result = await run(emu, runParams(IDS.longReport, { mode: 'async', options: { ...FAST_POLL } }));
			const json = result.items[0].json;
			assert.equal(json.status, 'succeeded', result.error?.message);
			assert.equal(typeof json.output, 'object');
			assert.equal(emu.runsStarted(IDS.longReport), 1);
			const polls = emu.requests.filter((r) => r.path.includes('/run_histories/')).length;
			assert.equal(polls, 3, `polled ${polls} times`);
		});
	});

	it('async: a failed run is a failure with its code as Coze reported it', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ failAsync: true }, { times: 1 });
			const result = await run(emu, runParams(IDS.longReport, { mode: 'async', options: { ...FAST_POLL } }));
			assert.match(result.error!.message, /The Coze workflow failed/);
			assert.match(result.error!.description ?? '', /Coze code 720712000/);
		});
	});

	it('async: 6003 explains the paid plan; the stream fallback runs it exactly once', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ asyncAllowed: false });
			const refused = await run(emu, runParams(IDS.story, { mode: 'async', options: { ...FAST_POLL } }));
			assert.match(refused.error!.description ?? '', /paid Coze plan/);
			assert.equal(emu.runsStarted(), 0);
			const fallback = await run(
				emu,
				runParams(IDS.story, { mode: 'async', parametersJson: '{"topic":"x"}', options: { ...FAST_POLL, fallbackToStream: true } }),
			);
			assert.equal(fallback.items[0].json.status, 'succeeded');
			assert.equal(emu.runsStarted(), 1);
			assert.ok(fallback.hints.some((h) => /6003/.test(h.message)));
		});
	});

	it('async: trimmed output fetches the output nodes\' content and says so', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ trimOutput: true }, { workflowId: IDS.bigOutput });
			const result = await run(emu, runParams(IDS.bigOutput, { mode: 'async', options: { ...FAST_POLL, includeMessages: true } }));
			const json = result.items[0].json;
			assert.equal(json.outputTrimmed, true, result.error?.message);
			assert.ok(result.hints.some((h) => /trimmed/.test(h.message)));
			assert.ok(emu.requests.some((r) => r.path.includes('/execute_nodes/')));
		});
	});

	it('async: gives up after Max Wait Time and names the execute ID to read later', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ asyncDurationMs: 3_600_000 }, { times: 1 });
			const result = await run(emu, runParams(IDS.longReport, { mode: 'async', options: { ...FAST_POLL, maxWaitTime: 0.3 } }));
			assert.match(result.error!.message, /still running after .*Get Run operation and execute ID \d{19}/);
		});
	});
});

describe('Coze Workflow: resume and Get Run', () => {
	it('resumes a question: a poor answer interrupts again, a good one finishes', async () => {
		await withEmulator(async (emu) => {
			const first = await run(emu, runParams(IDS.tripQuestion, { parametersJson: '{}' }));
			const interrupt = first.items[0].json.interrupt as { eventId: string; type: number; question: string };
			assert.equal(first.items[0].json.status, 'interrupted');
			assert.equal(interrupt.type, 2);
			assert.ok(interrupt.question.length > 0);
			const resume = (eventId: string, answer: string) =>
				run(emu, { operation: 'resume', workflowId: workflow(IDS.tripQuestion), eventId, interruptType: 2, resumeData: answer, resumeVia: 'stream', options: {} });
			const second = await resume(interrupt.eventId, 'somewhere nice');
			assert.equal(second.items[0].json.status, 'interrupted');
			const again = second.items[0].json.interrupt as { eventId: string };
			assert.notEqual(again.eventId, interrupt.eventId);
			const done = await resume(again.eventId, '杭州，2024-08-20');
			assert.equal(done.items[0].json.status, 'succeeded', done.error?.message);
			const finished = await resume(again.eventId, '杭州，2024-08-20');
			assert.match(finished.error!.message, /4315/);
			assert.match(finished.error!.description ?? '', /already finished/);
			assert.equal(emu.runsStarted(IDS.tripQuestion), 1);
		});
	});

	it('resumes the doc example interrupt into the doc resume result', async () => {
		await withEmulator(async (emu) => {
			const first = await run(emu, runParams(IDS.docWeather));
			const json = first.items[0].json;
			assert.equal(json.executeId, '7404830425073352713');
			const interrupt = json.interrupt as { eventId: string; question: string };
			assert.equal(interrupt.eventId, '7404830425073352713/2769808280134765896');
			assert.equal(interrupt.question, '请问你想查看哪个城市、哪一天的天气呢');
			const resumed = await run(emu, {
				operation: 'resume', workflowId: workflow(IDS.docWeather), eventId: interrupt.eventId, interruptType: 2, resumeData: '杭州，2024-08-20', options: {},
			});
			const output = resumed.items[0].json.output as { output: Array<{ humidity: number }> };
			assert.equal(output.output[0].humidity, 72);
		});
	});

	it('an interrupted run says once how to answer it, and Resume after it needs only the answer', async () => {
		await withEmulator(async (emu) => {
			const first = await run(emu, runParams(IDS.tripQuestion), { items: [{}, {}] });
			assert.deepEqual(first.items.map((item) => item.json.status), ['interrupted', 'interrupted']);
			assert.deepEqual(first.items.map((item) => item.json.workflowId), [IDS.tripQuestion, IDS.tripQuestion]);
			const told = first.hints.filter((h) => /asked a question.*Coze Workflow node.*operation Resume/.test(h.message));
			assert.equal(told.length, 1, JSON.stringify(first.hints));
			assert.equal(told[0].type, 'info');

			const answered = await run(emu, { operation: 'resume', resumeData: '杭州，2024-08-20', options: {} }, { inputItems: first.items });
			assert.deepEqual(answered.items.map((item) => item.json.status), ['succeeded', 'succeeded'], answered.error?.message);
			assert.equal(answered.hints.filter((h) => /operation Resume/.test(h.message)).length, 0);
			assert.equal(emu.runsStarted(IDS.tripQuestion), 2);
		});
	});

	it("Resume takes an Input node's interrupt type from the item", async () => {
		await withEmulator(async (emu) => {
			const first = await run(emu, runParams(IDS.imageInput, { mode: 'sync' }));
			assert.equal((first.items[0].json.interrupt as { type: number }).type, 5);
			const resumed = await run(
				emu,
				{ operation: 'resume', resumeData: '{"img":"{\\"file_id\\":\\"7369495981102020001\\"}"}', resumeVia: 'nonStream', options: FAST_POLL },
				{ inputItems: first.items },
			);
			assert.equal(resumed.items[0].json.status, 'succeeded', resumed.error?.message);
			const sent = emu.requests.find((r) => r.path === '/v1/workflows/resume')?.body as { interrupt_type?: number };
			assert.equal(sent.interrupt_type, 5);
		});
	});

	it('Resume with another workflow than the one that asked says that Workflow must be that one', async () => {
		await withEmulator(async (emu) => {
			const first = await run(emu, runParams(IDS.tripQuestion));
			const result = await run(emu, { operation: 'resume', workflowId: workflow(IDS.story), resumeData: 'x', options: {} }, { inputItems: first.items });
			assert.match(result.error!.message, /4314/);
			assert.match(result.error!.description ?? '', /Workflow must be the workflow of the run \(for Resume, the one that asked the question\)/);
		});
	});

	it('Get Run after a Run needs no fields: Workflow and Execute ID come from the item', async () => {
		await withEmulator(async (emu) => {
			const ran = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"moon"}' }));
			const read = await run(emu, { operation: 'getRun', options: {} }, { inputItems: ran.items });
			assert.equal(read.items[0].json.status, 'succeeded', read.error?.message);
			assert.equal(read.items[0].json.workflowId, IDS.story);
			assert.equal(read.items[0].json.executeId, ran.items[0].json.executeId);
		});
	});

	it('an unknown event ID gives 4314', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, {
				operation: 'resume', workflowId: workflow(IDS.tripQuestion), eventId: '7400000000000000999/1', interruptType: 2, resumeData: 'x', options: {},
			});
			assert.match(result.error!.message, /4314/);
		});
	});

	it('Get Run reads a finished run, and waits for a running one', async () => {
		await withEmulator(async (emu) => {
			const ran = await run(emu, runParams(IDS.story, { parametersJson: '{"topic":"moon"}' }));
			const executeId = ran.items[0].json.executeId as string;
			const read = await run(emu, { operation: 'getRun', workflowId: workflow(IDS.story), executeId, options: {} });
			assert.equal(read.items[0].json.status, 'succeeded');
			assert.deepEqual(read.items[0].json.output, ran.items[0].json.output);
			assert.equal(read.items[0].json.executeId, executeId);

			emu.setKnobs({ asyncPollsUntilDone: 3 }, { times: 1 });
			const started = await run(emu, runParams(IDS.longReport, { mode: 'async', options: { ...FAST_POLL, maxWaitTime: 0.05 } }));
			const running = String(started.error?.message.match(/execute ID (\d{19})/)?.[1]);
			const waited = await run(emu, {
				operation: 'getRun', workflowId: workflow(IDS.longReport), executeId: running, waitForCompletion: true, options: FAST_POLL,
			});
			assert.equal(waited.items[0].json.status, 'succeeded', waited.error?.message);
		});
	});

	it('Get Run of an unknown run gives 4314 with the hint', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, { operation: 'getRun', workflowId: workflow(IDS.story), executeId: '7400000000000000123', options: {} });
			assert.match(result.error!.message, /4314/);
			assert.match(result.error!.description ?? '', /no run with this execute ID/);
		});
	});
});

describe('Coze Workflow: Coze Studio flavour', () => {
	it('streams, and reads int64 execute IDs from Studio run history without losing digits', async () => {
		await withEmulator(
			async (emu) => {
				const credentials = new TestCredentialsHelper({
					cozeAccessTokenApi: { accessToken: emu.token, region: 'studio', studioUrl: emu.baseUrl, baseUrl: '' },
				});
				const ran = await runNode({ parameters: runParams(IDS.story, { parametersJson: '{"topic":"s"}' }), credentials });
				const executeId = ran.items[0].json.executeId as string;
				assert.match(executeId, /^\d{19}$/, ran.error?.message);
				const read = await runNode({
					parameters: { operation: 'getRun', workflowId: workflow(IDS.story), executeId, options: {} },
					credentials,
				});
				assert.equal(read.items[0].json.executeId, executeId, read.error?.message);
				assert.ok(emu.requests.some((r) => r.path === '/v1/workflow/get_run_history'));
			},
			{ flavor: 'studio' },
		);
	});
});

describe('Coze Workflow: OAuth JWT credential', () => {
	const jwtCredentials = (emu: Parameters<typeof jwtCredentialData>[0], overrides: ICredentialDataDecryptedObject = {}) =>
		new TestCredentialsHelper({ cozeJwtApi: jwtCredentialData(emu, overrides) });

	it('exchanges a JWT, and renews an expired token once for the rest of a multi-item run', async () => {
		await withEmulator(async (emu) => {
			const credentials = jwtCredentials(emu);
			const params = { ...runParams(IDS.variablesOnly), authentication: 'jwt' };
			const first = await runNode({ parameters: params, credentials, credentialTypes: ['cozeJwtApi'] });
			assert.equal(first.items[0].json.status, 'succeeded', first.error?.message);
			assert.equal(emu.issuedTokens(), 1);
			emu.expireTokens();
			const many = await runNode({ parameters: params, credentials, credentialTypes: ['cozeJwtApi'], items: [{}, {}, {}, {}] });
			assert.equal(many.items.length, 4, many.error?.message);
			assert.ok(many.items.every((i) => i.json.status === 'succeeded'));
			assert.equal(emu.issuedTokens(), 2, 'one renewal for four items');
			assert.equal(credentials.renewals.cozeJwtApi, 2);
		});
	});

	it('a token that expires in the middle of a multi-item execution is renewed once, not once per item', async () => {
		await withEmulator(async (emu) => {
			const credentials = jwtCredentials(emu);
			const params = { ...runParams(IDS.story, { parametersJson: '{"topic":"x"}' }), authentication: 'jwt' };
			// Expire the token while the second item's run streams; items 3 to 5 then meet a dead token.
			let expiredDuringRun = 0;
			const watch = setInterval(() => {
				if (expiredDuringRun === 0 && emu.runsStarted() >= 2) {
					emu.expireTokens();
					expiredDuringRun = emu.runsStarted();
				}
			}, 1);
			const result = await runNode({ parameters: params, credentials, credentialTypes: ['cozeJwtApi'], items: [{}, {}, {}, {}, {}] });
			clearInterval(watch);
			assert.equal(expiredDuringRun, 2, 'the token expired while the second run was under way');
			assert.equal(result.items.length, 5, result.error?.message);
			assert.ok(result.items.every((i) => i.json.status === 'succeeded'));
			assert.equal(emu.issuedTokens(), 2, 'one renewal for the three items after the expiry');
			assert.equal(emu.runsStarted(), 5, 'no run was started twice');
		});
	});

	it('renews a token before it expires', async () => {
		await withEmulator(async (emu) => {
			const credentials = jwtCredentials(emu, { accessToken: 'czs_about_to_expire', expiresAt: Math.floor(Date.now() / 1000) + 30 });
			const result = await runNode({ parameters: { ...runParams(IDS.variablesOnly), authentication: 'jwt' }, credentials, credentialTypes: ['cozeJwtApi'] });
			assert.equal(result.items[0].json.status, 'succeeded', result.error?.message);
			assert.equal(emu.issuedTokens(), 1);
			assert.notEqual(credentials.stored('cozeJwtApi').accessToken, 'czs_about_to_expire');
		});
	});

	it('a wrong key gives an error that names the fields to check, without the key', async () => {
		await withEmulator(async (emu) => {
			const { generateKeyPairSync } = await import('node:crypto');
			const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
			const credentials = jwtCredentials(emu, { privateKey: other });
			const result = await runNode({ parameters: { ...runParams(IDS.variablesOnly), authentication: 'jwt' }, credentials, credentialTypes: ['cozeJwtApi'] });
			assert.equal(result.status, 'error');
			assert.match(result.error!.message, /Private Key|Public Key Fingerprint/);
			const body = other.split('\n')[5];
			assert.doesNotMatch(JSON.stringify(result.error), new RegExp(body.replace(/[+/]/g, '.')));
		});
	});

	it('a malformed private key is refused before anything is sent', async () => {
		await withEmulator(async (emu) => {
			const credentials = jwtCredentials(emu, { privateKey: 'not a key canary_secret_7f3a' });
			const result = await runNode({ parameters: { ...runParams(IDS.variablesOnly), authentication: 'jwt' }, credentials, credentialTypes: ['cozeJwtApi'] });
			assert.match(result.error!.message, /Private Key is not a valid RSA private key/);
			assert.doesNotMatch(JSON.stringify(result.error), /canary_secret_7f3a/);
			assert.equal(emu.requests.length, 0);
		});
	});
});

describe('Coze Workflow: bad input is refused before any request', () => {
	const cases: Array<[string, INodeParameters, RegExp]> = [
		['Inputs (JSON) not JSON', { parametersJson: '{topic: rain' }, /Inputs \(JSON\) is not valid JSON/],
		['Inputs (JSON) an array', { parametersJson: '[1,2]' }, /Inputs \(JSON\) must be a JSON object/],
		['Bot ID and App ID', { options: { botId: '7400000000000000001', appId: '7400000000000000002' } }, /Bot ID or App ID, not both/],
		['Bot ID not an ID', { options: { botId: 'my bot' } }, /Bot ID must be a Coze ID/],
		['Workflow from an expression, not an ID', { workflowId: workflow('={{ "my-flow" }}') }, /Workflow must be a Coze workflow ID/],
		['Idle Timeout negative', { options: { idleTimeout: -1 } }, /Idle Timeout must be a positive number/],
		['Max Wait Time too long', { mode: 'async', options: { maxWaitTime: 90000 } }, /Max Wait Time must be at most 86400/],
	];
	for (const [name, override, message] of cases) {
		it(name, async () => {
			await withEmulator(async (emu) => {
				const result = await run(emu, { ...runParams(IDS.story), ...override });
				assert.equal(result.status, 'error');
				assert.match(result.error!.message, message);
				assert.equal(emu.requests.length, 0, 'nothing was sent');
			});
		});
	}

	it('Event ID of a resume must look like <execute_id>/<n>', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, { operation: 'resume', workflowId: workflow(IDS.tripQuestion), eventId: 'abc', interruptType: 2, resumeData: 'x', options: {} });
			assert.match(result.error!.message, /Event ID must look like/);
			assert.equal(emu.requests.length, 0);
		});
	});
});
