import assert from 'node:assert/strict';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { startEmulator } from './index';
import { post } from './test-helpers';

// close() and client disconnects leave nothing behind: no server, no socket, no timer.

const LONG = '7400000000000000016';

/** Handle types that the emulator could leak. */
function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    if (['Timeout', 'TCPServerWrap', 'TCPSocketWrap', 'Immediate'].includes(type)) counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

async function settledHandles(): Promise<Record<string, number>> {
  // Let destroyed sockets finish closing.
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return openHandles();
}

/** Start a stream and return once its first bytes arrived; the response stays open. */
function openStream(baseUrl: string, token: string, body: unknown): Promise<{ abort: () => void; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(`${baseUrl}/v1/workflow/stream_run`, {
      method: 'POST',
      agent: false,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) },
    });
    req.on('error', () => undefined);
    req.on('response', (res) => {
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      res.on('error', () => undefined);
      res.once('data', () => resolve({ abort: () => req.destroy(), ended }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('lifecycle', () => {
  it('close() ends in-flight streams and sync calls and leaves no handles or timers', async () => {
    const baseline = await settledHandles();
    // timeScale 1: the Long report would stream for 20 s and PING every 200 ms.
    const emu = await startEmulator({ knobs: { pingIntervalMs: 200 } });
    const stream = await openStream(emu.baseUrl, emu.token, { workflow_id: LONG });
    const syncCall = post(emu, '/v1/workflow/run', { workflow_id: LONG }).catch(() => undefined);
    await sleep(20);
    const started = Date.now();
    await emu.close();
    await stream.ended;
    await syncCall;
    assert.ok(Date.now() - started < 1000, 'close() does not wait for running scripts');
    assert.deepEqual(await settledHandles(), baseline);
  });

  it('a client disconnecting mid-stream stops the script and its timers', async () => {
    const emu = await startEmulator({ knobs: { pingIntervalMs: 200 } });
    try {
      const baseline = await settledHandles();
      const stream = await openStream(emu.baseUrl, emu.token, { workflow_id: LONG });
      assert.ok((openHandles()['Timeout'] ?? 0) > (baseline['Timeout'] ?? 0), 'the script is waiting on a timer');
      stream.abort();
      await stream.ended;
      await sleep(20);
      assert.equal((await settledHandles())['Timeout'] ?? 0, baseline['Timeout'] ?? 0);
      // The workflow itself keeps running server-side (it would finish after 20 s).
      const record = [...emu.executions.values()].pop();
      assert.equal(record?.status, 'Running');
    } finally {
      await emu.close();
    }
  });

  it('an async run needs no timer to finish', async () => {
    const emu = await startEmulator({ timeScale: 0.001 });
    const baseline = await settledHandles();
    await post(emu, '/v1/workflow/run', { workflow_id: LONG, is_async: true });
    assert.equal((await settledHandles())['Timeout'] ?? 0, baseline['Timeout'] ?? 0);
    await emu.close();
  });
});
