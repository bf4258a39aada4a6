import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type CozeEmulator, type ExecutionRecord } from './index';
import { dataOf, eventsOf, get, isReset, jsonOf, post, postWire, send, type RawResponse } from './test-helpers';

// Each knob's effect on the wire.

const STORY = '7400000000000000010';
const ANSWER = '7400000000000000011';
const VARIABLES = '7400000000000000012';
const FAILING = '7400000000000000013';
const LONG = '7400000000000000016';

function streamRun(emu: CozeEmulator, workflowId: string, knobs?: object, parameters: object = {}): Promise<RawResponse> {
  return post(emu, '/v1/workflow/stream_run', { workflow_id: workflowId, parameters }, knobs ? { knobs } : {});
}

/** Arrival time of the response chunk holding body byte `offset`. */
function arrivalOfByte(response: RawResponse, offset: number): number {
  let end = 0;
  for (const [i, chunk] of response.chunks.entries()) {
    end += chunk.length;
    if (offset < end) return response.chunkTimes[i] ?? -1;
  }
  throw new Error(`offset ${offset} beyond the body`);
}

function latestRecord(emu: CozeEmulator, workflowId: string): ExecutionRecord {
  const records = [...emu.executions.values()].filter((r) => r.workflowId === workflowId);
  const record = records[records.length - 1];
  assert.ok(record, `no execution of ${workflowId}`);
  return record;
}

describe('knobs', () => {
  let emu: CozeEmulator;
  before(async () => {
    emu = await startEmulator({ timeScale: 0.001 });
  });
  after(() => emu.close());

  describe('stream timing', () => {
    it('firstByteDelayMs: no byte (not even headers) before the delay', async () => {
      const slow = await startEmulator({ timeScale: 0.01 });
      try {
        const response = await streamRun(slow, VARIABLES, { firstByteDelayMs: 30_000 });
        assert.ok(response.headersMs >= 280, `headers after ${response.headersMs} ms`);
        assert.deepEqual(eventsOf(response).map((e) => e.event), ['Message', 'Done']);
        const quick = await streamRun(slow, VARIABLES);
        assert.ok(quick.headersMs < 250, `headers after ${quick.headersMs} ms without the knob`);
      } finally {
        await slow.close();
      }
    });

    it('firstByteDelayMs with a shorter pingIntervalMs: PINGs arrive during the delay', async () => {
      const slow = await startEmulator({ timeScale: 0.01 });
      try {
        const response = await streamRun(slow, VARIABLES, { firstByteDelayMs: 30_000, pingIntervalMs: 10_000 });
        assert.ok(response.headersMs < 250 && response.headersMs >= 90, `first byte after ${response.headersMs} ms`);
        // PINGs at 10 s, 20 s and 30 s (Coze time), then the workflow's own events.
        assert.deepEqual(eventsOf(response).map((e) => e.event), ['PING', 'PING', 'PING', 'Message', 'Done']);
      } finally {
        await slow.close();
      }
    });

    it('a PING is the first byte when the first-byte delay ends while the workflow is busy', async () => {
      const events = eventsOf(await streamRun(emu, LONG, { firstByteDelayMs: 30_000, pingIntervalMs: 100_000 }));
      assert.deepEqual(events.map((e) => e.event), ['PING', 'Message', 'Done']);
      const idle = eventsOf(await streamRun(emu, LONG, { firstByteDelayMs: 30_000 }));
      assert.deepEqual(idle.map((e) => e.event), ['Message', 'Done']);
    });

    it('pingIntervalMs: PINGs while the workflow waits, consuming ids, with the cloud payload', async () => {
      const response = await streamRun(emu, LONG, { pingIntervalMs: 4000 });
      const events = eventsOf(response);
      const pings = events.filter((e) => e.event === 'PING');
      // 20 s of work: PINGs at 4, 8, 12 and 16 s; at 20 s the End message is due instead.
      assert.equal(pings.length, 4);
      for (const ping of pings) assert.equal(ping.data, '{"content":"{}","node_execute_uuid":""}');
      assert.deepEqual(events.map((e) => e.id), events.map((_e, i) => String(i)));
      const none = eventsOf(await streamRun(emu, LONG));
      assert.equal(none.filter((e) => e.event === 'PING').length, 0);
    });

    it('silenceAfterEvents + silenceMs: a gap without PINGs', async () => {
      const response = await streamRun(emu, ANSWER, { silenceAfterEvents: 2, silenceMs: 200_000, pingIntervalMs: 1000 });
      const text = response.body.toString('utf8');
      const blocks = text.split('\n\n');
      const endOfSecond = Buffer.byteLength(blocks.slice(0, 2).join('\n\n') + '\n\n');
      const gap = arrivalOfByte(response, endOfSecond) - arrivalOfByte(response, endOfSecond - 1);
      assert.ok(gap >= 180, `gap of ${gap} ms`);
      // One PING at 1 s before the first chunk; none during the 200 s of silence.
      assert.deepEqual(eventsOf(response).slice(0, 3).map((e) => e.event), ['PING', 'Message', 'Message']);
      assert.equal(eventsOf(response).filter((e) => e.event === 'PING').length, 1);
    });
  });

  describe('stream payloads', () => {
    it('doneAfterError: the cloud sends Done after Error; false stops at Error', async () => {
      assert.deepEqual(eventsOf(await streamRun(emu, FAILING)).slice(-2).map((e) => e.event), ['Error', 'Done']);
      assert.deepEqual(eventsOf(await streamRun(emu, FAILING, { doneAfterError: false })).slice(-1).map((e) => e.event), ['Error']);
      const error = eventsOf(await streamRun(emu, FAILING)).find((e) => e.event === 'Error');
      const data = dataOf(error);
      assert.deepEqual(Object.keys(data), ['error_code', 'node_execute_uuid', 'error_message', 'debug_url']);
      assert.equal(data['error_code'], 5000);
      assert.match(String(data['error_message']), /^\[720712000\] /);
    });

    it('payloadVariant doc: documentation-style Message and Done {}', async () => {
      const events = eventsOf(await streamRun(emu, VARIABLES, { payloadVariant: 'doc' }));
      assert.deepEqual(Object.keys(dataOf(events[0])), ['content', 'content_type', 'cost', 'node_is_finish', 'node_seq_id', 'node_title', 'token']);
      assert.equal(events[1]?.data, '{}');
      const cloud = eventsOf(await streamRun(emu, VARIABLES));
      assert.deepEqual(Object.keys(dataOf(cloud[0])), [
        'content',
        'content_type',
        'node_title',
        'node_seq_id',
        'node_is_finish',
        'node_id',
        'node_type',
        'node_execute_uuid',
        'usage',
      ]);
      assert.deepEqual(Object.keys(dataOf(cloud[1])), ['node_execute_uuid', 'debug_url']);
    });

    it('framing nospace: `id:0` without spaces', async () => {
      const text = (await streamRun(emu, VARIABLES, { framing: 'nospace' })).body.toString('utf8');
      assert.match(text, /^id:0\nevent:Message\ndata:\{/);
      assert.match(text, /\n\nid:1\nevent:Done\ndata:\{/);
    });

    it('streamErrorAs json: a failure before any event is a JSON envelope instead of SSE', async () => {
      const response = await streamRun(emu, '7400000000000000002', { streamErrorAs: 'json' });
      assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
      const body = jsonOf(response);
      assert.equal(body['code'], 4000);
      assert.equal(body['msg'], 'Request parameter error');
    });

    it('streamErrorAs json after events: the JSON is appended to the SSE body, no Error event', async () => {
      const text = (await streamRun(emu, FAILING, { streamErrorAs: 'json' })).body.toString('utf8');
      assert.ok(!text.includes('event: Error'));
      assert.match(text, /\n\n\{"code":5000,"msg":"\[720712000\] [^\n]*"detail":\{"logid":"[0-9A-F]+"\}\}\n$/);
    });

    it('jsonErrorWithoutTrailingNewline: error bodies end right after the closing brace', async () => {
      const withNewline = await post(emu, '/v1/workflow/run', { workflow_id: '7400000000000099999' });
      assert.equal(withNewline.body.toString('utf8').slice(-2), '}\n');
      const without = await post(emu, '/v1/workflow/run', { workflow_id: '7400000000000099999' }, { knobs: { jsonErrorWithoutTrailingNewline: true } });
      assert.equal(without.body.toString('utf8').slice(-1), '}');
      const appended = await streamRun(emu, FAILING, { streamErrorAs: 'json', jsonErrorWithoutTrailingNewline: true });
      assert.equal(appended.body.toString('utf8').slice(-2), '}}');
    });
  });

  describe('whole-response overrides', () => {
    it('httpStatus with typical bodies: 401 JSON, 429 code 4013, 500 JSON, 502/503 HTML', async () => {
      const cases: Array<[number, string, RegExp]> = [
        [401, 'application/json; charset=utf-8', /^\{"code":4100,"msg":"authentication is invalid","detail":\{"logid":/],
        [429, 'application/json; charset=utf-8', /^\{"code":4013,/],
        [500, 'application/json; charset=utf-8', /^\{"code":5000,/],
        [502, 'text/html', /<title>502 Bad Gateway<\/title>/],
        [503, 'text/html', /<title>503 Service Temporarily Unavailable<\/title>/],
      ];
      for (const [status, contentType, body] of cases) {
        const response = await streamRun(emu, STORY, { httpStatus: status });
        assert.equal(response.status, status);
        assert.equal(response.headers['content-type'], contentType);
        assert.match(response.body.toString('utf8'), body);
        assert.ok(response.headers['x-tt-logid']);
      }
      assert.equal(emu.runsStarted(STORY), 0);
    });

    it('httpStatus + httpBody: exactly that body', async () => {
      const response = await get(emu, '/v1/workspaces', { knobs: { httpStatus: 418, httpBody: '{"code":1,"msg":"teapot"}' } });
      assert.equal(response.status, 418);
      assert.equal(response.body.toString('utf8'), '{"code":1,"msg":"teapot"}');
    });

    it('emptyBody: HTTP 200 with nothing in it', async () => {
      const response = await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES }, { knobs: { emptyBody: true } });
      assert.equal(response.status, 200);
      assert.equal(response.body.length, 0);
    });

    it('resetBeforeHeaders: the socket is destroyed without a response', async () => {
      const result = await send(emu, 'POST', '/v1/workflow/stream_run', { body: { workflow_id: VARIABLES }, knobs: { resetBeforeHeaders: true } });
      assert.ok(isReset(result));
    });

    it('limitCode: HTTP 200 JSON with the code, or the given httpStatus', async () => {
      for (const code of [4008, 4009, 4013, 4020]) {
        const response = await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES }, { knobs: { limitCode: code } });
        assert.equal(response.status, 200);
        assert.equal(jsonOf(response)['code'], code);
      }
      const limited = await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES }, { knobs: { limitCode: 4020, httpStatus: 429 } });
      assert.equal(limited.status, 429);
      assert.equal(jsonOf(limited)['code'], 4020);
    });
  });

  describe('stream faults', () => {
    it('cutAfterEvents: the connection drops after N events, without a terminal event', async () => {
      const response = await streamRun(emu, ANSWER, { cutAfterEvents: 3 });
      assert.equal(response.incomplete, true);
      const events = eventsOf(response);
      assert.deepEqual(events.map((e) => e.id), ['0', '1', '2']);
      assert.ok(events.every((e) => e.event === 'Message'));
    });

    it('cutAfterBytes: exactly N body bytes, then the connection drops', async () => {
      const wire = await postWire(emu, '/v1/workflow/stream_run', { workflow_id: ANSWER }, { 'x-emulator-knobs': '{"cutAfterBytes":100}' });
      assert.equal(wire.body.length, 100);
      assert.equal(wire.terminated, false);
    });

    it('dripBytes: the body arrives in pieces of at most N bytes', async () => {
      const wire = await postWire(emu, '/v1/workflow/stream_run', { workflow_id: VARIABLES }, { 'x-emulator-knobs': '{"dripBytes":16,"dripIntervalMs":1}' });
      assert.ok(wire.terminated);
      assert.ok(wire.chunkSizes.length > 10);
      assert.ok(wire.chunkSizes.every((size) => size <= 16));
      assert.deepEqual(eventsOf({ body: wire.body } as RawResponse).map((e) => e.event), ['Message', 'Done']);
    });

    it('dripIntervalMs: the pieces are that far apart (real time)', async () => {
      const response = await streamRun(emu, VARIABLES, { dripBytes: 64, dripIntervalMs: 15 });
      const pieces = Math.ceil(response.body.length / 64);
      assert.ok(response.totalMs >= (pieces - 2) * 15, `${pieces} pieces in ${response.totalMs} ms`);
      const fast = await streamRun(emu, VARIABLES, { dripBytes: 64, dripIntervalMs: 0 });
      assert.ok(fast.totalMs < response.totalMs / 2);
    });

    it('writeBoundaries: one write per event by default', async () => {
      const wire = await postWire(emu, '/v1/workflow/stream_run', { workflow_id: VARIABLES });
      const blocks = wire.body.toString('utf8').split('\n\n').filter((b) => b !== '');
      assert.deepEqual(wire.chunkSizes, blocks.map((b) => Buffer.byteLength(b + '\n\n')));
    });

    it('writeBoundaries: explicit offsets, splitting inside a multi-byte character', async () => {
      const plain = await postWire(emu, '/v1/workflow/stream_run', { workflow_id: VARIABLES, parameters: { name: '测试' } });
      const inside = plain.body.indexOf(Buffer.from('你')) + 1;
      const wire = await postWire(
        emu,
        '/v1/workflow/stream_run',
        { workflow_id: VARIABLES, parameters: { name: '测试' } },
        { 'x-emulator-knobs': JSON.stringify({ writeBoundaries: [inside, inside + 7] }) },
      );
      assert.equal(wire.chunkSizes[0], inside);
      assert.equal(wire.chunkSizes[1], 7);
      const firstPiece = wire.body.subarray(0, inside);
      assert.ok(firstPiece.toString('utf8').endsWith('\uFFFD'), 'the split falls inside 你');
      assert.equal(wire.body.length, plain.body.length);
    });

    it('writeBoundaries random: reproducible for a seed, different for another', async () => {
      const run = (seed: number): Promise<number[]> =>
        postWire(emu, '/v1/workflow/stream_run', { workflow_id: ANSWER }, { 'x-emulator-knobs': JSON.stringify({ writeBoundaries: 'random', boundarySeed: seed }) }).then(
          (w) => w.chunkSizes,
        );
      const a = await run(7);
      const b = await run(7);
      const c = await run(8);
      assert.deepEqual(a, b);
      assert.notDeepEqual(a, c);
      assert.ok(a.length > 6, 'more writes than events');
    });

    it('malformedLine: a non-field line after injectAfterEvents events', async () => {
      const text = (await streamRun(emu, ANSWER, { malformedLine: 'garbage without colon', injectAfterEvents: 2 })).body.toString('utf8');
      const blocks = text.split('\n\n');
      assert.equal(blocks[2], 'garbage without colon');
      assert.match(blocks[3] ?? '', /^id: 2\n/);
    });

    it('invalidJsonData and unknownEvent: extra events with ids', async () => {
      const events = eventsOf(await streamRun(emu, VARIABLES, { invalidJsonData: true, unknownEvent: 'Progress' }));
      assert.deepEqual(events.map((e) => `${e.id}:${e.event}`), ['0:Message', '1:Progress', '2:Message', '3:Done']);
      assert.throws(() => JSON.parse(events[2]?.data ?? ''));
    });

    it('duplicateIds / missingIds', async () => {
      assert.deepEqual(eventsOf(await streamRun(emu, ANSWER, { duplicateIds: true })).map((e) => e.id), ['0', '0', '1', '2', '3', '4']);
      assert.deepEqual(eventsOf(await streamRun(emu, ANSWER, { missingIds: 3 })).map((e) => e.id), ['0', '1', '2', '4', '5', '6']);
    });

    it('bigEventBytes: one Message whose content is exactly N bytes', async () => {
      const events = eventsOf(await streamRun(emu, VARIABLES, { bigEventBytes: 1_000_003 }));
      const big = dataOf(events[1]);
      assert.equal(Buffer.byteLength(String(big['content'])), 1_000_003);
      assert.equal(big['node_title'], 'Big message');
    });

    it('eventErrorLowercase: `event: error` without id and a raw error string, then the end', async () => {
      const response = await streamRun(emu, ANSWER, { eventErrorLowercase: true, injectAfterEvents: 2 });
      const text = response.body.toString('utf8');
      assert.match(text, /\n\nevent: error\ndata: workflow execution failed: [^\n]+\n\n$/);
      assert.equal(eventsOf(response).length, 3);
      assert.equal(response.incomplete, false);
      assert.equal(latestRecord(emu, ANSWER).status, 'Fail');
    });
  });

  describe('run behaviour', () => {
    it('trimOutput: run history reports is_output_trimmed', async () => {
      const run = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES }, { knobs: { trimOutput: true } }));
      const history = jsonOf(await get(emu, `/v1/workflows/${VARIABLES}/run_histories/${String(run['execute_id'])}`));
      const item = (history['data'] as Array<Record<string, unknown>>)[0];
      assert.equal(item?.['is_output_trimmed'], true);
    });

    it('transientFailure: code 720701013 with a debug_url but no execute_id field, no run', async () => {
      const before = emu.runsStarted();
      for (const path of ['/v1/workflow/run', '/v1/workflow/stream_run']) {
        const response = await post(emu, path, { workflow_id: VARIABLES }, { knobs: { transientFailure: true } });
        const body = jsonOf(response);
        assert.equal(body['code'], 720701013);
        assert.equal(body['msg'], "We're currently experiencing server issues. Please try again later.");
        assert.match(String(body['debug_url']), /execute_id=\d{19}&/);
        assert.ok(!('execute_id' in body));
      }
      assert.equal(emu.runsStarted(), before);
    });

    it('syncLatencyMs: the sync answer takes that long; over 90 s the connection is dropped at 90 s', async () => {
      const slow = await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES }, { knobs: { syncLatencyMs: 150_000 - 90_000 } });
      assert.ok(slow.totalMs >= 55, `${slow.totalMs} ms`);
      const started = Date.now();
      const dropped = await send(emu, 'POST', '/v1/workflow/run', { body: { workflow_id: VARIABLES }, knobs: { syncLatencyMs: 150_000 } });
      const elapsed = Date.now() - started;
      assert.ok(isReset(dropped));
      assert.ok(elapsed >= 85 && elapsed < 145, `dropped after ${elapsed} ms`);
    });

    it('legacyRunFields: token, cost and msg "Success" in sync answers', async () => {
      const body = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES }, { knobs: { legacyRunFields: true } }));
      assert.equal(body['msg'], 'Success');
      assert.equal(typeof body['token'], 'number');
      assert.equal(body['cost'], '0');
    });
  });

  describe('resolution', () => {
    it('header knobs beat queued knobs, which beat scenario knobs', async () => {
      emu.setKnobs({ framing: 'nospace' });
      try {
        assert.match((await streamRun(emu, VARIABLES)).body.toString('utf8'), /^id:0/);
        assert.match((await streamRun(emu, VARIABLES, { framing: 'space' })).body.toString('utf8'), /^id: 0/);
      } finally {
        emu.clearKnobs();
      }
      // Story writer's own knobs start the stream with PINGs; queued knobs override them.
      assert.equal(eventsOf(await streamRun(emu, STORY))[0]?.event, 'PING');
      emu.setKnobs({ firstByteDelayMs: 0, pingIntervalMs: 0 }, { workflowId: STORY, times: 1 });
      assert.equal(eventsOf(await streamRun(emu, STORY))[0]?.event, 'Message');
      assert.equal(eventsOf(await streamRun(emu, STORY))[0]?.event, 'PING');
    });

    it('times, path and workflowId decide which requests consume queued knobs', async () => {
      emu.setKnobs({ emptyBody: true }, { times: 2, path: '/v1/workspaces' });
      emu.setKnobs({ emptyBody: true }, { times: 1, workflowId: ANSWER });
      try {
        assert.equal((await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES })).body.length > 0, true);
        assert.equal((await get(emu, '/v1/workspaces')).body.length, 0);
        assert.equal((await post(emu, '/v1/workflow/run', { workflow_id: ANSWER })).body.length, 0);
        assert.equal((await post(emu, '/v1/workflow/run', { workflow_id: ANSWER })).body.length > 0, true);
        assert.equal((await get(emu, '/v1/workspaces')).body.length, 0);
        assert.equal((await get(emu, '/v1/workspaces')).body.length > 0, true);
      } finally {
        emu.clearKnobs();
      }
    });

    it('a path ending in * matches a prefix; clearKnobs() drops everything', async () => {
      emu.setKnobs({ limitCode: 4009 }, { path: '/v1/workflow/*' });
      assert.equal(jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES }))['code'], 4009);
      assert.equal(jsonOf(await get(emu, '/v1/workspaces'))['code'], 0);
      emu.clearKnobs();
      assert.equal(jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES }))['code'], 0);
    });

    it('unknown knob names are rejected loudly (header → 4000, setKnobs → throws)', async () => {
      const response = await get(emu, '/v1/workspaces', { headers: { 'x-emulator-knobs': '{"cutAfterEvent":1}' } });
      assert.equal(jsonOf(response)['code'], 4000);
      assert.match(String(jsonOf(response)['msg']), /unknown knob "cutAfterEvent"/);
      assert.throws(() => emu.setKnobs({ cutAfterEvents: -1 }), /invalid value/);
    });

    it('emulator-wide knobs apply to every request', async () => {
      const doc = await startEmulator({ timeScale: 0.001, knobs: { payloadVariant: 'doc' } });
      try {
        assert.equal(eventsOf(await streamRun(doc, VARIABLES))[1]?.data, '{}');
      } finally {
        await doc.close();
      }
    });
  });
});
