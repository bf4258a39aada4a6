import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type CozeEmulator } from './index';
import { post, type RawResponse } from './test-helpers';

// The four fixture-reproducing scenarios must produce the stored wire bodies byte for byte.

const FIXTURES = join(__dirname, '..', 'data', 'coze-fixtures');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

function assertSseHeaders(response: RawResponse): void {
  assert.equal(response.status, 200);
  assert.equal(response.headers['content-type'], 'text/event-stream; charset=utf-8');
  assert.equal(response.headers['cache-control'], 'no-cache');
  assert.equal(response.headers['transfer-encoding'], 'chunked');
  assert.match(String(response.headers['x-tt-logid']), /^[0-9A-F]{20,34}$/);
}

describe('fixture reproducers', () => {
  let emu: CozeEmulator;
  before(async () => {
    emu = await startEmulator({ timeScale: 0.001 });
  });
  after(() => emu.close());

  it('covers every stored .sse fixture', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.sse')).sort();
    assert.deepEqual(files, [
      'doc-resume-success.sse',
      'doc-stream-error.sse',
      'doc-stream-interrupt.sse',
      'doc-stream-success.sse',
      'sdk-stream-nospace.sse',
    ]);
  });

  const streams: Array<[string, string]> = [
    ['doc-stream-success.sse', '7400000000000000001'],
    ['doc-stream-error.sse', '7400000000000000002'],
    ['doc-stream-interrupt.sse', '7400000000000000003'],
    ['sdk-stream-nospace.sse', '7400000000000000004'],
  ];
  for (const [file, workflowId] of streams) {
    it(`stream_run of ${workflowId} reproduces ${file}`, async () => {
      const response = await post(emu, '/v1/workflow/stream_run', { workflow_id: workflowId, parameters: {} });
      assertSseHeaders(response);
      assert.deepEqual(response.body, fixture(file));
    });
  }

  it('stream_resume after the interrupt reproduces doc-resume-success.sse', async () => {
    const interrupted = await post(emu, '/v1/workflow/stream_run', { workflow_id: '7400000000000000003' });
    assert.deepEqual(interrupted.body, fixture('doc-stream-interrupt.sse'));
    const response = await post(emu, '/v1/workflow/stream_resume', {
      workflow_id: '7400000000000000003',
      event_id: '7404830425073352713/2769808280134765896',
      interrupt_type: 2,
      resume_data: '杭州，2024-08-20',
    });
    assertSseHeaders(response);
    assert.deepEqual(response.body, fixture('doc-resume-success.sse'));
  });
});
