import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId19, newLogid } from './ids';
import { escapeLikeGo, toJsonText } from './json-text';
import { KnobQueue, parseKnobs } from './knobs';
import { boundaryOf, parseMultipart } from './multipart';
import { renderEvent } from './payloads';
import { compileResume, compileScript, type PendingInterrupt } from './plan';
import type { ScriptContext } from './scenario-model';
import { frameEvent } from './sse';

// Unit tests of the emulator's building blocks.

const ctx: ScriptContext = {
  workflowId: '7400000000000000099',
  executeId: '7600000000000000001',
  spaceId: '7500000000000000001',
  parameters: {},
  version: undefined,
  resumeData: undefined,
  answers: [],
};

describe('building blocks', () => {
  it('ids: 19 digits; logids: 34 uppercase hex/digits', () => {
    for (let i = 0; i < 100; i++) {
      assert.match(newId19(), /^\d{19}$/);
      assert.match(newLogid(), /^\d{14}[0-9A-F]{20}$/);
    }
  });

  it('toJsonText writes bigint as exact unquoted digits and keeps key order', () => {
    assert.equal(toJsonText({ b: 1, a: 7404830425073352713n, s: 'x', u: undefined, l: [1n, null] }), '{"b":1,"a":7404830425073352713,"s":"x","l":[1,null]}');
  });

  it('escapeLikeGo escapes &, <, > like Go encoding/json', () => {
    assert.equal(escapeLikeGo(JSON.stringify({ u: 'a&b<c>' })), '{"u":"a\\u0026b\\u003cc\\u003e"}');
    assert.deepEqual(JSON.parse(escapeLikeGo(JSON.stringify({ u: 'a&b<c>' }))), { u: 'a&b<c>' });
  });

  it('frameEvent: exact framing with and without spaces, optional id', () => {
    assert.equal(frameEvent({ id: 3, event: 'Done', data: '{}' }, 'space').toString(), 'id: 3\nevent: Done\ndata: {}\n\n');
    assert.equal(frameEvent({ id: 3, event: 'Done', data: '{}' }, 'nospace').toString(), 'id:3\nevent:Done\ndata:{}\n\n');
    assert.equal(frameEvent({ event: 'error', data: 'boom' }, 'space').toString(), 'event: error\ndata: boom\n\n');
  });

  it('multipart: boundary parsing, quoted parameters, binary data', () => {
    assert.equal(boundaryOf('multipart/form-data; boundary="a b"'), 'a b');
    assert.equal(boundaryOf('application/json'), undefined);
    const data = Buffer.from([0, 13, 10, 45, 45, 255]);
    const body = Buffer.concat([
      Buffer.from('--xx\r\nContent-Disposition: form-data; name="file"; filename="a\\"b.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'),
      data,
      Buffer.from('\r\n--xx\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nnote\r\n--xx--\r\n'),
    ]);
    const parts = parseMultipart(body, 'xx');
    assert.ok(parts);
    assert.deepEqual(parts.map((p) => [p.name, p.filename, p.contentType]), [
      ['file', 'a"b.bin', 'application/octet-stream'],
      ['purpose', undefined, undefined],
    ]);
    assert.deepEqual(parts[0]?.data, data);
    assert.equal(parseMultipart(Buffer.from('not multipart'), 'xx'), undefined);
  });

  it('knobs: parseKnobs rejects unknown names and bad values; queued knobs are consumed', () => {
    assert.deepEqual(parseKnobs({ cutAfterEvents: 2, writeBoundaries: [5, 9] }), { cutAfterEvents: 2, writeBoundaries: [5, 9] });
    assert.throws(() => parseKnobs({ nope: 1 }), /unknown knob/);
    assert.throws(() => parseKnobs({ framing: 'tabs' }), /invalid value/);
    const queue = new KnobQueue();
    queue.push({ emptyBody: true }, { times: 1, path: '/a' });
    assert.deepEqual(queue.take({ path: '/b', workflowId: undefined }), {});
    assert.deepEqual(queue.take({ path: '/a', workflowId: undefined }), { emptyBody: true });
    assert.deepEqual(queue.take({ path: '/a', workflowId: undefined }), {});
  });

  it('compileScript: waits, output node text, End output and outcome', () => {
    const plan = compileScript(
      [
        { kind: 'wait', ms: 100 },
        { kind: 'message', node: { id: '1', type: 'Message', title: 'M' }, chunks: ['a', 'b'], chunkDelayMs: 10 },
        { kind: 'end', mode: 'variables', output: { output: 'ab' } },
      ],
      ctx,
    );
    assert.equal(plan.durationMs, 110);
    assert.deepEqual(plan.outputNodes.map((n) => n.text), ['ab']);
    assert.equal(plan.outcome.status, 'success');
    assert.equal(plan.outcome.status === 'success' && plan.outcome.output, '{"output":"ab"}');
    assert.deepEqual(plan.items.map((i) => (i.kind === 'wait' ? `wait ${i.ms}` : i.event.kind)), ['wait 100', 'message', 'wait 10', 'message', 'message', 'done']);
  });

  it('compileResume: accept, retry with a new event id, fail after maxAttempts', () => {
    const plan = compileScript(
      [
        {
          kind: 'interrupt',
          node: { id: '2', type: 'Question', title: 'Q' },
          interruptType: 2,
          question: 'when?',
          eventId: '42',
          resume: { accept: (answer) => answer === 'now', maxAttempts: 2, then: [{ kind: 'end', mode: 'variables', output: (c) => ({ at: c.resumeData }) }] },
        },
      ],
      ctx,
    );
    assert.equal(plan.outcome.status, 'interrupt');
    const pending = (plan.outcome as { interrupt: PendingInterrupt }).interrupt;
    assert.equal(pending.eventId, '7600000000000000001/42');
    const accepted = compileResume(pending, 'now');
    assert.deepEqual(accepted.outcome.status === 'success' && JSON.parse(accepted.outcome.output), { at: 'now' });
    const retry = compileResume(pending, 'later');
    assert.equal(retry.outcome.status, 'interrupt');
    const second = (retry.outcome as { interrupt: PendingInterrupt }).interrupt;
    assert.notEqual(second.eventId, pending.eventId);
    assert.equal(compileResume(second, 'later').outcome.status, 'fail');
  });

  it('renderEvent: the three payload styles of one Message', () => {
    const event = { kind: 'message' as const, node: { id: '900001', type: 'End', title: 'End' }, content: 'x&y', seq: 0, isFinish: true, isEnd: true, usage: { input_count: 1, output_count: 2, token_count: 3 } };
    assert.equal(
      renderEvent(event, { variant: 'cloud', flavor: 'cloud', debugUrl: '' }).data,
      '{"content":"x\\u0026y","content_type":"text","node_title":"End","node_seq_id":"0","node_is_finish":true,"node_id":"900001","node_type":"End","node_execute_uuid":"","usage":{"input_count":1,"output_count":2,"token_count":3}}',
    );
    assert.equal(
      renderEvent(event, { variant: 'doc', flavor: 'cloud', debugUrl: '' }).data,
      '{"content":"x&y","content_type":"text","cost":"0","node_is_finish":true,"node_seq_id":"0","node_title":"End","token":3}',
    );
    assert.equal(
      renderEvent(event, { variant: 'cloud', flavor: 'studio', debugUrl: '' }).data,
      '{"content":"x&y","content_type":"text","node_seq_id":"0","node_id":"900001","node_is_finish":true,"node_type":"End","node_title":"End","token":3}',
    );
  });
});
