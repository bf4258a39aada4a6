import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { CALLBACK_WORKFLOWS, startEmulator, type CozeEmulator } from './index';
import { CallbackReceiver, startAsyncRun } from './callback-receiver';
import { get, jsonOf } from './test-helpers';

// Callback modes of async runs: what is sent, when, and what the run history shows meanwhile.
// Runs end on a history poll (asyncPollsUntilDone) where the order of events matters, so no test
// depends on how fast timers fire.

const WF = CALLBACK_WORKFLOWS;

async function historyItem(emu: CozeEmulator, workflowId: string, executeId: string): Promise<Record<string, unknown>> {
  const body = jsonOf(await get(emu, `/v1/workflows/${workflowId}/run_histories/${executeId}`));
  const data = body['data'];
  assert.ok(Array.isArray(data), `history answered ${JSON.stringify(body)}`);
  return data[0] as Record<string, unknown>;
}

/** The End node's variables inside a history item (output → Output → variables). */
function endOutput(item: Record<string, unknown>): unknown {
  const outer = JSON.parse(String(item['output'])) as { Output: string };
  return JSON.parse(outer.Output);
}

describe('callbacks of async runs', () => {
  let emu: CozeEmulator;
  let receiver: CallbackReceiver;
  before(async () => {
    emu = await startEmulator({ timeScale: 0.001 });
  });
  after(() => emu.close());
  afterEach(() => receiver.close());

  it("'end': one JSON POST after the run ended; the history already shows Success", async () => {
    receiver = await CallbackReceiver.start();
    const seen: unknown[] = [];
    receiver.onRequest = async ({ body }) => {
      seen.push((await historyItem(emu, WF.end, (body as { execute_id: string }).execute_id))['execute_status']);
    };
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.end, { callback_url: receiver.url(), topic: 'tides' });
    const [attempt] = (await emu.waitForCallbacks(already + 1)).slice(already);
    assert.deepEqual(attempt?.body, { execute_id: executeId, execute_status: 'Success' });
    assert.equal(attempt?.executeId, executeId);
    assert.equal(attempt?.url, receiver.url());
    assert.equal(attempt?.status, 200);
    assert.equal(attempt?.error, undefined);
    assert.equal(attempt?.attempt, 1);
    assert.equal(attempt?.delivery, 1);
    assert.deepEqual(seen, ['Success']);
    assert.deepEqual(receiver.received[0]?.body, { execute_id: executeId, execute_status: 'Success' });
    assert.equal(receiver.received[0]?.headers['content-type'], 'application/json');
    assert.deepEqual(endOutput(await historyItem(emu, WF.end, executeId)), { answer: 'Report on tides' });
    assert.equal(emu.callbacksPending(), 0);
  });

  it("'end' waits for the run: nothing is scheduled to send before the last Running poll", async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.end, { callback_url: receiver.url() }, { asyncPollsUntilDone: 2 });
    for (let poll = 0; poll < 2; poll += 1) {
      assert.equal((await historyItem(emu, WF.end, executeId))['execute_status'], 'Running');
      assert.equal(emu.callbacksPending(), 0);
      assert.equal(emu.callbacks().length, already);
    }
    assert.equal((await historyItem(emu, WF.end, executeId))['execute_status'], 'Success');
    const attempts = (await emu.waitForCallbacks(already + 1)).slice(already);
    assert.equal(attempts[0]?.body.execute_id, executeId);
    assert.equal(emu.historyReads(executeId), 3);
  });

  it("'early': the run has ended and the callback came before the start request was answered", async () => {
    receiver = await CallbackReceiver.start();
    let answered = false;
    const answeredAtCallback: boolean[] = [];
    receiver.onRequest = () => {
      answeredAtCallback.push(answered);
    };
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.early, { callback_url: receiver.url(), topic: 'early birds' });
    answered = true;
    assert.deepEqual(answeredAtCallback, [false]);
    const attempt = emu.callbacks()[already];
    assert.equal(attempt?.status, 200);
    assert.deepEqual(attempt?.body, { execute_id: executeId, execute_status: 'Success' });
    const item = await historyItem(emu, WF.early, executeId);
    assert.equal(item['execute_status'], 'Success');
    assert.deepEqual(endOutput(item), { answer: 'Report on early birds' });
  });

  it("'twice': the same body in two deliveries", async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.twice, { callback_url: receiver.url() });
    const attempts = (await emu.waitForCallbacks(already + 2)).slice(already);
    assert.deepEqual(
      attempts.map((a) => [a.delivery, a.attempt, a.status]),
      [
        [1, 1, 200],
        [2, 1, 200],
      ],
    );
    assert.deepEqual(attempts[0]?.body, { execute_id: executeId, execute_status: 'Success' });
    assert.deepEqual(attempts[1]?.body, attempts[0]?.body);
    assert.ok((attempts[1]?.time ?? 0) >= (attempts[0]?.time ?? 0));
    assert.equal(receiver.received.length, 2);
  });

  it("'never': the run ends and nothing is sent or scheduled", async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.never, { callback_url: receiver.url() }, { asyncPollsUntilDone: 0 });
    assert.equal((await historyItem(emu, WF.never, executeId))['execute_status'], 'Success');
    assert.equal(emu.callbacksPending(), 0);
    assert.equal(emu.callbacks().length, already);
    assert.equal(receiver.received.length, 0);
  });

  it("'wrongExecuteId': the body names a 19-digit execute ID that does not exist", async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.wrongExecuteId, { callback_url: receiver.url() });
    const [attempt] = (await emu.waitForCallbacks(already + 1)).slice(already);
    assert.equal(attempt?.executeId, executeId);
    const named = attempt?.body.execute_id ?? '';
    assert.match(named, /^\d{19}$/);
    assert.notEqual(named, executeId);
    assert.equal(emu.executions.has(named), false);
    assert.equal(attempt?.body.execute_status, 'Success');
  });

  it('a failed run calls back with execute_status Fail', async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.fail, { callback_url: receiver.url(), topic: 'x' });
    const [attempt] = (await emu.waitForCallbacks(already + 1)).slice(already);
    assert.deepEqual(attempt?.body, { execute_id: executeId, execute_status: 'Fail' });
    assert.equal((await historyItem(emu, WF.fail, executeId))['execute_status'], 'Fail');
  });

  it('failAsync turns a callback run into a Fail callback', async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    await startAsyncRun(emu, WF.end, { callback_url: receiver.url() }, { failAsync: true });
    const [attempt] = (await emu.waitForCallbacks(already + 1)).slice(already);
    assert.equal(attempt?.body.execute_status, 'Fail');
  });

  it('callbackDelayMs: the callback is sent that long (Coze time) after the end', async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    // 1 000 000 Coze ms × 0.001 = 1 real s; a timer never fires early by more than a millisecond.
    const executeId = await startAsyncRun(emu, WF.end, { callback_url: receiver.url() }, { asyncPollsUntilDone: 0, callbackDelayMs: 1_000_000 });
    // The poll ends the run, so the end comes after this instant.
    const endedAt = Date.now();
    assert.equal((await historyItem(emu, WF.end, executeId))['execute_status'], 'Success');
    assert.equal(emu.callbacksPending(), 1);
    const [attempt] = (await emu.waitForCallbacks(already + 1)).slice(already);
    assert.ok((attempt?.time ?? 0) - endedAt >= 999, `sent ${(attempt?.time ?? 0) - endedAt} ms after the end`);
  });

  it('callbackParameter names the input that holds the URL', async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.end, { hook: receiver.url(), callback_url: 'http://127.0.0.1:1/unused' }, { callbackParameter: 'hook' });
    const [attempt] = (await emu.waitForCallbacks(already + 1)).slice(already);
    assert.equal(attempt?.url, receiver.url());
    assert.equal(attempt?.body.execute_id, executeId);
  });

  it('no callback without the parameter, or when it is not an http(s) URL', async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    for (const parameters of [{ topic: 'a' }, { callback_url: 'ftp://127.0.0.1/x' }, { callback_url: 'not a url' }, { callback_url: 42 }]) {
      const executeId = await startAsyncRun(emu, WF.end, parameters, { asyncPollsUntilDone: 0 });
      assert.equal((await historyItem(emu, WF.end, executeId))['execute_status'], 'Success');
      assert.equal(emu.callbacksPending(), 0, JSON.stringify(parameters));
    }
    assert.equal(emu.callbacks().length, already);
  });

  it('only loopback hosts are called: another host is recorded as not sent, without retries', async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    await startAsyncRun(emu, WF.end, { callback_url: 'http://example.com/hook' });
    const attempts = (await emu.waitForCallbacks(already + 1)).slice(already);
    assert.equal(attempts[0]?.status, undefined);
    assert.match(attempts[0]?.error ?? '', /^not sent: example\.com/);
    assert.equal(emu.callbacksPending(), 0);
  });

  it('the output depends only on the inputs: a callback run and a plain poll read the same', async () => {
    receiver = await CallbackReceiver.start();
    const withCallback = await startAsyncRun(emu, WF.end, { callback_url: receiver.url(), topic: 'same' }, { asyncPollsUntilDone: 0 });
    const polled = await startAsyncRun(emu, WF.never, { callback_url: receiver.url(), topic: 'same' }, { asyncPollsUntilDone: 0 });
    assert.deepEqual(endOutput(await historyItem(emu, WF.end, withCallback)), endOutput(await historyItem(emu, WF.never, polled)));
  });

  it('the callback workflows are in the catalogue with callback_url and topic inputs', async () => {
    receiver = await CallbackReceiver.start();
    for (const id of Object.values(WF)) {
      const body = jsonOf(await get(emu, `/v1/workflows/${id}?include_input_output=true`));
      assert.equal(body['code'], 0);
      const input = (body['data'] as { input: { parameters: Record<string, { type: string }> } }).input.parameters;
      assert.equal(input['callback_url']?.type, 'string');
      assert.equal(input['topic']?.type, 'string');
    }
  });
});
