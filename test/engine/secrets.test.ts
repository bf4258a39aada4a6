// Rule: secrets never appear in errors, logs, outputs or snapshots. Every failure case of the Coze
// credentials runs with canary secrets; the test then searches everything the run produced.
import { N8N_LOG_FILE } from './debug-logging';

import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { before, describe, it } from 'node:test';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { runNode, testCredentialLikeN8n, TestCredentialsHelper } from '../harness/engine';
import { captureLoggerLines, runSurfaces } from '../support/secret-surfaces';
import { IDS, jwtCredentialData, runParams, withEmulator } from './helpers';

const canary = (label: string) => `canary${label}${randomBytes(12).toString('hex')}`;

/** Log lines of n8n-workflow's logger proxy, captured from the first test on. */
let logLines: string[] = [];

const surfaces = runSurfaces;

/** Searchable fragments of a PEM key: each base64 line. */
function pemFragments(pem: string): string[] {
	return pem
		.split('\n')
		.filter((line) => line.length > 20 && !line.startsWith('-----'))
		.map((line) => line.slice(0, 24));
}

describe('secrets never leak from Coze credential failures', () => {
	const seen: string[] = [];
	const secrets: string[] = [];

	before(() => {
		logLines = captureLoggerLines();
	});

	function keep(label: string, text: string): void {
		seen.push(`### ${label}\n${text}`);
	}

	async function runBoth(label: string, parameters: Parameters<typeof runNode>[0]['parameters'], credentials: TestCredentialsHelper, types: string[]) {
		for (const continueOnFail of [false, true]) {
			const result = await runNode({ parameters, credentials, credentialTypes: types, continueOnFail });
			keep(`${label} continueOnFail=${continueOnFail}`, surfaces(result));
		}
	}

	it('access token: wrong, expired, other site, lacking scope, unreachable, broken stream, failing workflow', async () => {
		const validToken = `pat_${canary('valid')}`;
		const wrongToken = `pat_${canary('wrong')}`;
		secrets.push(validToken, wrongToken);
		await withEmulator(
			async (emu) => {
				const token = (value: string, baseUrl = emu.baseUrl) =>
					new TestCredentialsHelper({ cozeAccessTokenApi: { accessToken: value, region: 'custom', baseUrl, studioUrl: '' } });
				const cases: Array<[string, string, string?]> = [
					['wrong token', wrongToken],
					['revoked token', emu.tokens.revoked],
					['other-site token', emu.tokens.otherRegion],
					['token without run permission', emu.tokens.noScope],
					['unreachable host', validToken, 'http://127.0.0.1:9'],
				];
				secrets.push(emu.tokens.revoked, emu.tokens.otherRegion, emu.tokens.noScope, emu.tokens.noWorkspaceScope);
				for (const [label, value, baseUrl] of cases) {
					await runBoth(label, runParams(IDS.story, { parametersJson: '{"topic":"x"}' }), token(value, baseUrl), ['cozeAccessTokenApi']);
					const tested = await testCredentialLikeN8n('cozeAccessTokenApi', { accessToken: value, region: 'custom', baseUrl: baseUrl ?? emu.baseUrl });
					assert.equal(tested.status, 'Error', label);
					keep(`credential test: ${label}`, JSON.stringify(tested));
				}
				const scoped = await testCredentialLikeN8n('cozeAccessTokenApi', { accessToken: emu.tokens.noWorkspaceScope, region: 'custom', baseUrl: emu.baseUrl });
				keep('credential test: no listWorkspace', JSON.stringify(scoped));
				emu.setKnobs({ cutAfterEvents: 2 }, { times: 1 });
				await runBoth('stream cut', runParams(IDS.story, { parametersJson: '{"topic":"x"}' }), token(validToken), ['cozeAccessTokenApi']);
				await runBoth('failing workflow', runParams(IDS.failing), token(validToken), ['cozeAccessTokenApi']);
				emu.setKnobs({ httpStatus: 401 }, { times: 1 });
				await runBoth('401 from a proxy', runParams(IDS.story, { parametersJson: '{"topic":"x"}' }), token(validToken), ['cozeAccessTokenApi']);
			},
			{ token: validToken },
		);
	});

	it('OAuth JWT: wrong key, malformed key, unknown app, unreachable host, token renewed mid-run', async () => {
		await withEmulator(async (emu) => {
			const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
			const malformed = `-----BEGIN PRIVATE KEY-----\n${canary('pem')}\n-----END PRIVATE KEY-----`;
			secrets.push(...pemFragments(emu.jwtApp.privateKeyPem), ...pemFragments(otherKey), malformed.split('\n')[1]);
			const jwt = (overrides: ICredentialDataDecryptedObject = {}) => jwtCredentialData(emu, overrides);
			const params = { ...runParams(IDS.variablesOnly), authentication: 'jwt' };
			const cases: Array<[string, ICredentialDataDecryptedObject]> = [
				['key of another app', { privateKey: otherKey }],
				['malformed key', { privateKey: malformed }],
				['unknown app', { appId: '1234567890' }],
				['unreachable host', { baseUrl: 'http://127.0.0.1:9' }],
			];
			for (const [label, overrides] of cases) {
				await runBoth(`jwt ${label}`, params, new TestCredentialsHelper({ cozeJwtApi: jwt(overrides) }), ['cozeJwtApi']);
				const tested = await testCredentialLikeN8n('cozeJwtApi', jwt(overrides));
				assert.equal(tested.status, 'Error', label);
				keep(`jwt credential test: ${label}`, JSON.stringify(tested));
			}
			// A working app whose token expires: the issued tokens are secrets too.
			const credentials = new TestCredentialsHelper({ cozeJwtApi: jwt() });
			await runBoth('jwt first token', params, credentials, ['cozeJwtApi']);
			secrets.push(String(credentials.stored('cozeJwtApi').accessToken));
			emu.expireTokens();
			emu.setKnobs({ cutAfterEvents: 1 }, { times: 1 });
			await runBoth('jwt renewed, then a broken stream', params, credentials, ['cozeJwtApi']);
			secrets.push(String(credentials.stored('cozeJwtApi').accessToken));
			assert.ok(emu.issuedTokens() >= 2, 'the token was renewed');
		});
	});

	it('a proxy that echoes the request into its errors: the token, bare or as Bearer, in an envelope or a plain page', async () => {
		const token = `pat_${canary('echoed')}`;
		secrets.push(token);
		const echo = createServer((req, res) => {
			const auth = String(req.headers.authorization);
			if (req.url?.includes('plain')) return void res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream failed: ${auth}`);
			res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 4100, msg: `bad token ${auth.slice('Bearer '.length)} (${auth})` }));
		});
		await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
		const baseUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
		try {
			for (const path of ['', '/plain']) {
				const credentials = new TestCredentialsHelper({ cozeAccessTokenApi: { accessToken: token, region: 'custom', baseUrl: baseUrl + path, studioUrl: '' } });
				await runBoth(`echoing proxy ${path}`, runParams(IDS.variablesOnly, { mode: 'sync' }), credentials, ['cozeAccessTokenApi']);
			}
		} finally {
			await new Promise((resolve) => echo.close(resolve));
		}
	});

	it('none of the canaries appears anywhere', () => {
		if (existsSync(N8N_LOG_FILE)) logLines.push(...readFileSync(N8N_LOG_FILE, 'utf8').split('\n'));
		// The search must have material: outputs of every case, and n8n's own debug log lines.
		assert.ok(seen.length >= 20, `only ${seen.length} surfaces recorded`);
		assert.ok(logLines.some((line) => /debug/i.test(line)), 'n8n debug logging was captured');
		assert.ok(secrets.length >= 10 && secrets.every((s) => s.length >= 16), 'canaries are distinctive');
		const everything = [...seen, ...logLines].join('\n');
		for (const secret of secrets) {
			const at = everything.indexOf(secret);
			assert.equal(at, -1, `a secret leaked: …${everything.slice(Math.max(0, at - 200), at).replace(secret, '<SECRET>')}<SECRET>`);
		}
		// And the errors do say what went wrong (the search is not vacuous).
		assert.match(everything, /did not accept|rejected the access token|4100/);
		assert.match(everything, /Private Key/);
	});
});
