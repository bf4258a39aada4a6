import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type CozeEmulator } from './index';
import { dataOf, eventsOf, get, jsonOf, post, type ParsedEvent, type RawResponse } from './test-helpers';

// Run modes end to end: async lifecycle, run histories of every run mode, execute_nodes, and the
// resume flows (question and input nodes, re-interrupts, the 3-attempt limit).

const STORY = '7400000000000000010';
const ANSWER = '7400000000000000011';
const VARIABLES = '7400000000000000012';
const TRIP = '7400000000000000014';
const IMAGE = '7400000000000000015';
const LONG = '7400000000000000016';
const BIG = '7400000000000000017';
const ALL_TYPES = '7400000000000000020';
const VERSIONED = '7400000000000000021';

const HISTORY_FIELDS = [
  'execute_id',
  'execute_status',
  'bot_id',
  'connector_id',
  'connector_uid',
  'run_mode',
  'logid',
  'create_time',
  'update_time',
  'output',
  'error_code',
  'error_message',
  'debug_url',
  'usage',
  'is_output_trimmed',
  'node_execute_status',
  'token',
];

async function history(emu: CozeEmulator, workflowId: string, executeId: string): Promise<Record<string, unknown>> {
  const body = jsonOf(await get(emu, `/v1/workflows/${workflowId}/run_histories/${executeId}`));
  assert.equal(body['code'], 0, `history answered ${JSON.stringify(body)}`);
  const data = body['data'];
  assert.ok(Array.isArray(data) && data.length === 1, 'data is an array with exactly one element');
  const item: unknown = data[0];
  assert.ok(item !== null && typeof item === 'object');
  return item as Record<string, unknown>;
}

/** The End output inside a history item: output → Output → variables (three JSON layers). */
function historyOutput(item: Record<string, unknown>): unknown {
  const outer: unknown = JSON.parse(String(item['output']));
  assert.ok(outer !== null && typeof outer === 'object' && 'Output' in outer && 'node_status' in outer);
  return JSON.parse(String(outer.Output));
}

async function waitForStatus(emu: CozeEmulator, workflowId: string, executeId: string, status: string): Promise<Record<string, unknown>> {
  // A deadline far beyond any duration used here: a loaded machine only makes it take longer.
  for (const until = Date.now() + 30_000; Date.now() < until; ) {
    const item = await history(emu, workflowId, executeId);
    if (item['execute_status'] === status) return item;
    await sleep(5);
  }
  throw new Error(`execution ${executeId} never reached ${status}`);
}

/** execute_id from the debug_url of the Done or Error event. */
function executeIdOfStream(response: RawResponse): string {
  const terminal = eventsOf(response).find((e) => e.event === 'Done' || e.event === 'Error');
  const url = new URL(String(dataOf(terminal)['debug_url']));
  const executeId = url.searchParams.get('execute_id');
  assert.ok(executeId && /^\d{19}$/.test(executeId));
  return executeId;
}

function interruptOf(response: RawResponse): { eventId: string; type: number; event: ParsedEvent } {
  const events = eventsOf(response);
  const event = events[events.length - 1];
  assert.equal(event?.event, 'Interrupt');
  const data = dataOf(event)['interrupt_data'] as Record<string, unknown>;
  return { eventId: String(data['event_id']), type: Number(data['type']), event };
}

describe('runs', () => {
  let emu: CozeEmulator;
  before(async () => {
    emu = await startEmulator({ timeScale: 0.001 });
  });
  after(() => emu.close());

  describe('async runs', () => {
    it('Running for the scenario duration, then Success, with every history field', async () => {
      // 2 s of Running: the scenario's own 20 s × 0.001 can pass before the first poll on a busy machine.
      const accepted = await post(
        emu,
        '/v1/workflow/run',
        { workflow_id: LONG, is_async: true, parameters: { subject: 'Q4' } },
        { knobs: { asyncDurationMs: 2_000_000 } },
      );
      const body = jsonOf(accepted);
      assert.deepEqual(Object.keys(body), ['code', 'msg', 'execute_id', 'debug_url', 'detail']);
      assert.equal(body['code'], 0);
      assert.equal(body['msg'], 'Success');
      const executeId = String(body['execute_id']);
      assert.match(executeId, /^\d{19}$/);
      assert.equal(emu.runsStarted(LONG), 1);

      const running = await history(emu, LONG, executeId);
      assert.equal(running['execute_status'], 'Running');
      assert.equal(running['error_code'], '');
      assert.ok(!('error_message' in running));
      assert.equal(running['output'], '{"node_status":"{}","Output":""}');
      assert.deepEqual(running['node_execute_status'], {});
      assert.equal(running['run_mode'], 2);
      assert.equal(emu.executions.get(executeId)?.status, 'Running');

      const done = await waitForStatus(emu, LONG, executeId, 'Success');
      assert.deepEqual(Object.keys(done), HISTORY_FIELDS);
      assert.equal(done['execute_status'], 'Success');
      assert.equal(done['error_code'], '0');
      assert.equal(done['error_message'], '');
      assert.equal(done['bot_id'], '0');
      assert.equal(done['connector_id'], '1024');
      assert.equal(done['token'], '0');
      assert.equal(done['is_output_trimmed'], false);
      assert.match(String(done['logid']), /^[0-9A-F]{34}$/);
      assert.deepEqual(historyOutput(done), { output: 'Report on Q4: 收入增长 12%，成本下降 3%。', sections: 4 });
      assert.equal(emu.executions.get(executeId)?.status, 'Success');
    });

    it('asyncPollsUntilDone: Running for that many polls', async () => {
      const body = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES, is_async: true }, { knobs: { asyncPollsUntilDone: 2 } }));
      const executeId = String(body['execute_id']);
      await sleep(20);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await history(emu, VARIABLES, executeId))['execute_status']);
      assert.deepEqual(statuses, ['Running', 'Running', 'Success', 'Success']);
    });

    it('asyncDurationMs: Running for that long', async () => {
      const body = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES, is_async: true }, { knobs: { asyncDurationMs: 2_000_000 } }));
      const executeId = String(body['execute_id']);
      assert.equal((await history(emu, VARIABLES, executeId))['execute_status'], 'Running');
      await waitForStatus(emu, VARIABLES, executeId, 'Success');
    });

    it('failAsync: Fail with error_code "720712000" as a string', async () => {
      const body = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES, is_async: true }, { knobs: { failAsync: true } }));
      const item = await waitForStatus(emu, VARIABLES, String(body['execute_id']), 'Fail');
      assert.equal(item['error_code'], '720712000');
      assert.match(String(item['error_message']), /^\[720712000\] /);
      assert.equal(item['output'], '{"node_status":"{}","Output":""}');
    });
  });

  describe('run histories of sync and stream runs', () => {
    it('sync runs are recorded (run_mode 0) with ext.user_id and bot_id', async () => {
      const body = jsonOf(
        await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES, bot_id: '7400000000000000555', ext: { user_id: 'user-42' }, parameters: { name: 'Ada' } }),
      );
      assert.deepEqual(Object.keys(body), ['code', 'msg', 'data', 'execute_id', 'debug_url', 'usage', 'detail']);
      const item = await history(emu, VARIABLES, String(body['execute_id']));
      assert.equal(item['run_mode'], 0);
      assert.equal(item['connector_uid'], 'user-42');
      assert.equal(item['bot_id'], '7400000000000000555');
      assert.deepEqual(historyOutput(item), JSON.parse(String(body['data'])));
    });

    it('stream runs are recorded (run_mode 1); output-node text via execute_nodes', async () => {
      const stream = await post(emu, '/v1/workflow/stream_run', { workflow_id: STORY, parameters: { topic: '海' } });
      const executeId = executeIdOfStream(stream);
      const events = eventsOf(stream);
      const story = events
        .filter((e) => e.event === 'Message' && dataOf(e)['node_type'] === 'Message')
        .map((e) => String(dataOf(e)['content']))
        .join('');
      const item = await history(emu, STORY, executeId);
      assert.equal(item['run_mode'], 1);
      assert.equal(item['execute_status'], 'Success');
      assert.deepEqual(historyOutput(item), { output: story, topic: '海' });
      const statuses = item['node_execute_status'] as Record<string, Record<string, unknown>>;
      const uuid = String(statuses['Message']?.['node_execute_uuid']);
      const node = jsonOf(await get(emu, `/v1/workflows/${STORY}/run_histories/${executeId}/execute_nodes/${uuid}`));
      assert.deepEqual(node, { code: 0, msg: '', data: { is_finish: true, node_output: story }, detail: node['detail'] });
    });

    it('Big output: trimmed history, full text via execute_nodes', async () => {
      const stream = await post(emu, '/v1/workflow/stream_run', { workflow_id: BIG });
      const text = eventsOf(stream)
        .filter((e) => e.event === 'Message' && dataOf(e)['node_type'] === 'Message')
        .map((e) => String(dataOf(e)['content']))
        .join('');
      assert.ok(Buffer.byteLength(text) > 300_000);
      const executeId = executeIdOfStream(stream);
      const item = await history(emu, BIG, executeId);
      assert.equal(item['is_output_trimmed'], true);
      const uuid = String((item['node_execute_status'] as Record<string, Record<string, unknown>>)['Message']?.['node_execute_uuid']);
      const node = jsonOf(await get(emu, `/v1/workflows/${BIG}/run_histories/${executeId}/execute_nodes/${uuid}`));
      assert.equal((node['data'] as Record<string, unknown>)['node_output'], text);
    });

    it('a stream cut mid-way keeps running: its history reaches Success', async () => {
      const cut = await post(emu, '/v1/workflow/stream_run', { workflow_id: ANSWER }, { knobs: { cutAfterEvents: 2 } });
      assert.equal(cut.incomplete, true);
      const record = [...emu.executions.values()].filter((r) => r.workflowId === ANSWER).pop();
      assert.ok(record);
      const item = await waitForStatus(emu, ANSWER, record.executeId, 'Success');
      assert.deepEqual(historyOutput(item), {
        content_type: 1,
        data: '关于“天气”：工作流的回答会分成几块发送，split into chunks, 最后一块带 node_is_finish。',
        original_result: null,
        type_for_model: 2,
      });
    });

    it('4314 for an unknown execute_id or the wrong workflow', async () => {
      const body = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: VARIABLES }));
      for (const path of [`/v1/workflows/${VARIABLES}/run_histories/7600000000000000000`, `/v1/workflows/${STORY}/run_histories/${String(body['execute_id'])}`]) {
        const response = jsonOf(await get(emu, path));
        assert.equal(response['code'], 4314);
      }
    });
  });

  describe('End node modes', () => {
    it('answer mode: chunks with node_seq_id 0..n, finish and usage on the last; sync data is the wrapper', async () => {
      const messages = eventsOf(await post(emu, '/v1/workflow/stream_run', { workflow_id: ANSWER, parameters: { question: '猫' } }))
        .filter((e) => e.event === 'Message')
        .map(dataOf);
      assert.deepEqual(messages.map((m) => m['node_seq_id']), ['0', '1', '2', '3', '4']);
      assert.deepEqual(messages.map((m) => m['node_is_finish']), [false, false, false, false, true]);
      assert.ok(messages.every((m) => m['node_type'] === 'End' && m['node_id'] === '900001'));
      assert.ok(messages[4]?.['usage'] && !messages[0]?.['usage']);
      const sync = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: ANSWER, parameters: { question: '猫' } }));
      assert.deepEqual(JSON.parse(String(sync['data'])), {
        content_type: 1,
        data: messages.map((m) => m['content']).join(''),
        original_result: null,
        type_for_model: 2,
      });
    });

    it('All input types echoes the parameters it received', async () => {
      const parameters = { p_string: 'x', p_integer: 7, p_image: '{"file_id":"7400000000000012345"}', p_array: ['a', 'b'], p_object: { name: 'n' } };
      const sync = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: ALL_TYPES, parameters }));
      assert.deepEqual(JSON.parse(String(sync['data'])), { received: parameters });
    });

    it('Versioned workflow runs the requested version, else the latest', async () => {
      const old = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: VERSIONED, workflow_version: 'v0.0.1' }));
      assert.deepEqual(JSON.parse(String(old['data'])), { output: 'ran v0.0.1', version: 'v0.0.1' });
      const latest = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: VERSIONED }));
      assert.deepEqual(JSON.parse(String(latest['data'])), { output: 'ran v0.0.2', version: 'v0.0.2' });
    });
  });

  describe('question node resumes', () => {
    const resume = (eventId: string, answer: string): Promise<RawResponse> =>
      post(emu, '/v1/workflow/stream_resume', { workflow_id: TRIP, event_id: eventId, interrupt_type: 2, resume_data: answer });

    it('interrupts with the question, then a satisfactory answer finishes the run', async () => {
      const runsBefore = emu.runsStarted();
      const stream = await post(emu, '/v1/workflow/stream_run', { workflow_id: TRIP, parameters: { destination: '成都' } });
      const events = eventsOf(stream);
      assert.deepEqual(events.map((e) => e.event), ['Message', 'Interrupt']);
      assert.equal(dataOf(events[0])['node_title'], '问答');
      assert.match(String(dataOf(events[0])['content']), /成都/);
      const { eventId, type, event } = interruptOf(stream);
      assert.equal(type, 2);
      assert.equal(dataOf(event)['node_title'], '问答');
      const [executeId] = eventId.split('/');
      assert.ok(executeId && emu.executions.has(executeId));
      assert.equal((await history(emu, TRIP, executeId))['execute_status'], 'Running');

      const finished = await resume(eventId, '2024-10-01 出发');
      const resumed = eventsOf(finished);
      assert.deepEqual(resumed.map((e) => e.id), ['0', '1']);
      assert.deepEqual(resumed.map((e) => e.event), ['Message', 'Done']);
      assert.deepEqual(JSON.parse(String(dataOf(resumed[0])['content'])), {
        output: '已为你规划 2024-10-01 出发去成都的行程。',
        date: '2024-10-01',
        answer: '2024-10-01 出发',
      });
      const item = await history(emu, TRIP, executeId);
      assert.equal(item['execute_status'], 'Success');
      assert.equal(emu.runsStarted(), runsBefore + 1, 'resumes are not runs');
    });

    it('unsatisfactory answers re-interrupt with a new event id; the third one fails the run', async () => {
      const first = interruptOf(await post(emu, '/v1/workflow/stream_run', { workflow_id: TRIP }));
      const second = await resume(first.eventId, '下周吧');
      assert.deepEqual(eventsOf(second).map((e) => `${e.id}:${e.event}`), ['0:Message', '1:Interrupt']);
      assert.match(String(dataOf(eventsOf(second)[0])['content']), /YYYY-MM-DD/);
      const secondInterrupt = interruptOf(second);
      assert.notEqual(secondInterrupt.eventId, first.eventId);
      assert.equal(secondInterrupt.eventId.split('/')[0], first.eventId.split('/')[0]);
      assert.equal(jsonOf(await resume(first.eventId, '2024-08-20'))['code'], 4314, 'the old event id is stale');

      const third = interruptOf(await resume(secondInterrupt.eventId, '不知道'));
      const failed = eventsOf(await resume(third.eventId, '随便'));
      assert.deepEqual(failed.map((e) => e.event), ['Error', 'Done']);
      assert.match(String(dataOf(failed[0])['error_message']), /3 attempts/);
      const executeId = first.eventId.split('/')[0] ?? '';
      const item = await history(emu, TRIP, executeId);
      assert.equal(item['execute_status'], 'Fail');
      assert.equal(item['error_code'], '5000');
      assert.equal(jsonOf(await resume(third.eventId, '2024-08-20'))['code'], 4315);
    });
  });

  describe('input node (type 5)', () => {
    const answer = JSON.stringify({ img: '{"file_id":"7400000000000054321"}' });

    it('sync run returns interrupt_data; /v1/workflows/resume answers again or finishes', async () => {
      const run = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: IMAGE }));
      assert.equal(run['code'], 0);
      assert.ok(!('data' in run));
      const interrupt = run['interrupt_data'] as Record<string, unknown>;
      assert.deepEqual(Object.keys(interrupt), ['data', 'required_parameters', 'event_id', 'type']);
      assert.equal(interrupt['type'], 5);
      assert.deepEqual(interrupt['required_parameters'], { img: { required: true, type: 'image' } });
      assert.equal(
        interrupt['data'],
        '{"content_type":"text","content":"[{\\"type\\":\\"string\\",\\"name\\":\\"img\\",\\"required\\":true,\\"assistType\\":2}]"}',
      );
      const executeId = String(run['execute_id']);
      assert.equal(String(interrupt['event_id']).split('/')[0], executeId);
      const pending = await history(emu, IMAGE, executeId);
      assert.equal(pending['execute_status'], 'Running');
      assert.equal((pending['interrupt_data'] as Record<string, unknown>)['event_id'], interrupt['event_id']);

      const again = jsonOf(await post(emu, '/v1/workflows/resume', { workflow_id: IMAGE, event_id: interrupt['event_id'], interrupt_type: 5, resume_data: '{}' }));
      const nextInterrupt = again['interrupt_data'] as Record<string, unknown>;
      assert.notEqual(nextInterrupt['event_id'], interrupt['event_id']);

      const done = jsonOf(await post(emu, '/v1/workflows/resume', { workflow_id: IMAGE, event_id: nextInterrupt['event_id'], interrupt_type: 5, resume_data: answer }));
      assert.equal(done['code'], 0);
      assert.equal(done['execute_id'], executeId);
      assert.deepEqual(JSON.parse(String(done['data'])), { output: '图片检查完成：发现 3 个物体。', img: '{"file_id":"7400000000000054321"}' });
      assert.ok(done['usage']);
      assert.equal((await history(emu, IMAGE, executeId))['execute_status'], 'Success');
    });

    it('async run: the interrupt shows in the history; the resume continues async', async () => {
      const accepted = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: IMAGE, is_async: true }));
      const executeId = String(accepted['execute_id']);
      let item = await history(emu, IMAGE, executeId);
      for (let i = 0; i < 100 && !item['interrupt_data']; i++) {
        await sleep(5);
        item = await history(emu, IMAGE, executeId);
      }
      assert.equal(item['execute_status'], 'Running');
      const interrupt = item['interrupt_data'] as Record<string, unknown>;
      const resumed = jsonOf(await post(emu, '/v1/workflows/resume', { workflow_id: IMAGE, event_id: interrupt['event_id'], interrupt_type: 5, resume_data: answer }));
      assert.deepEqual([resumed['code'], resumed['msg'], resumed['execute_id']], [0, 'Success', executeId]);
      const done = await waitForStatus(emu, IMAGE, executeId, 'Success');
      assert.deepEqual(historyOutput(done), { output: '图片检查完成：发现 3 个物体。', img: '{"file_id":"7400000000000054321"}' });
    });

    it('stream_run interrupts with required_parameters; stream_resume finishes it', async () => {
      const stream = await post(emu, '/v1/workflow/stream_run', { workflow_id: IMAGE });
      const { eventId, type, event } = interruptOf(stream);
      assert.equal(type, 5);
      assert.deepEqual((dataOf(event)['interrupt_data'] as Record<string, unknown>)['required_parameters'], { img: { required: true, type: 'image' } });
      const resumed = eventsOf(await post(emu, '/v1/workflow/stream_resume', { workflow_id: IMAGE, event_id: eventId, interrupt_type: 5, resume_data: answer }));
      assert.deepEqual(resumed.map((e) => e.event), ['Message', 'Done']);
    });
  });
});
