import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { CALLBACK_WORKFLOWS, startEmulator, type CozeEmulator } from './index';
import { CallbackReceiver, historyItem, historyStatus, startAsyncRun, statusesSeenBy } from './callback-receiver';
import { get, jsonOf } from './test-helpers';

// Callback modes of async runs: what is sent, when, and what the run history shows meanwhile. The
// callback comes from the workflow's HTTP node, before its End node, so the run is Running while
// the callback is open. Order is shown by holding requests open and reading the history from the
// receiver, never by how fast timers fire.

const WF = CALLBACK_WORKFLOWS;

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

  it("'end': the history is Running while the callback is held open, and Success once it has been answered", async () => {
    receiver = await CallbackReceiver.start();
    const held = receiver.holdRequest(1);
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.end, { callback_url: receiver.url(), topic: 'tides' });
    const callback = await held.arrived;
    // The workflow knows how it will end: the body says Success while the run is still Running.
    assert.deepEqual(callback.body, { execute_id: executeId, execute_status: 'Success' });
    assert.equal(callback.headers['content-type'], 'application/json');
    const during = await historyItem(emu, WF.end, executeId);
    assert.equal(during['execute_status'], 'Running');
    assert.equal(during['output'], '{"node_status":"{}","Output":""}');
    assert.equal(emu.callbacks().length, already);
    assert.equal(emu.callbacksPending(), 1);
    held.release();
    assert.equal(await emu.waitForRunEnd(executeId), 'Success');
    const endedAt = Date.now();
    const [attempt] = emu.callbacks().slice(already);
    assert.deepEqual(attempt?.body, { execute_id: executeId, execute_status: 'Success' });
    assert.equal(attempt?.executeId, executeId);
    assert.equal(attempt?.url, receiver.url());
    assert.equal(attempt?.status, 200);
    assert.equal(attempt?.error, undefined);
    assert.equal(attempt?.attempt, 1);
    assert.equal(attempt?.delivery, 1);
    // callbackToEndMs (300 Coze ms, 0.3 real ms) after the answer; a timer fires at most 1 ms early.
    assert.ok(endedAt >= (attempt?.time ?? Infinity), 'the run ended after the answer');
    const item = await historyItem(emu, WF.end, executeId);
    assert.equal(item['execute_status'], 'Success');
    assert.deepEqual(endOutput(item), { answer: 'Report on tides' });
    assert.equal(emu.callbacksPending(), 0);
  });

  it('callbackToEndMs: the run ends that long after the answer', async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    // 200 000 Coze ms × 0.001 = 200 real ms; a timer never fires early by more than a millisecond.
    const executeId = await startAsyncRun(emu, WF.end, { callback_url: receiver.url() }, { callbackToEndMs: 200_000 });
    assert.equal(await emu.waitForRunEnd(executeId), 'Success');
    const endedAt = Date.now();
    const answeredAt = emu.callbacks()[already]?.time ?? Infinity;
    assert.ok(endedAt - answeredAt >= 199, `ended ${endedAt - answeredAt} ms after the answer`);
  });

  it('callbackToEndMs: the history is still Running after the answer, until then', async () => {
    const local = await startEmulator({ timeScale: 0.001 });
    receiver = await CallbackReceiver.start();
    try {
      // 10^9 Coze ms: about 11 real days, cancelled by close().
      const executeId = await startAsyncRun(local, WF.end, { callback_url: receiver.url() }, { callbackToEndMs: 1e9 });
      const [attempt] = await local.waitForCallbacks(1);
      assert.equal(attempt?.status, 200);
      assert.equal(await historyStatus(local, WF.end, executeId), 'Running');
      assert.equal(local.callbacksPending(), 1);
      const ending = local.waitForRunEnd(executeId);
      await local.close();
      await assert.rejects(ending, /closed/);
      assert.equal(local.callbacksPending(), 0);
    } finally {
      await local.close();
    }
  });

  it("'end' comes when the run's last step is done: nothing is scheduled before the poll that ends its work", async () => {
    receiver = await CallbackReceiver.start();
    const held = receiver.holdRequest(1);
    const seen = statusesSeenBy(emu, receiver, WF.end);
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.end, { callback_url: receiver.url() }, { asyncPollsUntilDone: 2 });
    for (let poll = 0; poll < 2; poll += 1) {
      assert.equal(await historyStatus(emu, WF.end, executeId), 'Running');
      assert.equal(emu.callbacksPending(), 0);
      assert.equal(emu.callbacks().length, already);
    }
    // The poll that would have ended the run brings it to its HTTP node: still Running.
    assert.equal(await historyStatus(emu, WF.end, executeId), 'Running');
    await held.arrived;
    assert.equal(await historyStatus(emu, WF.end, executeId), 'Running');
    held.release();
    assert.equal(await emu.waitForRunEnd(executeId), 'Success');
    assert.deepEqual(seen, ['Running']);
    assert.equal(emu.callbacks()[already]?.body.execute_id, executeId);
    // Four polls plus the receiver's read; waitForRunEnd reads nothing over HTTP.
    assert.equal(emu.historyReads(executeId), 5);
    assert.equal(await historyStatus(emu, WF.end, executeId), 'Success');
  });

  it("'early': the callback comes before the start request is answered, the run ending only after it", async () => {
    receiver = await CallbackReceiver.start();
    let answered = false;
    const answeredAtCallback: boolean[] = [];
    const seen: unknown[] = [];
    receiver.onRequest = async ({ body }) => {
      answeredAtCallback.push(answered);
      seen.push(await historyStatus(emu, WF.early, (body as { execute_id: string }).execute_id));
    };
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.early, { callback_url: receiver.url(), topic: 'early birds' });
    answered = true;
    assert.deepEqual(answeredAtCallback, [false]);
    assert.deepEqual(seen, ['Running']);
    const attempt = emu.callbacks()[already];
    assert.equal(attempt?.status, 200);
    assert.deepEqual(attempt?.body, { execute_id: executeId, execute_status: 'Success' });
    assert.equal(await emu.waitForRunEnd(executeId), 'Success');
    assert.deepEqual(endOutput(await historyItem(emu, WF.early, executeId)), { answer: 'Report on early birds' });
  });

  it("'twice': the repeat starts callbackRepeatDelayMs after the first delivery started, and the end waits for the first only", async () => {
    receiver = await CallbackReceiver.start();
    const first = receiver.holdRequest(1);
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.twice, { callback_url: receiver.url() });
    await first.arrived;
    // The repeat (1 real ms later) is answered while the first is still open, and the run waits.
    const [repeat] = (await emu.waitForCallbacks(already + 1)).slice(already);
    assert.deepEqual([repeat?.delivery, repeat?.attempt, repeat?.status], [2, 1, 200]);
    assert.equal(await historyStatus(emu, WF.twice, executeId), 'Running');
    first.release();
    assert.equal(await emu.waitForRunEnd(executeId), 'Success');
    const attempts = emu.callbacks().slice(already);
    assert.deepEqual(
      attempts.map((a) => [a.delivery, a.attempt, a.status]),
      [
        [2, 1, 200],
        [1, 1, 200],
      ],
    );
    assert.deepEqual(attempts[1]?.body, { execute_id: executeId, execute_status: 'Success' });
    assert.deepEqual(attempts[0]?.body, attempts[1]?.body);
    assert.equal(receiver.received.length, 2);
  });

  it("'twice': the repeat does not delay the end", async () => {
    receiver = await CallbackReceiver.start();
    const repeat = receiver.holdRequest(2);
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.twice, { callback_url: receiver.url() });
    await repeat.arrived;
    assert.equal(await emu.waitForRunEnd(executeId), 'Success');
    assert.deepEqual(
      emu.callbacks().slice(already).map((a) => [a.delivery, a.status]),
      [[1, 200]],
    );
    repeat.release();
    const attempts = (await emu.waitForCallbacks(already + 2)).slice(already);
    assert.deepEqual(attempts[1]?.body, attempts[0]?.body);
  });

  it("'never': the run ends and nothing is sent or scheduled", async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.never, { callback_url: receiver.url() }, { asyncPollsUntilDone: 0 });
    assert.equal(await historyStatus(emu, WF.never, executeId), 'Success');
    assert.equal(emu.callbacksPending(), 0);
    assert.equal(emu.callbacks().length, already);
    assert.equal(receiver.received.length, 0);
  });

  it("'wrongExecuteId': the body names a 19-digit execute ID that does not exist", async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.wrongExecuteId, { callback_url: receiver.url() });
    assert.equal(await emu.waitForRunEnd(executeId), 'Success');
    const [attempt] = emu.callbacks().slice(already);
    assert.equal(attempt?.executeId, executeId);
    const named = attempt?.body.execute_id ?? '';
    assert.match(named, /^\d{19}$/);
    assert.notEqual(named, executeId);
    assert.equal(emu.executions.has(named), false);
    assert.equal(attempt?.body.execute_status, 'Success');
  });

  it('a failing run calls back with execute_status Fail while Running, then fails', async () => {
    receiver = await CallbackReceiver.start();
    const seen = statusesSeenBy(emu, receiver, WF.fail);
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.fail, { callback_url: receiver.url(), topic: 'x' });
    assert.equal(await emu.waitForRunEnd(executeId), 'Fail');
    assert.deepEqual(seen, ['Running']);
    assert.deepEqual(emu.callbacks()[already]?.body, { execute_id: executeId, execute_status: 'Fail' });
    const item = await historyItem(emu, WF.fail, executeId);
    assert.equal(item['execute_status'], 'Fail');
    assert.equal(item['error_code'], '5000');
  });

  it('failAsync turns a callback run into a Fail callback', async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.end, { callback_url: receiver.url() }, { failAsync: true });
    assert.equal(await emu.waitForRunEnd(executeId), 'Fail');
    assert.equal(emu.callbacks()[already]?.body.execute_status, 'Fail');
  });

  it('callbackDelayMs: the callback is sent that long (Coze time) after the run reached its HTTP node', async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    // 300 000 Coze ms × 0.001 = 300 real ms; a timer never fires early by more than a millisecond.
    const executeId = await startAsyncRun(emu, WF.end, { callback_url: receiver.url() }, { asyncPollsUntilDone: 0, callbackDelayMs: 300_000 });
    // This poll brings the run to its HTTP node, so that comes after this instant.
    const reachedAt = Date.now();
    assert.equal(await historyStatus(emu, WF.end, executeId), 'Running');
    assert.equal(await emu.waitForRunEnd(executeId), 'Success');
    const sentAt = emu.callbacks()[already]?.time ?? 0;
    assert.ok(sentAt - reachedAt >= 299, `sent ${sentAt - reachedAt} ms after the HTTP node was reached`);
  });

  it('callbackParameter names the input that holds the URL', async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.end, { hook: receiver.url(), callback_url: 'http://127.0.0.1:1/unused' }, { callbackParameter: 'hook' });
    const [attempt] = (await emu.waitForCallbacks(already + 1)).slice(already);
    assert.equal(attempt?.url, receiver.url());
    assert.equal(attempt?.body.execute_id, executeId);
    assert.equal(await emu.waitForRunEnd(executeId), 'Success');
  });

  it('no callback without the parameter, or when it is not an http(s) URL: the run ends at its time', async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    for (const parameters of [{ topic: 'a' }, { callback_url: 'ftp://127.0.0.1/x' }, { callback_url: 'not a url' }, { callback_url: 42 }]) {
      const executeId = await startAsyncRun(emu, WF.end, parameters, { asyncPollsUntilDone: 0 });
      assert.equal(await historyStatus(emu, WF.end, executeId), 'Success');
      assert.equal(emu.callbacksPending(), 0, JSON.stringify(parameters));
    }
    assert.equal(emu.callbacks().length, already);
  });

  it('only loopback hosts are called: another host is recorded as not sent, without retries, and the run ends', async () => {
    receiver = await CallbackReceiver.start();
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.end, { callback_url: 'http://example.com/hook' });
    assert.equal(await emu.waitForRunEnd(executeId), 'Success');
    const attempts = emu.callbacks().slice(already);
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0]?.status, undefined);
    assert.match(attempts[0]?.error ?? '', /^not sent: example\.com/);
    assert.equal(emu.callbacksPending(), 0);
  });

  it('the output depends only on the inputs: a callback run and a plain poll read the same', async () => {
    receiver = await CallbackReceiver.start();
    const withCallback = await startAsyncRun(emu, WF.end, { callback_url: receiver.url(), topic: 'same' }, { asyncPollsUntilDone: 0 });
    const polled = await startAsyncRun(emu, WF.never, { callback_url: receiver.url(), topic: 'same' }, { asyncPollsUntilDone: 0 });
    assert.equal(await historyStatus(emu, WF.end, withCallback), 'Running');
    assert.equal(await emu.waitForRunEnd(withCallback), 'Success');
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
