import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signJwt, startEmulator, type CozeEmulator } from './index';
import { get, isReset, jsonOf, post, send, sendOk, type RawResponse } from './test-helpers';

// Every documented error path answers with the documented shape, X-Tt-Logid and detail.logid.

const STORY = '7400000000000000010';
const TRIP = '7400000000000000014';

function assertLogidHeader(response: RawResponse): string {
  const logid = String(response.headers['x-tt-logid']);
  assert.match(logid, /^[0-9A-F]{20,34}$/);
  return logid;
}

/** A Coze JSON envelope with this HTTP status and code; returns the body. */
function assertEnvelope(response: RawResponse, status: number, code: number, msg?: string | RegExp): Record<string, unknown> {
  assert.equal(response.status, status);
  assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
  const logid = assertLogidHeader(response);
  const body = jsonOf(response);
  assert.equal(body['code'], code);
  if (typeof msg === 'string') assert.equal(body['msg'], msg);
  else if (msg) assert.match(String(body['msg']), msg);
  assert.deepEqual(body['detail'], { logid });
  return body;
}

function assertOauthError(response: RawResponse, status: number, errorCode: string, message: RegExp): void {
  assert.equal(response.status, status);
  assertLogidHeader(response);
  const body = jsonOf(response);
  assert.equal(body['code'], undefined);
  assert.equal(body['error_code'], errorCode);
  assert.match(String(body['error_message']), message);
}

describe('error paths', () => {
  let emu: CozeEmulator;
  before(async () => {
    emu = await startEmulator({ timeScale: 0.001 });
  });
  after(() => emu.close());

  describe('authentication', () => {
    const endpoints: Array<[string, string, unknown]> = [
      ['POST', '/v1/workflow/run', { workflow_id: STORY }],
      ['POST', '/v1/workflow/stream_run', { workflow_id: STORY }],
      ['GET', `/v1/workflows/${STORY}/run_histories/7600000000000000000`, undefined],
      ['GET', '/v1/workspaces', undefined],
    ];
    for (const [method, path, body] of endpoints) {
      it(`${method} ${path}: missing, unknown and other-region tokens → HTTP 401 code 4100 JSON`, async () => {
        for (const token of [null, 'pat_nonsense', emu.tokens.otherRegion]) {
          const response = await sendOk(emu, method, path, { token, body });
          assertEnvelope(response, 401, 4100, 'authentication is invalid');
        }
      });
    }

    it('revoked token → HTTP 401 code 700012006', async () => {
      const response = await post(emu, '/v1/workflow/stream_run', { workflow_id: STORY }, { token: emu.tokens.revoked });
      assertEnvelope(response, 401, 700012006, 'access token invalid');
    });

    it('noScope token: 4101 with HTTP 200 everywhere except listing workspaces', async () => {
      const token = emu.tokens.noScope;
      const denied: RawResponse[] = [
        await post(emu, '/v1/workflow/run', { workflow_id: STORY }, { token }),
        await post(emu, '/v1/workflow/stream_run', { workflow_id: STORY }, { token }),
        await get(emu, `/v1/workflows/${STORY}/run_histories/7600000000000000000`, { token }),
        await get(emu, `/v1/workflows?workspace_id=7500000000000000001&page_num=1`, { token }),
        await get(emu, `/v1/workflows/${STORY}?include_input_output=true`, { token }),
        await get(emu, `/v1/workflows/${STORY}/versions`, { token }),
        await sendOk(emu, 'POST', '/v1/files/upload', { token, body: 'x', headers: { 'Content-Type': 'multipart/form-data; boundary=b' } }),
      ];
      for (const response of denied) {
        assertEnvelope(response, 200, 4101, /does not have the permission/);
      }
      const allowed = await get(emu, '/v1/workspaces', { token });
      assertEnvelope(allowed, 200, 0);
      assert.equal(emu.runsStarted(), 0);
    });
  });

  describe('run validation (4000)', () => {
    const invalidBodies: Array<[string, unknown]> = [
      ['missing workflow_id', { parameters: {} }],
      ['numeric workflow_id', { workflow_id: 7400000000000000010 }],
      ['numeric bot_id', { workflow_id: STORY, bot_id: 123 }],
      ['both bot_id and app_id', { workflow_id: STORY, bot_id: '7400000000000000999', app_id: '7400000000000000998' }],
      ['non-string ext value', { workflow_id: STORY, ext: { user_id: 42 } }],
      ['parameters is an array', { workflow_id: STORY, parameters: ['topic'] }],
      ['parameters is a non-JSON string', { workflow_id: STORY, parameters: 'topic=AI' }],
      ['parameters is a JSON string of an array', { workflow_id: STORY, parameters: '[1,2]' }],
      ['unknown workflow_version', { workflow_id: '7400000000000000021', workflow_version: 'v9.9.9' }],
      ['body is an array', [{ workflow_id: STORY }]],
    ];
    for (const endpoint of ['/v1/workflow/run', '/v1/workflow/stream_run']) {
      for (const [name, body] of invalidBodies) {
        it(`${endpoint}: ${name} → HTTP 200 JSON code 4000`, async () => {
          const response = await post(emu, endpoint, body);
          assertEnvelope(response, 200, 4000, 'Request parameter error');
        });
      }
      it(`${endpoint}: a body that is not JSON → 4000`, async () => {
        const response = await sendOk(emu, 'POST', endpoint, { body: '{"workflow_id":', headers: { 'Content-Type': 'application/json' } });
        assertEnvelope(response, 200, 4000, 'Request parameter error');
      });
    }

    it('parameters given as a JSON string of an object are accepted', async () => {
      const response = await post(emu, '/v1/workflow/run', { workflow_id: '7400000000000000020', parameters: '{"p_string":"x"}' });
      const body = assertEnvelope(response, 200, 0, '');
      assert.deepEqual(JSON.parse(String(body['data'])), { received: { p_string: 'x' } });
    });

    it('no run is started by rejected requests', () => {
      assert.equal(emu.runsStarted(STORY), 0);
    });
  });

  describe('workflow not found (4200)', () => {
    for (const workflowId of ['7400000000000099999', '7400000000000000018']) {
      it(`run of ${workflowId} → JSON 4200`, async () => {
        const response = await post(emu, '/v1/workflow/run', { workflow_id: workflowId });
        assertEnvelope(response, 200, 4200, 'Workflow not found. Please verify the workflow exists.');
      });
      it(`stream_run of ${workflowId} → a single SSE Error with id 0, then close`, async () => {
        const response = await post(emu, '/v1/workflow/stream_run', { workflow_id: workflowId });
        assert.equal(response.status, 200);
        assert.equal(response.headers['content-type'], 'text/event-stream; charset=utf-8');
        assertLogidHeader(response);
        assert.equal(
          response.body.toString('utf8'),
          'id: 0\nevent: Error\ndata: {"node_execute_uuid":"","error_message":"Workflow not found. Please verify the workflow exists.","error_code":4200}\n\n',
        );
      });
    }
    it('unknownWorkflowAs json → JSON 4200 on stream_run', async () => {
      const response = await post(emu, '/v1/workflow/stream_run', { workflow_id: '7400000000000099999' }, { knobs: { unknownWorkflowAs: 'json' } });
      assertEnvelope(response, 200, 4200);
    });
    it('draft workflows never start a run', () => {
      assert.equal(emu.runsStarted('7400000000000000018'), 0);
    });
  });

  describe('resume errors', () => {
    it('4314 for an unknown execution, 4000 for a malformed or missing event_id', async () => {
      const base = { workflow_id: TRIP, interrupt_type: 2, resume_data: '2024-08-20' };
      for (const endpoint of ['/v1/workflow/stream_resume', '/v1/workflows/resume']) {
        assertEnvelope(await post(emu, endpoint, { ...base, event_id: '7600000000000000001/123' }), 200, 4314, /Execution record not found/);
        assertEnvelope(await post(emu, endpoint, { ...base, event_id: 'not-an-event-id' }), 200, 4000);
        assertEnvelope(await post(emu, endpoint, { ...base, id: '7600000000000000001/123' }), 200, 4000);
        assertEnvelope(await post(emu, endpoint, { workflow_id: TRIP, event_id: '7600000000000000001/123', resume_data: 'x' }), 200, 4000);
        assertEnvelope(await post(emu, endpoint, { workflow_id: TRIP, event_id: '7600000000000000001/123', interrupt_type: 2 }), 200, 4000);
      }
    });

    it('4000 on a mismatched interrupt_type, 4314 on the wrong workflow, 4315 once the execution ended', async () => {
      const stream = await post(emu, '/v1/workflow/stream_run', { workflow_id: TRIP });
      const interrupt = stream.body.toString('utf8').match(/"event_id":"(\d+\/\d+)"/);
      assert.ok(interrupt?.[1]);
      const eventId = interrupt[1];
      assertEnvelope(await post(emu, '/v1/workflow/stream_resume', { workflow_id: TRIP, event_id: eventId, interrupt_type: 5, resume_data: '2024-08-20' }), 200, 4000);
      assertEnvelope(await post(emu, '/v1/workflow/stream_resume', { workflow_id: STORY, event_id: eventId, interrupt_type: 2, resume_data: '2024-08-20' }), 200, 4314);
      const resumed = await post(emu, '/v1/workflow/stream_resume', { workflow_id: TRIP, event_id: eventId, interrupt_type: 2, resume_data: '2024-08-20' });
      assert.match(resumed.body.toString('utf8'), /event: Done/);
      for (const endpoint of ['/v1/workflow/stream_resume', '/v1/workflows/resume']) {
        const again = await post(emu, endpoint, { workflow_id: TRIP, event_id: eventId, interrupt_type: 2, resume_data: '2024-08-20' });
        assertEnvelope(again, 200, 4315, /Execution has ended/);
      }
    });
  });

  describe('run-mode errors', () => {
    it('is_async without the premium plan → 6003 and no run', async () => {
      const before = emu.runsStarted();
      const response = await post(emu, '/v1/workflow/run', { workflow_id: STORY, is_async: true }, { knobs: { asyncAllowed: false } });
      assertEnvelope(response, 200, 6003, /premium feature/);
      assert.equal(emu.runsStarted(), before);
    });

    it('sync run reaching a question node → 6039', async () => {
      const response = await post(emu, '/v1/workflow/run', { workflow_id: TRIP });
      const body = assertEnvelope(response, 200, 6039, 'Synchronous requests do not support interruption');
      assert.match(String(body['debug_url']), /^https:\/\/www\.coze\.cn\/work_flow\?execute_id=\d{19}&/);
    });
  });

  describe('OAuth JWT exchange', () => {
    const grant = { duration_seconds: 900, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' };
    function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
      const now = Math.floor(Date.now() / 1000);
      return { iss: emu.jwtApp.appId, aud: 'api.coze.cn', iat: now, exp: now + 600, jti: randomBytes(20).toString('hex'), ...overrides };
    }
    function jwt(payload: Record<string, unknown>, header: Record<string, unknown> = {}, key = emu.jwtApp.privateKeyPem): string {
      return signJwt({ alg: 'RS256', typ: 'JWT', kid: emu.jwtApp.keyId, ...header }, payload, key);
    }
    const exchange = (token: string, body: unknown = grant): Promise<RawResponse> => post(emu, '/api/permission/oauth2/token', body, { token });

    it('invalid_client: bad signature, unknown kid, wrong iss (HTTP 401, message names the claim)', async () => {
      const { privateKey } = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
      assertOauthError(await exchange(jwt(claims(), {}, privateKey)), 401, 'invalid_client', /signature/);
      assertOauthError(await exchange(jwt(claims(), { kid: 'someone-elses-key' })), 401, 'invalid_client', /kid/);
      assertOauthError(await exchange(jwt(claims({ iss: '1111111111111' }))), 401, 'invalid_client', /iss/);
    });

    it('invalid_request: expired JWT, bad aud, missing or short jti, iat in the future', async () => {
      const now = Math.floor(Date.now() / 1000);
      assertOauthError(await exchange(jwt(claims({ iat: now - 7200, exp: now - 3600 }))), 400, 'invalid_request', /expired/);
      assertOauthError(await exchange(jwt(claims({ aud: 'api.coze.com' }))), 400, 'invalid_request', /aud/);
      assertOauthError(await exchange(jwt(claims({ jti: undefined }))), 400, 'invalid_request', /jti is missing/);
      assertOauthError(await exchange(jwt(claims({ jti: 'short' }))), 400, 'invalid_request', /jti is too short/);
      assertOauthError(await exchange(jwt(claims({ iat: now + 3600, exp: now + 7200 }))), 400, 'invalid_request', /iat/);
    });

    it('a reused jti is refused', async () => {
      const token = jwt(claims());
      assert.equal((await exchange(token)).status, 200);
      assertOauthError(await exchange(token), 400, 'invalid_request', /already been used/);
    });

    it('unsupported_grant_type', async () => {
      assertOauthError(await exchange(jwt(claims()), { grant_type: 'client_credentials' }), 400, 'unsupported_grant_type', /grant_type/);
    });

    it('an expired issued token answers 700012006', async () => {
      const issued = jsonOf(await exchange(jwt(claims())));
      const token = String(issued['access_token']);
      assertEnvelope(await get(emu, '/v1/workspaces', { token }), 200, 0);
      emu.expireTokens();
      assertEnvelope(await get(emu, '/v1/workspaces', { token }), 401, 700012006, 'access token invalid');
    });
  });

  describe('upload errors', () => {
    const boundary = 'EmulatorBoundary42';
    const multipart = (parts: Array<{ name: string; filename: string; data: string }>): Buffer =>
      Buffer.from(
        parts.map((p) => `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: text/plain\r\n\r\n${p.data}\r\n`).join('') +
          `--${boundary}--\r\n`,
      );
    const upload = (body: Buffer | string, contentType = `multipart/form-data; boundary=${boundary}`, knobs = {}): Promise<RawResponse> =>
      sendOk(emu, 'POST', '/v1/files/upload', { body, headers: { 'Content-Type': contentType }, knobs });

    it('4300 without a file part, with an empty file, or without multipart', async () => {
      assertEnvelope(await upload(multipart([{ name: 'other', filename: 'a.txt', data: 'hello' }])), 200, 4300);
      assertEnvelope(await upload(multipart([{ name: 'file', filename: 'a.txt', data: '' }])), 200, 4300);
      assertEnvelope(await upload('{"file":"x"}', 'application/json'), 200, 4300);
    });

    it('4301 with two file parts', async () => {
      const body = multipart([
        { name: 'file', filename: 'a.txt', data: 'a' },
        { name: 'file', filename: 'b.txt', data: 'b' },
      ]);
      assertEnvelope(await upload(body), 200, 4301);
    });

    it('4302 above maxUploadBytes', async () => {
      const body = multipart([{ name: 'file', filename: 'big.txt', data: 'x'.repeat(2048) }]);
      assertEnvelope(await upload(body, undefined, { maxUploadBytes: 1024 }), 200, 4302);
      assertEnvelope(await upload(body, undefined, { maxUploadBytes: 4096 }), 200, 0);
    });
  });

  it('unknown endpoints → HTTP 200 code 4000 naming the method and path', async () => {
    assertEnvelope(await get(emu, '/v1/workflow/does_not_exist'), 200, 4000, 'The requested API endpoint GET /v1/workflow/does_not_exist does not exist');
    assertEnvelope(await post(emu, '/v1/workspaces', {}), 200, 4000, 'The requested API endpoint POST /v1/workspaces does not exist');
  });

  it('every request so far got an X-Tt-Logid (and nothing was reset)', async () => {
    const result = await send(emu, 'GET', '/');
    assert.ok(!isReset(result));
    assertLogidHeader(result);
    assert.ok(emu.requests.length > 50);
  });
});
