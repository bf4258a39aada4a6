// The credential tests of both Coze credential types, run the way n8n runs a declarative test
// (token first for the JWT app, then the request and the rules), against the emulator.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { accessTokenCredentials, credentialType, runNode, testCredentialLikeN8n } from '../harness/engine';
import { IDS, jwtCredentialData, runParams, withEmulator } from './helpers';

function tokenData(baseUrl: string, accessToken: string): ICredentialDataDecryptedObject {
	return { accessToken, region: 'custom', baseUrl, studioUrl: '' };
}

async function listen(server: Server): Promise<string> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port that nothing listens on. */
async function closedPortUrl(): Promise<string> {
	const server = createServer();
	const url = await listen(server);
	await new Promise((resolve) => server.close(resolve));
	return url;
}

const SWITCH_REGION = /switch Region if it comes from the other site \(coze\.cn or coze\.com\)/;

describe('Coze credential test (access token)', () => {
	it('a valid token passes; the probe asks for a run that does not exist', async () => {
		await withEmulator(async (emu) => {
			const result = await testCredentialLikeN8n('cozeAccessTokenApi', tokenData(emu.baseUrl, emu.token));
			assert.equal(result.status, 'OK', result.message);
			assert.deepEqual(
				emu.requests.map((r) => r.path),
				['/v1/workflows/0/run_histories/0'],
			);
		});
	});

	it('a wrong token fails with the region hint, and the token is not in the message', async () => {
		await withEmulator(async (emu) => {
			const result = await testCredentialLikeN8n('cozeAccessTokenApi', tokenData(emu.baseUrl, 'pat_not_a_real_token_canary_4411'));
			assert.equal(result.status, 'Error');
			assert.match(result.message, /did not accept the token \(HTTP 401\): it is wrong, has expired or was revoked/);
			assert.match(result.message, SWITCH_REGION);
			assert.doesNotMatch(result.message, /canary_4411/);
		});
	});

	it('a token of the other site fails with the hint to switch Region', async () => {
		await withEmulator(async (emu) => {
			const result = await testCredentialLikeN8n('cozeAccessTokenApi', tokenData(emu.baseUrl, emu.tokens.otherRegion));
			assert.equal(result.status, 'Error');
			assert.match(result.message, SWITCH_REGION);
		});
	});

	it('a revoked token fails', async () => {
		await withEmulator(async (emu) => {
			const result = await testCredentialLikeN8n('cozeAccessTokenApi', tokenData(emu.baseUrl, emu.tokens.revoked));
			assert.equal(result.status, 'Error');
			assert.match(result.message, /expired or was revoked/);
		});
	});

	it('a valid token without the listWorkspace permission passes: runs do not need it', async () => {
		await withEmulator(async (emu) => {
			const result = await testCredentialLikeN8n('cozeAccessTokenApi', tokenData(emu.baseUrl, emu.tokens.noWorkspaceScope));
			assert.equal(result.status, 'OK', result.message);
		});
	});

	it('a token without the permissions runs need fails with 4101 and says which', async () => {
		await withEmulator(async (emu) => {
			const result = await testCredentialLikeN8n('cozeAccessTokenApi', tokenData(emu.baseUrl, emu.tokens.noScope));
			assert.equal(result.status, 'Error');
			assert.match(result.message, /\(4101\): either it comes from the other Coze site, or it lacks the listRunHistory permission/);
		});
	});

	it('a host where nothing answers says so in words, with the URL, not as a bad token', async () => {
		const url = await closedPortUrl();
		const result = await testCredentialLikeN8n('cozeAccessTokenApi', tokenData(url, 'pat_whatever'));
		assert.equal(result.status, 'Error');
		assert.equal(result.message, `Nothing answers at ${url}: the connection was refused. Check Region and Base URL, and that this n8n can reach that address.`);
	});

	it('a host that answers but is not Coze fails with its HTTP status and names Base URL', async () => {
		const server = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not here</html>'));
		const url = await listen(server);
		try {
			const result = await testCredentialLikeN8n('cozeAccessTokenApi', tokenData(url, 'pat_whatever'));
			assert.equal(result.status, 'Error');
			assert.match(result.message, new RegExp(`^${url} answered HTTP 404, not as Coze's API does: check Region and Base URL`));
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('a Base URL that answers "endpoint does not exist" (HTTP 200, code 4000) fails and names Base URL', async () => {
		const server = createServer((req, res) =>
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 4000, msg: `The requested API endpoint GET ${req.url} does not exist` })),
		);
		const url = await listen(server);
		try {
			const result = await testCredentialLikeN8n('cozeAccessTokenApi', tokenData(`${url}/coze`, 'pat_whatever'));
			assert.equal(result.status, 'Error');
			assert.match(result.message, /does not serve Coze's API paths \(4000: The requested API endpoint GET \/coze\/v1\/workflows\/0\/run_histories\/0 does not exist\): check Base URL/);
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('a Base URL copied with /v1 works: the /v1 is dropped, for the test and for runs', async () => {
		await withEmulator(async (emu) => {
			const result = await testCredentialLikeN8n('cozeAccessTokenApi', tokenData(`${emu.baseUrl}/v1/`, emu.token));
			assert.equal(result.status, 'OK', result.message);
			const jwt = await testCredentialLikeN8n('cozeJwtApi', jwtCredentialData(emu, { baseUrl: `${emu.baseUrl}/v1` }));
			assert.equal(jwt.status, 'OK', jwt.message);
			const run = await runNode({ parameters: runParams(IDS.variablesOnly, { mode: 'sync' }), credentials: accessTokenCredentials(`${emu.baseUrl}/v1`, emu.token) });
			assert.equal(run.status, 'success', run.error?.message);
			assert.ok(emu.requests.every((r) => !r.path.startsWith('/v1/v1/')), 'no request went to /v1/v1/');
		});
	});

	it('an empty Base URL is refused by name, and the field is required', async () => {
		const result = await testCredentialLikeN8n('cozeAccessTokenApi', tokenData('', 'pat_whatever'));
		assert.equal(result.status, 'Error');
		assert.match(result.message, /^Base URL is empty/);
		for (const type of ['cozeAccessTokenApi', 'cozeJwtApi']) {
			assert.equal(credentialType(type).properties.find((p) => p.name === 'baseUrl')?.required, true, type);
		}
	});

	it('Coze Studio: a valid token passes, a wrong one fails', async () => {
		await withEmulator(
			async (emu) => {
				const studio = (token: string) => ({ accessToken: token, region: 'studio', studioUrl: emu.baseUrl, baseUrl: '' });
				const good = await testCredentialLikeN8n('cozeAccessTokenApi', studio(emu.token));
				assert.equal(good.status, 'OK', good.message);
				assert.ok(emu.requests.some((r) => r.path === '/v1/workflow/get_run_history'));
				const bad = await testCredentialLikeN8n('cozeAccessTokenApi', studio('pat_wrong'));
				assert.equal(bad.status, 'Error');
			},
			{ flavor: 'studio' },
		);
	});
});

describe('Coze credential test (OAuth JWT)', () => {
	const jwtData = jwtCredentialData;

	it('a working service app passes (JWT exchanged, then the token probed)', async () => {
		await withEmulator(async (emu) => {
			const result = await testCredentialLikeN8n('cozeJwtApi', jwtData(emu));
			assert.equal(result.status, 'OK', result.message);
			assert.equal(emu.issuedTokens(), 1);
		});
	});

	it('a private key of another app names the key fields', async () => {
		await withEmulator(async (emu) => {
			const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
			const result = await testCredentialLikeN8n('cozeJwtApi', jwtData(emu, { privateKey: other }));
			assert.equal(result.status, 'Error');
			assert.match(result.message, /Private Key|Public Key Fingerprint/);
		});
	});

	it('an unknown app ID names App ID', async () => {
		await withEmulator(async (emu) => {
			const result = await testCredentialLikeN8n('cozeJwtApi', jwtData(emu, { appId: '1111111111' }));
			assert.equal(result.status, 'Error');
			assert.match(result.message, /App ID/);
		});
	});

	it('a malformed key is refused before anything is sent', async () => {
		await withEmulator(async (emu) => {
			const result = await testCredentialLikeN8n('cozeJwtApi', jwtData(emu, { privateKey: '-----BEGIN PRIVATE KEY-----\nnope' }));
			assert.equal(result.status, 'Error');
			assert.match(result.message, /Private Key is not a valid RSA private key/);
			assert.equal(emu.requests.length, 0);
		});
	});
});

describe('Coze Workflow with a token of the other site', () => {
	it('a run fails with the hint to switch the region, and starts nothing', async () => {
		await withEmulator(async (emu) => {
			const result = await runNode({ parameters: runParams(IDS.variablesOnly), credentials: accessTokenCredentials(emu.baseUrl, emu.tokens.otherRegion) });
			assert.equal(result.status, 'error');
			assert.match(`${result.error?.message} ${result.error?.description}`, /switch the region in the credential/);
			assert.equal(emu.runsStarted(), 0);
		});
	});
});

describe('OpenClaw credential test (bare servers; the gateway itself is in test/openclaw)', () => {
	const SECRET = 'route-secret-0123456789abcdef';
	const data = (gatewayUrl: string, extra: ICredentialDataDecryptedObject = {}) => ({ gatewayUrl, routePath: 'plugins/webhooks/n8n', secret: SECRET, headerStyle: 'bearer', ...extra });

	it('nothing answering at the Gateway URL is said in words, with the URL and what to check', async () => {
		const url = await closedPortUrl();
		const result = await testCredentialLikeN8n('openClawWebhookApi', data(url));
		assert.deepEqual(result, { status: 'Error', message: `Nothing answers at ${url}: the connection was refused. Is the gateway running, and is Gateway URL right?` });
	});

	it('sends list_flows to the route with the secret as Header Style says; 401, 404 and 429 keep their messages', async () => {
		const seen: Array<{ url?: string; auth?: string; custom?: string; body: string }> = [];
		let status = 200;
		const server = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString()));
			req.on('end', () => {
				seen.push({ url: req.url, auth: req.headers.authorization, custom: req.headers['x-openclaw-webhook-secret'] as string | undefined, body });
				res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true,"flows":[]}');
			});
		});
		const url = await listen(server);
		try {
			assert.equal((await testCredentialLikeN8n('openClawWebhookApi', data(`${url}/`))).status, 'OK');
			assert.equal((await testCredentialLikeN8n('openClawWebhookApi', data(url, { headerStyle: 'header' }))).status, 'OK');
			assert.deepEqual(seen[0], { url: '/plugins/webhooks/n8n', auth: `Bearer ${SECRET}`, custom: undefined, body: '{"action":"list_flows"}' });
			assert.equal(seen[1].custom, SECRET);
			assert.equal(seen[1].auth, undefined);
			const messages: string[] = [];
			for (status of [401, 404, 429]) messages.push((await testCredentialLikeN8n('openClawWebhookApi', data(url))).message);
			assert.deepEqual(messages, [
				'The gateway refused the secret (401): check Secret, Header Style and Route Path.',
				'No webhook route answers at this path (404): check Gateway URL and Route Path, and that the route is enabled.',
				"The route's rate limit is used up (429: 120 requests per 60 s): try again in a minute.",
			]);
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	});
});
