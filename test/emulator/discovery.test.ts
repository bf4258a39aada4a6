import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signJwt, startEmulator, type CozeEmulator } from './index';
import { get, jsonOf, post, sendOk } from './test-helpers';

// Discovery endpoints (workspaces, workflows, info, versions), file upload and the JWT exchange.

const PERSONAL = '7500000000000000001';
const TEAM = '7500000000000000002';

function dataOf(body: Record<string, unknown>): Record<string, unknown> {
  const data = body['data'];
  assert.ok(data !== null && typeof data === 'object' && !Array.isArray(data), 'data is an object');
  return data as Record<string, unknown>;
}

function itemsOf(body: Record<string, unknown>): Array<Record<string, unknown>> {
  const items = dataOf(body)['items'];
  assert.ok(Array.isArray(items));
  return items as Array<Record<string, unknown>>;
}

describe('discovery', () => {
  let emu: CozeEmulator;
  before(async () => {
    emu = await startEmulator({ timeScale: 0.001 });
  });
  after(() => emu.close());

  it('lists the two workspaces with every field, paged', async () => {
    const all = jsonOf(await get(emu, '/v1/workspaces'));
    assert.equal(dataOf(all)['total_count'], 2);
    assert.deepEqual(dataOf(all)['workspaces'], [
      {
        id: PERSONAL,
        name: 'Personal',
        icon_url: 'https://www.coze.cn/static/emulator/personal.png',
        role_type: 'owner',
        enterprise_id: '',
        workspace_type: 'personal',
      },
      {
        id: TEAM,
        name: 'Team Alpha',
        icon_url: 'https://www.coze.cn/static/emulator/team.png',
        role_type: 'member',
        enterprise_id: 'volcano_2105850001',
        workspace_type: 'team',
      },
    ]);
    const second = jsonOf(await get(emu, '/v1/workspaces?page_num=2&page_size=1'));
    assert.deepEqual((dataOf(second)['workspaces'] as Array<Record<string, unknown>>).map((w) => w['name']), ['Team Alpha']);
    assert.equal(jsonOf(await get(emu, '/v1/workspaces?page_size=51'))['code'], 4000);
  });

  it('pages through the 35 team workflows (page_size ≤ 30, has_more)', async () => {
    const page1 = jsonOf(await get(emu, `/v1/workflows?workspace_id=${TEAM}&page_num=1&page_size=30`));
    const page2 = jsonOf(await get(emu, `/v1/workflows?workspace_id=${TEAM}&page_num=2&page_size=30`));
    assert.equal(dataOf(page1)['has_more'], true);
    assert.equal(dataOf(page2)['has_more'], false);
    const items = [...itemsOf(page1), ...itemsOf(page2)];
    assert.equal(items.length, 35);
    assert.equal(new Set(items.map((i) => i['workflow_id'])).size, 35);
    assert.equal(items[0]?.['workflow_id'], '7400000000000001000');
    assert.equal(items[0]?.['workflow_name'], 'Team flow 01');
    assert.equal(items[34]?.['workflow_name'], 'Team flow 35');
    assert.ok(items.filter((i) => String(i['workflow_name']).includes('report')).length >= 3);
    for (const item of items) {
      assert.deepEqual(Object.keys(item), ['workflow_id', 'workflow_name', 'description', 'icon_url', 'app_id', 'created_at', 'updated_at', 'creator']);
      assert.equal(item['app_id'], '0');
      assert.match(String(item['created_at']), /^\d{10}$/);
      assert.equal(typeof item['created_at'], 'string');
    }
    const defaultSize = jsonOf(await get(emu, `/v1/workflows?workspace_id=${TEAM}&page_num=1`));
    assert.equal(itemsOf(defaultSize).length, 10);
  });

  it('validates workspace_id, page_num and page_size', async () => {
    for (const query of [`workspace_id=${TEAM}&page_num=1&page_size=31`, 'page_num=1', `workspace_id=${TEAM}`, `workspace_id=${TEAM}&page_num=0`]) {
      assert.equal(jsonOf(await get(emu, `/v1/workflows?${query}`))['code'], 4000, query);
    }
  });

  it('filters by publish_status and workflow_mode', async () => {
    const names = async (query: string): Promise<unknown[]> =>
      itemsOf(jsonOf(await get(emu, `/v1/workflows?workspace_id=${PERSONAL}&page_num=1&page_size=30${query}`))).map((i) => i['workflow_name']);
    const published = await names('');
    assert.ok(published.includes('Story writer') && !published.includes('Draft workflow'));
    assert.deepEqual(await names('&publish_status=unpublished_draft'), ['Draft workflow']);
    assert.ok((await names('&publish_status=all')).includes('Draft workflow'));
    assert.deepEqual(await names('&workflow_mode=chatflow'), [
      'Support chat',
      'Greeter (question node)',
      'Name form (input node)',
      'Two outputs',
      'Memory chatflow',
      'Failing chatflow',
    ]);
    assert.ok(!(await names('&workflow_mode=workflow')).includes('Support chat'));
  });

  it('workflow info: detail only by default; input/output schemas with include_input_output', async () => {
    const plain = dataOf(jsonOf(await get(emu, '/v1/workflows/7400000000000000020')));
    assert.deepEqual(Object.keys(plain), ['workflow_detail']);
    const detail = plain['workflow_detail'] as Record<string, unknown>;
    assert.equal(detail['workflow_name'], 'All input types');
    assert.equal(typeof detail['created_at'], 'number');

    const full = dataOf(jsonOf(await get(emu, '/v1/workflows/7400000000000000020?include_input_output=true')));
    const parameters = (full['input'] as Record<string, Record<string, Record<string, unknown>>>)['parameters'] ?? {};
    const types = Object.values(parameters).map((p) => p['type']);
    for (const type of ['string', 'integer', 'number', 'boolean', 'time', 'object', 'array', 'file', 'image', 'doc', 'audio', 'video', 'voice', 'ppt', 'excel', 'txt', 'code', 'zip', 'svg', 'default']) {
      assert.ok(types.includes(type), `missing ${type}`);
    }
    assert.deepEqual(parameters['p_array']?.['items'], { type: 'string' });
    assert.ok(parameters['p_object']?.['properties']);
    assert.equal(parameters['p_string']?.['required'], true);
    assert.equal(parameters['p_integer']?.['default_value'], '42');
    assert.deepEqual(full['output'], { parameters: { received: { type: 'object' } }, terminate_plan: 'return_variables' });

    const answer = dataOf(jsonOf(await get(emu, '/v1/workflows/7400000000000000011?include_input_output=true')));
    assert.deepEqual(answer['output'], { parameters: { answer: { type: 'string' } }, terminate_plan: 'use_answer_content', content: '{{answer}}' });
    assert.equal(jsonOf(await get(emu, '/v1/workflows/7400000000000099999'))['code'], 4200);
  });

  it('versions: newest first, cursor paging, optional schemas', async () => {
    const first = dataOf(jsonOf(await get(emu, '/v1/workflows/7400000000000000021/versions?page_size=1')));
    assert.equal(first['has_more'], true);
    assert.deepEqual(itemsOf({ data: first }).map((i) => i['version']), ['v0.0.2']);
    const second = dataOf(jsonOf(await get(emu, `/v1/workflows/7400000000000000021/versions?page_size=1&page_token=${String(first['next_page_token'])}`)));
    assert.equal(second['has_more'], false);
    assert.deepEqual(itemsOf({ data: second }).map((i) => i['version']), ['v0.0.1']);
    const withSchemas = itemsOf(jsonOf(await get(emu, '/v1/workflows/7400000000000000021/versions?include_input_output=true')));
    assert.equal(withSchemas.length, 2);
    assert.ok(withSchemas.every((i) => i['input'] && i['output'] && typeof i['created_at'] === 'string'));
    assert.equal(jsonOf(await get(emu, '/v1/workflows/7400000000000000021/versions?page_size=31'))['code'], 4000);
  });

  describe('upload', () => {
    it('keeps the bytes and decodes a non-ASCII file name (raw UTF-8, as FormData sends it)', async () => {
      const bytes = Buffer.from(Array.from({ length: 256 }, (_v, i) => i));
      const form = new FormData();
      form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), '报告 ü "final".bin');
      const response = await fetch(`${emu.baseUrl}/v1/files/upload`, { method: 'POST', headers: { Authorization: `Bearer ${emu.token}` }, body: form });
      const body = (await response.json()) as Record<string, unknown>;
      assert.equal(body['code'], 0);
      assert.equal(body['msg'], '');
      const data = dataOf(body);
      assert.deepEqual(Object.keys(data), ['bytes', 'created_at', 'file_name', 'id']);
      assert.equal(data['file_name'], '报告 ü "final".bin');
      assert.equal(data['bytes'], 256);
      assert.match(String(data['id']), /^\d{19}$/);
      const stored = emu.files.get(String(data['id']));
      assert.ok(stored);
      assert.deepEqual(stored.bytes, bytes);
      const retrieved = jsonOf(await get(emu, `/v1/files/retrieve?file_id=${String(data['id'])}`));
      assert.deepEqual(retrieved['data'], data);
      assert.equal(jsonOf(await get(emu, '/v1/files/retrieve?file_id=7400000000000000000'))['code'], 4200);
    });

    it('decodes an RFC 5987 filename*', async () => {
      const body = Buffer.from(
        '--b1\r\nContent-Disposition: form-data; name="file"; filename="fallback.txt"; filename*=UTF-8\'\'%E5%9B%BE%E7%89%87.png\r\n\r\nPNG\r\n--b1--\r\n',
      );
      const response = jsonOf(await sendOk(emu, 'POST', '/v1/files/upload', { body, headers: { 'Content-Type': 'multipart/form-data; boundary=b1' } }));
      assert.equal(dataOf(response)['file_name'], '图片.png');
    });
  });

  describe('JWT exchange', () => {
    const grant = (duration?: number): Record<string, unknown> => ({
      ...(duration === undefined ? {} : { duration_seconds: duration }),
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    });
    const jwt = (target: CozeEmulator, aud = 'api.coze.cn'): string => {
      const now = Math.floor(Date.now() / 1000);
      return signJwt(
        { alg: 'RS256', typ: 'JWT', kid: target.jwtApp.keyId },
        { iss: target.jwtApp.appId, aud, iat: now, exp: now + 3600, jti: randomBytes(24).toString('hex'), session_name: 'user_1' },
        target.jwtApp.privateKeyPem,
      );
    };

    it('issues czs_ tokens with an absolute expires_in that work as bearer tokens', async () => {
      const before = emu.issuedTokens();
      const now = Math.floor(Date.now() / 1000);
      const response = await post(emu, '/api/permission/oauth2/token', grant(), { token: jwt(emu) });
      assert.equal(response.status, 200);
      const body = jsonOf(response);
      assert.deepEqual(Object.keys(body), ['access_token', 'expires_in']);
      assert.match(String(body['access_token']), /^czs_/);
      const expiresIn = Number(body['expires_in']);
      assert.ok(expiresIn >= now + 899 && expiresIn <= now + 902, `expires_in ${expiresIn}`);
      assert.equal(emu.issuedTokens(), before + 1);
      const run = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: '7400000000000000012' }, { token: String(body['access_token']) }));
      assert.equal(run['code'], 0);
    });

    it('duration_seconds and tokenTtlSeconds bound the lifetime; the emulator host is a valid aud', async () => {
      const now = Math.floor(Date.now() / 1000);
      const short = jsonOf(await post(emu, '/api/permission/oauth2/token', grant(60), { token: jwt(emu, `127.0.0.1:${emu.port}`) }));
      assert.ok(Number(short['expires_in']) <= now + 62);
      const capped = await startEmulator({ tokenTtlSeconds: 1, region: 'com' });
      try {
        const response = jsonOf(await post(capped, '/api/permission/oauth2/token', grant(86_399), { token: jwt(capped, 'api.coze.com') }));
        assert.ok(Number(response['expires_in']) <= Math.floor(Date.now() / 1000) + 1);
        await new Promise((resolve) => setTimeout(resolve, 2100));
        const expired = await get(capped, '/v1/workspaces', { token: String(response['access_token']) });
        assert.equal(expired.status, 401);
        assert.equal(jsonOf(expired)['code'], 700012006);
      } finally {
        await capped.close();
      }
    });
  });
});
