import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type CozeEmulator } from './index';
import { dataOf, eventsOf, get, jsonOf, post } from './test-helpers';

// The Coze Studio (self-hosted) flavour: different paths, field names and types (see the coze-studio repository's OpenAPI handlers).

const STORY = '7400000000000000010';
const VARIABLES = '7400000000000000012';
const FAILING = '7400000000000000013';
const TRIP = '7400000000000000014';
const IMAGE = '7400000000000000015';

describe('studio flavour', () => {
  let emu: CozeEmulator;
  before(async () => {
    emu = await startEmulator({ timeScale: 0.001, flavor: 'studio' });
  });
  after(() => emu.close());

  it('sync run: code, msg, data, token, cost "0.00000", debug_url, execute_id; no usage, no detail', async () => {
    const response = await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES });
    const body = jsonOf(response);
    assert.deepEqual(Object.keys(body), ['code', 'msg', 'data', 'token', 'cost', 'debug_url', 'execute_id']);
    assert.equal(body['cost'], '0.00000');
    assert.ok(response.headers['x-tt-logid']);
    assert.match(String(body['debug_url']), new RegExp(`^${emu.baseUrl}/work_flow\\?execute_id=${String(body['execute_id'])}&`));
  });

  it('get_run_history: execute_id, bot_id and connector_id as bare int64 numbers; log_id and error_msg', async () => {
    const run = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES }));
    const executeId = String(run['execute_id']);
    const response = await get(emu, `/v1/workflow/get_run_history?workflow_id=${VARIABLES}&execute_id=${executeId}`);
    const text = response.body.toString('utf8');
    // The exact 19 digits, unquoted: precision survives only if the JSON text is read carefully.
    assert.match(text, new RegExp(`"execute_id":${executeId},`));
    assert.match(text, /"bot_id":0,"connector_id":1024,/);
    const item = (jsonOf(response)['data'] as Array<Record<string, unknown>>)[0] ?? {};
    assert.ok('log_id' in item && !('logid' in item));
    assert.ok('error_msg' in item && !('error_message' in item));
    assert.equal(item['execute_status'], 'Success');
    assert.ok(!('detail' in jsonOf(response)));
  });

  it('the cloud run_histories path answers the cookie-session error 700012006', async () => {
    const run = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES }));
    const response = await get(emu, `/v1/workflows/${VARIABLES}/run_histories/${String(run['execute_id'])}`);
    assert.equal(response.status, 401);
    assert.equal(jsonOf(response)['code'], 700012006);
  });

  it('stream: no PINGs, Message with token, Done {"debug_url"}', async () => {
    const events = eventsOf(await post(emu, '/v1/workflow/stream_run', { workflow_id: STORY, parameters: { topic: 't' } }, { knobs: { pingIntervalMs: 1000 } }));
    assert.ok(!events.some((e) => e.event === 'PING'));
    const message = dataOf(events[0]);
    assert.deepEqual(Object.keys(message), ['content', 'content_type', 'node_seq_id', 'node_id', 'node_is_finish', 'node_type', 'node_title', 'token']);
    const done = dataOf(events[events.length - 1]);
    assert.deepEqual(Object.keys(done), ['debug_url']);
    assert.ok(!events[events.length - 1]?.data?.includes('\\u0026'), 'Studio does not escape &');
  });

  it('stream failure: Error then close, no Done', async () => {
    const events = eventsOf(await post(emu, '/v1/workflow/stream_run', { workflow_id: FAILING }));
    assert.equal(events[events.length - 1]?.event, 'Error');
    assert.deepEqual(Object.keys(dataOf(events[events.length - 1])), ['error_code', 'error_message', 'debug_url']);
  });

  it('Interrupt carries debug_url; sync runs refuse every interrupt with 6039', async () => {
    const events = eventsOf(await post(emu, '/v1/workflow/stream_run', { workflow_id: TRIP }));
    const interrupt = dataOf(events[events.length - 1]);
    assert.ok(interrupt['debug_url']);
    assert.deepEqual(Object.keys(interrupt['interrupt_data'] as object), ['event_id', 'type', 'data']);
    assert.equal(jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: IMAGE }))['code'], 6039);
  });

  it('Studio accepts `version` (not workflow_version)', async () => {
    const body = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: '7400000000000000021', version: 'v0.0.1' }));
    assert.deepEqual(JSON.parse(String(body['data'])), { output: 'ran v0.0.1', version: 'v0.0.1' });
  });

  it('eventErrorLowercase: Studio’s mid-stream `event: error` without id', async () => {
    const text = (await post(emu, '/v1/workflow/stream_run', { workflow_id: STORY }, { knobs: { eventErrorLowercase: 'runtime error: invalid memory address' } })).body.toString('utf8');
    assert.match(text, /^id: 0\nevent: Message\n[^]*\n\nevent: error\ndata: runtime error: invalid memory address\n\n$/);
  });

  it('endpoints Studio lacks answer "does not exist"', async () => {
    const missing: Array<[string, string]> = [
      ['GET', '/v1/workspaces'],
      ['GET', '/v1/workflows'],
      ['GET', `/v1/workflows/${VARIABLES}/versions`],
      ['GET', `/v1/workflows/${VARIABLES}/run_histories/7600000000000000000/execute_nodes/1`],
      ['POST', '/v1/workflows/resume'],
      ['POST', '/api/permission/oauth2/token'],
    ];
    for (const [method, path] of missing) {
      const response = method === 'GET' ? await get(emu, path) : await post(emu, path, {});
      assert.equal(response.status, 200);
      assert.deepEqual(jsonOf(response), { code: 4000, msg: `The requested API endpoint ${method} ${path} does not exist` });
    }
  });

  it('workflow info only carries the chatflow role', async () => {
    assert.deepEqual(jsonOf(await get(emu, `/v1/workflows/${VARIABLES}`)), { code: 0, msg: '', data: {} });
    const chat = jsonOf(await get(emu, '/v1/workflows/7400000000000000019'));
    assert.equal(((chat['data'] as Record<string, unknown>)['role'] as Record<string, unknown>)['name'], 'Support chat');
  });
});
