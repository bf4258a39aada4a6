import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CALLBACK_WORKFLOWS, startEmulator, type CallbackAttempt, type CozeEmulator } from './index';
import { CallbackReceiver, closedPort, startAsyncRun, statusesSeenBy } from './callback-receiver';
import { get, jsonOf } from './test-helpers';

// Retries of a callback (like the HTTP node of the recipe), history read counts, and shutdown
// with callbacks still scheduled or in flight. The run is Running until its delivery has finished,
// retries included, whether it succeeded or was given up.

const WF = CALLBACK_WORKFLOWS;

function outcomes(attempts: CallbackAttempt[]): Array<[number, number | string | undefined]> {
  return attempts.map((a) => [a.attempt, a.status ?? a.error?.split(' ')[0]]);
}

describe('callback retries', () => {
  let emu: CozeEmulator;
  before(async () => {
    emu = await startEmulator({ timeScale: 0.001 });
  });
  after(() => emu.close());

  async function run(receiverUrl: string, knobs: Parameters<typeof startAsyncRun>[3] = {}): Promise<{ executeId: string; already: number }> {
    const already = emu.callbacks().length;
    const executeId = await startAsyncRun(emu, WF.end, { callback_url: receiverUrl }, knobs);
    return { executeId, already };
  }

  it('409 is retried until a 2xx; every try is recorded', async () => {
    const receiver = await CallbackReceiver.start([409, 409, 200]);
    const seen = statusesSeenBy(emu, receiver, WF.end);
    try {
      const { executeId, already } = await run(receiver.url());
      assert.equal(await emu.waitForRunEnd(executeId), 'Success');
      const attempts = emu.callbacks().slice(already);
      assert.deepEqual(outcomes(attempts), [
        [1, 409],
        [2, 409],
        [3, 200],
      ]);
      assert.ok(attempts.every((a) => a.executeId === executeId && a.delivery === 1));
      assert.deepEqual(seen, ['Running', 'Running', 'Running']);
      assert.equal(emu.callbacksPending(), 0);
      assert.equal(receiver.received.length, 3);
    } finally {
      await receiver.close();
    }
  });

  it('5xx is retried callbackRetries times (default 3), then given up; the run ends all the same', async () => {
    const receiver = await CallbackReceiver.start([503, 500, 502, 504, 200]);
    const seen = statusesSeenBy(emu, receiver, WF.end);
    try {
      const { executeId, already } = await run(receiver.url());
      assert.equal(await emu.waitForRunEnd(executeId), 'Success');
      const attempts = emu.callbacks().slice(already);
      assert.deepEqual(outcomes(attempts), [
        [1, 503],
        [2, 500],
        [3, 502],
        [4, 504],
      ]);
      assert.deepEqual(seen, ['Running', 'Running', 'Running', 'Running']);
      assert.equal(emu.callbacksPending(), 0);
      assert.equal(receiver.received.length, 4);
    } finally {
      await receiver.close();
    }
  });

  it('callbackRetries: 1 allows one retry; 0 none', async () => {
    const receiver = await CallbackReceiver.start([500, 500, 500]);
    try {
      const first = await run(receiver.url(), { callbackRetries: 1 });
      assert.equal(await emu.waitForRunEnd(first.executeId), 'Success');
      assert.deepEqual(outcomes(emu.callbacks().slice(first.already)), [
        [1, 500],
        [2, 500],
      ]);
      assert.equal(emu.callbacksPending(), 0);
      const second = await run(receiver.url(), { callbackRetries: 0 });
      assert.equal(await emu.waitForRunEnd(second.executeId), 'Success');
      assert.deepEqual(outcomes(emu.callbacks().slice(second.already)), [[1, 500]]);
      assert.equal(emu.callbacksPending(), 0);
    } finally {
      await receiver.close();
    }
  });

  it('2xx and other 4xx are final', async () => {
    const receiver = await CallbackReceiver.start([404, 401, 202]);
    try {
      for (const status of [404, 401, 202]) {
        const { executeId, already } = await run(receiver.url());
        assert.equal(await emu.waitForRunEnd(executeId), 'Success');
        assert.deepEqual(outcomes(emu.callbacks().slice(already)), [[1, status]]);
        assert.equal(emu.callbacksPending(), 0);
      }
    } finally {
      await receiver.close();
    }
  });

  it('connection refused is retried, and recorded with its error', async () => {
    const port = await closedPort();
    const { executeId, already } = await run(`http://127.0.0.1:${port}/hook`);
    assert.equal(await emu.waitForRunEnd(executeId), 'Success');
    const attempts = emu.callbacks().slice(already);
    assert.deepEqual(
      outcomes(attempts).map(([n, outcome]) => [n, outcome]),
      [1, 2, 3, 4].map((n) => [n, 'ECONNREFUSED']),
    );
    assert.ok(attempts.every((a) => a.status === undefined));
    assert.equal(emu.callbacksPending(), 0);
  });

  it('a receiver that comes up between tries gets the retry', async () => {
    const port = await closedPort();
    // 300 real ms between tries: ample time to start listening after the refused try.
    const { executeId, already } = await run(`http://127.0.0.1:${port}/hook`, { callbackRetryDelayMs: 300_000 });
    await emu.waitForCallbacks(already + 1);
    const receiver = await CallbackReceiver.start([], port);
    try {
      const attempts = (await emu.waitForCallbacks(already + 2)).slice(already);
      assert.deepEqual(outcomes(attempts), [
        [1, 'ECONNREFUSED'],
        [2, 200],
      ]);
      assert.deepEqual(receiver.received[0]?.body, { execute_id: executeId, execute_status: 'Success' });
    } finally {
      await receiver.close();
    }
  });

  it("'early' answered 409 (the caller is not waiting yet) is retried after the start was answered; the run ends after the accepted retry", async () => {
    const receiver = await CallbackReceiver.start([409, 200]);
    const seen = statusesSeenBy(emu, receiver, WF.early);
    try {
      const already = emu.callbacks().length;
      const executeId = await startAsyncRun(emu, WF.early, { callback_url: receiver.url() });
      // The retry may already be recorded too; the first try came before the answer.
      assert.deepEqual(outcomes(emu.callbacks().slice(already, already + 1)), [[1, 409]]);
      assert.equal(await emu.waitForRunEnd(executeId), 'Success');
      const endedAt = Date.now();
      const attempts = emu.callbacks().slice(already);
      assert.deepEqual(outcomes(attempts), [
        [1, 409],
        [2, 200],
      ]);
      assert.ok(attempts.every((a) => a.body.execute_id === executeId));
      // The receiver read Running before answering each try, the accepted retry included.
      assert.deepEqual(seen, ['Running', 'Running']);
      assert.ok(endedAt >= (attempts[1]?.time ?? Infinity));
    } finally {
      await receiver.close();
    }
  });

  it("'twice' retries each delivery on its own", async () => {
    const receiver = await CallbackReceiver.start([409, 200, 200]);
    try {
      const already = emu.callbacks().length;
      const executeId = await startAsyncRun(emu, WF.twice, { callback_url: receiver.url() }, { callbackRepeatDelayMs: 200_000 });
      const attempts = (await emu.waitForCallbacks(already + 3)).slice(already);
      assert.equal(await emu.waitForRunEnd(executeId), 'Success');
      // Deliveries run side by side: compare them in a fixed order, not in arrival order.
      attempts.sort((a, b) => a.delivery - b.delivery || a.attempt - b.attempt);
      assert.deepEqual(
        attempts.map((a) => [a.delivery, a.attempt, a.status]),
        [
          [1, 1, 409],
          [1, 2, 200],
          [2, 1, 200],
        ],
      );
    } finally {
      await receiver.close();
    }
  });
});

describe('run-history read counts', () => {
  it('counts GETs of the cloud run_histories path for that execute ID only', async () => {
    const emu = await startEmulator({ timeScale: 0.001 });
    try {
      const first = await startAsyncRun(emu, WF.never, { topic: 'a' });
      const second = await startAsyncRun(emu, WF.never, { topic: 'b' });
      assert.equal(emu.historyReads(first), 0);
      await get(emu, `/v1/workflows/${WF.never}/run_histories/${first}`);
      await get(emu, `/v1/workflows/${WF.never}/run_histories/${first}`);
      await get(emu, `/v1/workflows/${WF.never}/run_histories/${second}`);
      // A read that is refused still counts: the caller tried to read Coze.
      await get(emu, `/v1/workflows/${WF.never}/run_histories/${first}`, { token: null });
      await get(emu, `/v1/workflows/${WF.never}/run_histories/${first}/execute_nodes/123`);
      assert.equal(emu.historyReads(first), 3);
      assert.equal(emu.historyReads(second), 1);
      assert.equal(emu.historyReads('7999999999999999999'), 0);
    } finally {
      await emu.close();
    }
  });

  it('counts the Studio get_run_history form', async () => {
    const emu = await startEmulator({ timeScale: 0.001, flavor: 'studio' });
    try {
      const executeId = await startAsyncRun(emu, WF.never, { topic: 'a' });
      const body = jsonOf(await get(emu, `/v1/workflow/get_run_history?workflow_id=${WF.never}&execute_id=${executeId}`));
      assert.equal(body['code'], 0);
      assert.equal(emu.historyReads(executeId), 1);
    } finally {
      await emu.close();
    }
  });
});

describe('shutdown', () => {
  it('close() cancels scheduled callbacks and waiters', async () => {
    const emu = await startEmulator({ timeScale: 1 });
    const receiver = await CallbackReceiver.start();
    try {
      const executeId = await startAsyncRun(emu, WF.delayed, { callback_url: receiver.url() });
      assert.equal(emu.callbacksPending(), 1);
      const waiting = emu.waitForCallbacks(1);
      const ending = emu.waitForRunEnd(executeId);
      await emu.close();
      await assert.rejects(waiting, /closed/);
      await assert.rejects(ending, /closed/);
      assert.equal(emu.callbacksPending(), 0);
      assert.equal(receiver.received.length, 0);
    } finally {
      await receiver.close();
    }
  });

  it('close() aborts a callback request in flight', async () => {
    const emu = await startEmulator({ timeScale: 0.001 });
    const receiver = await CallbackReceiver.start();
    const held = receiver.holdRequest(1);
    try {
      const executeId = await startAsyncRun(emu, WF.end, { callback_url: receiver.url() });
      await held.arrived;
      assert.equal(emu.callbacksPending(), 1);
      await emu.close();
      assert.equal(emu.callbacksPending(), 0);
      assert.deepEqual(emu.callbacks(), []);
      // The HTTP node never finished: the run never reached its End node.
      assert.equal(emu.executions.get(executeId)?.status, 'Running');
    } finally {
      await receiver.close();
    }
  });
});
