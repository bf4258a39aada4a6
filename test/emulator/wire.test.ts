import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type CozeEmulator } from './index';
import { dataOf, eventsOf, get, jsonOf, post } from './test-helpers';

// Cloud-variant wire details that clients trip over: ids across PINGs, \u0026 escapes, ids as
// 19-digit strings, logids, the first byte only after the delay.

const STORY = '7400000000000000010';

describe('cloud wire details', () => {
  let emu: CozeEmulator;
  before(async () => {
    emu = await startEmulator({ timeScale: 0.001 });
  });
  after(() => emu.close());

  it('Story writer: PINGs first, ids from 0 across every event, End with usage, Done with \\u0026', async () => {
    const response = await post(emu, '/v1/workflow/stream_run', { workflow_id: STORY, parameters: { topic: 'Rust & Go' } });
    assert.ok(response.headersMs >= 25, `first byte after ${response.headersMs} ms (30 s Coze time)`);
    const events = eventsOf(response);
    assert.deepEqual(events.map((e) => e.id), events.map((_e, i) => String(i)));
    assert.deepEqual(events.slice(0, 2).map((e) => e.event), ['PING', 'PING']);
    const messages = events.filter((e) => e.event === 'Message').map(dataOf);
    const output = messages.filter((m) => m['node_type'] === 'Message');
    assert.ok(output.length >= 5);
    assert.ok(output.every((m) => m['node_id'] === '135279' && m['node_title'] === 'Message' && m['node_execute_uuid'] === ''));
    assert.match(String(output.map((m) => m['content']).join('')), /Rust & Go/);
    const end = messages[messages.length - 1] ?? {};
    assert.deepEqual([end['node_id'], end['node_type'], end['node_title'], end['node_seq_id'], end['node_is_finish']], ['900001', 'End', 'End', '0', true]);
    assert.deepEqual(Object.keys(end['usage'] as object), ['input_count', 'output_count', 'token_count']);
    assert.equal(JSON.parse(String(end['content']))['topic'], 'Rust & Go');
    assert.equal(events[events.length - 1]?.event, 'Done');

    const text = response.body.toString('utf8');
    assert.ok(!text.includes('&'), 'every & is escaped in the event JSON');
    const done = text.slice(text.lastIndexOf('event: Done'));
    assert.match(done, /"debug_url":"https:\/\/www\.coze\.cn\/work_flow\?execute_id=\d{19}\\u0026space_id=7500000000000000001\\u0026workflow_id=7400000000000000010\\u0026execute_mode=2"/);
  });

  it('ids are 19-digit strings in JSON text (never numbers)', async () => {
    const sync = await post(emu, '/v1/workflow/run', { workflow_id: STORY, parameters: { topic: 'x' } });
    assert.match(sync.body.toString('utf8'), /"execute_id":"\d{19}"/);
    const async = await post(emu, '/v1/workflow/run', { workflow_id: STORY, is_async: true, parameters: { topic: 'x' } });
    const executeId = String(jsonOf(async)['execute_id']);
    assert.match(async.body.toString('utf8'), /"execute_id":"\d{19}"/);
    const history = await get(emu, `/v1/workflows/${STORY}/run_histories/${executeId}`);
    assert.match(history.body.toString('utf8'), new RegExp(`"execute_id":"${executeId}"`));
    const list = await get(emu, '/v1/workflows?workspace_id=7500000000000000001&page_num=1');
    assert.match(list.body.toString('utf8'), /"workflow_id":"7400000000000000001"/);
  });

  it('debug_url: www.coze.cn with execute_mode=2; www.coze.com for the com region', async () => {
    const cn = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: '7400000000000000012' }));
    assert.equal(cn['debug_url'], `https://www.coze.cn/work_flow?execute_id=${String(cn['execute_id'])}&space_id=7500000000000000001&workflow_id=7400000000000000012&execute_mode=2`);
    const com = await startEmulator({ timeScale: 0.001, region: 'com' });
    try {
      const body = jsonOf(await post(com, '/v1/workflow/run', { workflow_id: '7400000000000000012' }));
      assert.match(String(body['debug_url']), /^https:\/\/www\.coze\.com\/work_flow\?/);
    } finally {
      await com.close();
    }
  });

  it('every response has its own logid; detail.logid repeats the header; history logid is the execution’s', async () => {
    const a = await get(emu, '/v1/workspaces');
    const b = await get(emu, '/v1/workspaces');
    assert.notEqual(a.headers['x-tt-logid'], b.headers['x-tt-logid']);
    assert.deepEqual(jsonOf(a)['detail'], { logid: a.headers['x-tt-logid'] });
    const run = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: '7400000000000000012' }));
    const history = await get(emu, `/v1/workflows/7400000000000000012/run_histories/${String(run['execute_id'])}`);
    const item = (jsonOf(history)['data'] as Array<Record<string, unknown>>)[0];
    assert.notEqual(item?.['logid'], history.headers['x-tt-logid']);
    assert.notEqual(item?.['logid'], (run['detail'] as Record<string, unknown>)['logid']);
  });

  it('requests are recorded with the authorization redacted', async () => {
    await post(emu, '/v1/workflow/run', { workflow_id: '7400000000000000012', parameters: { name: 'Rec' } });
    const recorded = emu.requests[emu.requests.length - 1];
    assert.equal(recorded?.method, 'POST');
    assert.equal(recorded?.path, '/v1/workflow/run');
    assert.equal(recorded?.headers['authorization'], '<redacted>');
    assert.deepEqual(recorded?.body, { workflow_id: '7400000000000000012', parameters: { name: 'Rec' } });
    assert.ok(!JSON.stringify(emu.requests).includes(emu.token));
  });
});
