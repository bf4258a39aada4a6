import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHAT_RECORDINGS, startEmulator, type ChatRecording, type CozeEmulator } from './index';
import { post, type RawResponse } from './test-helpers';

// Each recorded chat stream is answered byte for byte on its endpoint, in whatever writes the knobs ask for.

const DIR = join(__dirname, '..', 'data', 'coze-fixtures', 'chat');
const file = (name: string): string => readFileSync(join(DIR, `${name}.sse`), 'utf8');
/** A doc example as a server sends it: each `# …` annotation line is the empty line it stands for. */
const unannotated = (text: string): string =>
  text
    .split('\n')
    .map((line) => (line.startsWith('#') ? '' : line))
    .join('\n');

function expectedBody(name: string): Buffer {
  if (name === 'doc-chatflow-success' || name === 'doc-chatflow-interrupt') return Buffer.from(unannotated(file(name)), 'utf8');
  if (name === 'doc-chatflow-interrupt-studio-tail') {
    const head = file('doc-chatflow-interrupt');
    const cut = head.indexOf('event: done');
    assert.ok(cut > 0);
    return Buffer.from(unannotated(head.slice(0, cut) + file(name)), 'utf8');
  }
  return Buffer.from(file(name), 'utf8');
}

/** The request that makes the emulator answer with this recording. */
function ask(emu: CozeEmulator, recorded: ChatRecording): Promise<RawResponse> {
  switch (recorded.endpoint) {
    case 'chat':
      return post(emu, '/v3/chat', {
        bot_id: recorded.id,
        user_id: 'u',
        stream: true,
        additional_messages: [{ role: 'user', content: 'hi', content_type: 'text' }],
      });
    case 'submitToolOutputs':
      return post(emu, `/v3/chat/submit_tool_outputs?conversation_id=7400000000000000001&chat_id=${recorded.id}`, {
        stream: true,
        tool_outputs: [{ tool_call_id: 'call-1', output: 'x' }],
      });
    case 'workflowsChat':
      return post(emu, '/v1/workflows/chat', {
        workflow_id: recorded.id,
        bot_id: '7400000000000000002',
        additional_messages: [{ role: 'user', content: 'hi', content_type: 'text' }],
      });
  }
}

function assertStream(response: RawResponse, expected: Buffer): void {
  assert.equal(response.status, 200);
  assert.equal(response.headers['content-type'], 'text/event-stream; charset=utf-8');
  assert.equal(response.headers['transfer-encoding'], 'chunked');
  assert.equal(response.incomplete, false);
  assert.deepEqual(response.body, expected);
}

describe('recorded chat streams', () => {
  let emu: CozeEmulator;
  before(async () => {
    emu = await startEmulator({ timeScale: 0.001 });
  });
  after(() => emu.close());

  it('serves every stored chat .sse fixture, each at one ID', () => {
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.sse'))
      .map((f) => f.slice(0, -'.sse'.length))
      .sort();
    assert.deepEqual(CHAT_RECORDINGS.map((r) => r.name).sort(), files);
    assert.equal(new Set(CHAT_RECORDINGS.map((r) => r.id)).size, CHAT_RECORDINGS.length);
    for (const recorded of CHAT_RECORDINGS) assert.match(recorded.id, /^\d{19}$/);
    assert.deepEqual(
      CHAT_RECORDINGS.filter((r) => r.endpoint === 'submitToolOutputs').map((r) => r.name),
      ['go-stream-submit-tool-outputs', 'doc-submit-tool-outputs'],
    );
  });

  for (const recorded of CHAT_RECORDINGS) {
    it(`${recorded.name}: byte for byte, one write per event by default`, async () => {
      const expected = expectedBody(recorded.name);
      const response = await ask(emu, recorded);
      assertStream(response, expected);
      const writes = emu.requests.at(-1)!.writes;
      assert.equal(writes.reduce((a, b) => a + b, 0), expected.length);
      // Events end with a blank line; a last event without one is a write of its own.
      const events = expected.toString('utf8').split('\n\n').filter((piece) => piece !== '').length;
      assert.ok(Math.abs(writes.length - events) <= 1, `${writes.length} writes for ${events} events`);
    });
  }

  it('the write knobs apply: random boundaries split events, a 1-byte drip writes byte by byte, a byte cut cuts', async () => {
    const recorded = CHAT_RECORDINGS.find((r) => r.name === 'py-chat-text-stream')!;
    const expected = expectedBody(recorded.name);
    await ask(emu, recorded);
    const byEvent = emu.requests.at(-1)!.writes;

    emu.setKnobs({ writeBoundaries: 'random', boundarySeed: 5 }, { times: 1, path: '/v3/chat' });
    assertStream(await ask(emu, recorded), expected);
    const random = emu.requests.at(-1)!.writes;
    assert.ok(random.length > byEvent.length, `${random.length} random writes, ${byEvent.length} events`);

    emu.setKnobs({ dripBytes: 1, dripIntervalMs: 0 }, { times: 1, path: '/v3/chat' });
    assertStream(await ask(emu, recorded), expected);
    const drip = emu.requests.at(-1)!.writes;
    assert.equal(drip.length, expected.length);
    assert.ok(drip.every((size) => size === 1));

    emu.setKnobs({ cutAfterBytes: 100 }, { times: 1, path: '/v3/chat' });
    const cut = await ask(emu, recorded);
    assert.equal(cut.incomplete, true);
    assert.deepEqual(cut.body, expected.subarray(0, 100));
  });

  it('the same knobs apply on the tool-output and chatflow endpoints', async () => {
    for (const name of ['doc-submit-tool-outputs', 'doc-chatflow-success']) {
      const recorded = CHAT_RECORDINGS.find((r) => r.name === name)!;
      emu.setKnobs({ writeBoundaries: 'random', boundarySeed: 9 }, { times: 1 });
      assertStream(await ask(emu, recorded), expectedBody(name));
      const writes = emu.requests.at(-1)!.writes;
      assert.ok(writes.length > expectedBody(name).toString('utf8').split('\n\n').length, name);
    }
  });

  it('IDs that are not recordings still reach the scripted chats', async () => {
    const response = await post(emu, '/v3/chat', { bot_id: '7481000000009999', user_id: 'u', stream: true, additional_messages: [{ role: 'user', content: 'x' }] });
    assert.match(response.body.toString('utf8'), /"code":4006/);
  });
});
