// Limits the user sets in the options: Max Event Size on a streamed run and a chat, and Upload File's Request
// Timeout, Idle Timeout and the execution's Stop, through n8n-core against the emulator.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { CHAT_IDS } from '../emulator';
import { agentChatParams, IDS, run, runAgent, runParams, withEmulator } from './helpers';

const UPLOAD_PATH = '/v1/files/upload';
const FILE_ITEM: INodeExecutionData[] = [
	{ json: {}, binary: { data: { data: Buffer.from('hello').toString('base64'), mimeType: 'text/plain', fileName: 'hello.txt' } } },
];
const upload = (options: INodeParameters): INodeParameters => ({ operation: 'uploadFile', binaryPropertyName: 'data', options });
/** Far longer than any test may take: only a timeout or a stop can end the upload. */
const FOREVER_MS = 10 ** 9;
/** An upload that nothing ends would hang the test: this makes it fail instead. */
const HANG = { timeout: 60_000 };

describe('Max Event Size', () => {
	it('an event over the limit fails its item with an error naming the option; the next item runs', async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ bigEventBytes: 2 * 1024 * 1024 }, { times: 1 });
			const result = await run(emu, runParams(IDS.variablesOnly, { options: { maxEventSize: 1 } }), { items: [{}, {}], continueOnFail: true });
			assert.equal(result.status, 'success', result.error?.message);
			const [first, second] = result.items.map((item) => item.json);
			assert.match(String(first.error), /more than 1 MB in one stream event without finishing it \(Max Event Size\)/);
			assert.match(String(first.error), /raise Max Event Size \(MB\)/);
			assert.equal(second.error, undefined, String(second.error));
			assert.equal(typeof second.output, 'object');
		});
	});

	it('a Coze Agent chat: an answer event over the limit fails its item; a short answer passes', async () => {
		await withEmulator(async (emu) => {
			// The echo agent answers "You said: <message>", in one delta event with chatDeltaChars 0. The
			// bound counts from the chunk in which the event before ended, so it may let pass up to one
			// chunk more than the limit: 3 MB is well over.
			emu.setKnobs({ chatDeltaChars: 0 });
			const long = 'x'.repeat(3 * 1024 * 1024);
			const result = await runAgent(emu, agentChatParams(CHAT_IDS.agents.echo, { options: { maxEventSize: 1 } }), {
				items: [{ chatInput: long }, { chatInput: 'short' }],
				continueOnFail: true,
			});
			const [first, second] = result.items.map((item) => item.json);
			assert.match(String(first.error), /more than 1 MB in one stream event without finishing it \(Max Event Size\)/);
			assert.equal(second.answer, 'You said: short');
		});
	});

	it('refuses a Max Event Size below 1 MB, naming the field', async () => {
		await withEmulator(async (emu) => {
			const result = await run(emu, runParams(IDS.variablesOnly, { options: { maxEventSize: 0.5 } }));
			assert.match(result.error?.message ?? '', /Max Event Size must be a number of MB from 1 to 512, not "0.5"/);
			assert.equal(emu.runsStarted(), 0);
		});
	});
});

describe('Upload File: timeouts and Stop', () => {
	it('an answer that does not come within Request Timeout fails the item with the timeout, not repeated', HANG, async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ uploadLatencyMs: FOREVER_MS });
			const result = await run(emu, upload({ requestTimeout: 0.5, idleTimeout: 3600 }), { inputItems: FILE_ITEM });
			assert.match(result.error?.message ?? '', /did not finish its answer within .*\(Request Timeout\)/);
			assert.equal(emu.requests.filter((r) => r.path === UPLOAD_PATH).length, 1);
		});
	});

	it('a silent connection fails the item after Idle Timeout', HANG, async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ uploadLatencyMs: FOREVER_MS });
			const result = await run(emu, upload({ requestTimeout: 3600, idleTimeout: 0.5 }), { inputItems: FILE_ITEM });
			assert.match(result.error?.message ?? '', /sent nothing for .*\(Idle Timeout\)/);
			assert.equal(emu.requests.filter((r) => r.path === UPLOAD_PATH).length, 1);
		});
	});

	it('stopping the execution ends an upload that waits for its answer with the stop\'s error', HANG, async () => {
		await withEmulator(async (emu) => {
			emu.setKnobs({ uploadLatencyMs: FOREVER_MS });
			// Stopped once the emulator has the whole upload: the stop meets a request in flight.
			const arrived = new Promise<void>((resolve) => {
				const check = setInterval(() => {
					if (!emu.requests.some((r) => r.path === UPLOAD_PATH)) return;
					clearInterval(check);
					resolve();
				}, 5);
			});
			const result = await run(emu, upload({ requestTimeout: 3600, idleTimeout: 3600 }), { inputItems: FILE_ITEM, cancelOn: arrived });
			assert.equal(result.status, 'canceled');
			// The node's promise has settled (runNode awaits it): the request itself ended, with the stop's error.
			assert.equal(result.error?.message, 'The execution was stopped while waiting for Coze');
			assert.equal(emu.requests.filter((r) => r.path === UPLOAD_PATH).length, 1);
		});
	});
});
