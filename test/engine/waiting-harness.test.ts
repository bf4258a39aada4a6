/**
 * The waiting harness itself, with test-only nodes: park → callback → resume, n8n's answers to
 * callbacks, the time-out resume, and the race before the waiting state is saved.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { deliverCallback, deliverToUrl, expireWait, serveWaitingWebhooks, startExecution, TestCredentialsHelper, WAITING_BASE_URL, type WaitingExecution } from '../harness/engine';
import { parkingHooks, parkingWorkflow } from './waiting-harness-nodes';

const credentials = new TestCredentialsHelper({});

async function park(parameters: Parameters<typeof parkingWorkflow>[0] = {}, items = [{ n: 1 }, { n: 2 }], onStart?: (e: WaitingExecution) => void) {
	return await startExecution({ workflow: parkingWorkflow(parameters), startNode: 'Start', items, credentials, onStart });
}

/** The URL the parking node hands out: the resume URL with its webhook path. */
function callbackUrl(execution: WaitingExecution, path = 'cb'): string {
	const url = new URL(execution.resumeUrl);
	url.pathname += `/${path}`;
	return url.toString();
}

const resume = { resume: true, runId: 'r1' };

afterEach(() => {
	parkingHooks.duringExecute = undefined;
});

describe('waiting harness: park, callback, resume', () => {
	it('parks with a signed resume URL, and a callback resumes with the webhook items downstream', async () => {
		const execution = await park();
		assert.equal(execution.status, 'waiting');
		assert.ok(execution.waitTill && execution.waitTill.getTime() > Date.now());
		assert.match(execution.resumeUrl, new RegExp(`^${WAITING_BASE_URL}/${execution.id}\\?signature=[0-9a-f]{64}$`));
		assert.equal(execution.runCount('After'), 0);

		const answer = await deliverToUrl(callbackUrl(execution), { body: resume, headers: { 'Content-Type': 'application/json' } });
		assert.deepEqual([answer.status, answer.body, answer.resumed], [200, { accepted: true }, true]);
		await answer.done;
		assert.equal(execution.status, 'success');
		const expected = { resumedWith: resume, seenJson: { n: 1 }, seenInput: [{ n: 1 }, { n: 2 }] };
		assert.deepEqual(execution.items.Park.map((i) => i.json), [expected]);
		assert.deepEqual(execution.items.After.map((i) => i.json), [expected]);
		assert.equal(execution.runCount('Park'), 1);
		assert.deepEqual(execution.calls, { execute: { Start: 1, Park: 1, After: 1 }, webhook: { Park: 1 } });
	});

	it('a callback whose webhook() returns no workflowData is answered and the execution keeps waiting', async () => {
		const execution = await park();
		const answer = await deliverCallback(execution, { suffix: 'cb', query: { signature: execution.resumeToken }, body: { resume: false } });
		assert.deepEqual([answer.status, answer.body, answer.resumed], [200, { accepted: false }, false]);
		assert.equal(execution.status, 'waiting');
		assert.equal(execution.runCount('Park'), 1);
		const later = await deliverToUrl(callbackUrl(execution), { body: resume });
		await later.done;
		assert.equal(execution.status, 'success');
		assert.equal(execution.answers.length, 2);
	});

	it('a webhook() that answers the request itself gives that answer, and the execution keeps waiting', async () => {
		const execution = await park();
		const busy = await deliverToUrl(callbackUrl(execution), { body: { busy: true } });
		assert.deepEqual([busy.status, busy.body, busy.resumed], [503, { accepted: false, reason: 'busy' }, false]);
		assert.equal(execution.status, 'waiting');
	});

	it('a webhook() that throws gets 500, and n8n continues the execution with the error recorded', async () => {
		const execution = await park();
		const answer = await deliverToUrl(callbackUrl(execution), { body: { throw: true } });
		assert.deepEqual([answer.status, answer.body], [500, { code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' }]);
		await answer.done;
		assert.notEqual(execution.status, 'waiting');
		assert.equal(execution.error?.message, 'webhook failed');
	});

	it('serves the waiting webhooks over HTTP for an upstream that calls the URL itself', async () => {
		const server = await serveWaitingWebhooks();
		try {
			const execution = await startExecution({ workflow: parkingWorkflow(), startNode: 'Start', items: [{ n: 1 }], credentials, waitingBaseUrl: server.baseUrl });
			assert.ok(execution.resumeUrl.startsWith(`${server.baseUrl}/${execution.id}?signature=`));
			const response = await fetch(callbackUrl(execution), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(resume) });
			assert.deepEqual([response.status, await response.json()], [200, { accepted: true }]);
			await execution.settled();
			assert.equal(execution.status, 'success');
			assert.deepEqual(execution.items.After[0].json.resumedWith, resume);
			const wrong = await fetch(callbackUrl(execution).replace(/signature=\w+/, 'signature=x'), { method: 'POST', body: '{}' });
			assert.deepEqual([wrong.status, await wrong.json()], [401, { error: 'Invalid token' }]);
		} finally {
			await server.close();
		}
	});

	it('answers 401 to a wrong or missing signature, before anything else', async () => {
		const execution = await park();
		const wrong = await deliverCallback(execution, { suffix: 'cb', query: { signature: 'f'.repeat(64) }, body: resume });
		assert.deepEqual([wrong.status, wrong.body], [401, { error: 'Invalid token' }]);
		const missing = await deliverCallback(execution, { suffix: 'cb', body: resume });
		assert.equal(missing.status, 401);
		assert.equal(execution.status, 'waiting');
		assert.deepEqual(execution.calls.webhook, {});
	});

	it('answers 404 to an undeclared path or method, and to an unknown execution', async () => {
		const execution = await park();
		const other = await deliverToUrl(callbackUrl(execution, 'other'), { body: resume });
		const message = `The workflow for execution "${execution.id}" does not contain a waiting webhook with a matching path/method.`;
		assert.deepEqual([other.status, other.body], [404, { code: 404, message }]);
		const get = await deliverToUrl(callbackUrl(execution), { method: 'GET' });
		assert.equal(get.status, 404);
		const unknown = await deliverCallback('999999', { suffix: 'cb', body: resume });
		assert.deepEqual([unknown.status, unknown.body], [404, { code: 404, message: 'The execution "999999" does not exist.' }]);
		assert.equal(execution.status, 'waiting');
	});

	it('answers 409 once the execution has finished', async () => {
		const execution = await park();
		await (await deliverToUrl(callbackUrl(execution), { body: resume })).done;
		const again = await deliverToUrl(callbackUrl(execution), { body: resume });
		assert.deepEqual([again.status, again.body], [409, { code: 409, message: `The execution "${execution.id} has finished already.` }]);
		assert.deepEqual(execution.calls.webhook, { Park: 1 });
	});

	it('answers 409 once the execution has finished with an error', async () => {
		const execution = await park();
		await (await deliverToUrl(callbackUrl(execution), { body: { ...resume, fail: true } })).done;
		assert.deepEqual([execution.status, execution.error?.node], ['error', 'After']);
		const again = await deliverToUrl(callbackUrl(execution), { body: resume });
		assert.deepEqual([again.status, again.body], [409, { code: 409, message: `The execution "${execution.id}" has finished with error.` }]);
	});
});

describe('waiting harness: races', () => {
	it('a callback from inside execute(), before the waiting state is saved, gets 409 and is lost', async () => {
		let early: Awaited<ReturnType<typeof deliverToUrl>> | undefined;
		parkingHooks.duringExecute = async (url) => {
			early = await deliverToUrl(url, { body: resume });
		};
		const execution = await park();
		assert.deepEqual([early?.status, early?.body], [409, { code: 409, message: `The execution "${execution.id}" is running already.` }]);
		assert.equal(execution.status, 'waiting');
		assert.deepEqual(execution.calls.webhook, {});
	});

	it('a callback after execute() returned but before the row is written also gets 409', async () => {
		const answers: number[] = [];
		const execution = await park({}, undefined, (e) => {
			e.beforeSave = async () => {
				answers.push((await deliverToUrl(callbackUrl(e), { body: resume })).status);
			};
		});
		assert.deepEqual(answers, [409]);
		assert.equal(execution.status, 'waiting');
	});

	it('of two concurrent callbacks one resumes and the other gets 500 after its webhook() ran', async () => {
		const execution = await park();
		const [a, b] = await Promise.all([deliverToUrl(callbackUrl(execution), { body: resume }), deliverToUrl(callbackUrl(execution), { body: resume })]);
		const byStatus = [a, b].sort((x, y) => x.status - y.status);
		assert.deepEqual(byStatus.map((x) => [x.status, x.body, x.resumed]), [
			[200, { accepted: true }, true],
			[500, { code: 0, message: 'There was a problem executing the workflow' }, false],
		]);
		await execution.settled();
		assert.equal(execution.status, 'success');
		assert.deepEqual(execution.calls, { execute: { Start: 1, Park: 1, After: 1 }, webhook: { Park: 2 } });
	});

	it('a callback whose webhook() is still running when the time-out fires loses with 500', async () => {
		const execution = await park();
		const late = deliverToUrl(callbackUrl(execution), { body: resume });
		assert.equal(await expireWait(execution), true);
		const answer = await late;
		assert.deepEqual([answer.status, answer.resumed], [500, false]);
		assert.deepEqual(execution.items.Park.map((i) => i.json), [{ n: 1 }, { n: 2 }]);
		assert.deepEqual(execution.calls.webhook, { Park: 1 });
	});

	it('a callback while the resumed execution runs gets 409', async () => {
		const execution = await park();
		const during: number[] = [];
		execution.beforeSave = async (e) => {
			during.push((await deliverToUrl(callbackUrl(e), { body: resume })).status);
		};
		await (await deliverToUrl(callbackUrl(execution), { body: resume })).done;
		assert.deepEqual(during, [409]);
		assert.equal(execution.status, 'success');
	});
});

describe('waiting harness: time-out', () => {
	it('passes the node input items through unchanged, without running execute() again', async () => {
		const execution = await park();
		assert.equal(await expireWait(execution), true);
		assert.equal(execution.status, 'success');
		assert.deepEqual(execution.items.Park.map((i) => i.json), [{ n: 1 }, { n: 2 }]);
		assert.deepEqual(execution.items.After.map((i) => i.json), [{ n: 1 }, { n: 2 }]);
		assert.deepEqual(execution.calls, { execute: { Start: 1, Park: 1, After: 1 }, webhook: {} });
		assert.equal((await deliverToUrl(callbackUrl(execution), { body: resume })).status, 409);
	});

	it('a resumed execution is no longer claimed by the time-out', async () => {
		const execution = await park();
		const answer = await deliverToUrl(callbackUrl(execution), { body: resume });
		assert.equal(await expireWait(execution), false);
		await answer.done;
		assert.equal(execution.runCount('Park'), 1);
	});

	it('refuses a wait without a time limit, which n8n never resumes by itself', async () => {
		const execution = await park({ waitSeconds: 0 });
		assert.equal(execution.waitTill?.toISOString(), '3000-01-01T00:00:00.000Z');
		await assert.rejects(expireWait(execution), /no time limit/);
	});
});

for (const executionOrder of ['v0', 'v1'] as const) {
	describe(`waiting harness: input items replaced in execute() (execution order ${executionOrder})`, () => {
		const settings = { executionOrder };
		const parkMarked = async () =>
			await startExecution({ workflow: parkingWorkflow({ markInput: true }), startNode: 'Start', items: [{ n: 1 }, { n: 2 }], credentials, settings });

		it('the time-out passes the replaced items, and the previous node keeps its own', async () => {
			const execution = await parkMarked();
			assert.deepEqual(execution.items.Start.map((i) => i.json), [{ n: 1 }, { n: 2 }]);
			await expireWait(execution);
			assert.deepEqual(execution.items.Park.map((i) => i.json), [{ n: 1, pending: true }, { n: 2, pending: true }]);
			assert.deepEqual(execution.items.After.map((i) => i.json), [{ n: 1, pending: true }, { n: 2, pending: true }]);
			assert.deepEqual(execution.items.Start.map((i) => i.json), [{ n: 1 }, { n: 2 }]);
		});

		it('webhook() sees the replaced items as $json and $input', async () => {
			const execution = await parkMarked();
			await (await deliverToUrl(callbackUrl(execution), { body: resume })).done;
			const json = execution.items.After[0].json;
			assert.deepEqual(json.seenJson, { n: 1, pending: true });
			assert.deepEqual(json.seenInput, [{ n: 1, pending: true }, { n: 2, pending: true }]);
			assert.deepEqual(execution.items.Start.map((i) => i.json), [{ n: 1 }, { n: 2 }]);
		});
	});
}
