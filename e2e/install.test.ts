// Self-test of the e2e installs: both n8n lines (minutes on a cold cache), Redis and PostgreSQL.
// Run: node --import tsx --test e2e/install.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAlive } from '../test/support/cache';
import { ensureN8n, type N8nLine } from './install';
import { ensurePostgres, startPostgres } from './postgres';
import { ensureRedis, ping, startRedis } from './redis';

const log = (line: string) => console.log(`  ${line}`);
const INSTALL_TIMEOUT_MS = 30 * 60_000;

for (const [line, version, nodeMajor] of [
	['v2', '2.41.1', 24],
	['v1', '1.123.81', Number(process.versions.node.split('.')[0])],
] as Array<[N8nLine, string, number]>) {
	test(`n8n ${line} installs from e2e/n8n-${line}/package-lock.json and reports ${version}`, { timeout: INSTALL_TIMEOUT_MS }, async () => {
		const install = await ensureN8n(line, { log });
		assert.equal(install.line, line);
		assert.equal(install.version, version);
		assert.ok(existsSync(install.n8nBin), install.n8nBin);
		assert.equal(install.dir, join(__dirname, '..', '.cache', `n8n-${line}`));
		const declared = JSON.parse(readFileSync(join(install.dir, 'node_modules', 'n8n', 'package.json'), 'utf8')) as { version: string };
		assert.equal(declared.version, version);
		if (line === 'v1') assert.equal(install.nodeBin, process.execPath);
		const nodeVersion = execFileSync(install.nodeBin, ['--version'], { encoding: 'utf8' }).trim();
		assert.equal(Number(nodeVersion.slice(1).split('.')[0]), nodeMajor, nodeVersion);
		// The native addon n8n's sqlite driver needs was built for that Node.
		execFileSync(install.nodeBin, ['-e', `require(${JSON.stringify(join(install.dir, 'node_modules', 'sqlite3'))})`], { stdio: 'pipe' });
		// A second call finds the marker and does not reinstall.
		const t0 = Date.now();
		assert.deepEqual(await ensureN8n(line), install);
		log(`${line}: warm ensureN8n took ${Date.now() - t0} ms`);
	});
}

test('Redis from Debian packages answers PING and stops', { timeout: 5 * 60_000 }, async () => {
	const { redisServerBin } = await ensureRedis({ log });
	assert.ok(existsSync(redisServerBin), redisServerBin);
	const redis = await startRedis({ log });
	try {
		assert.equal(redis.url, `redis://127.0.0.1:${redis.port}`);
		assert.equal(await ping(redis.port), '+PONG');
	} finally {
		await redis.stop();
	}
	assert.equal(isAlive(redis.pid), false);
	await assert.rejects(ping(redis.port));
	await redis.stop(); // idempotent
});

test('PostgreSQL from Debian packages: a fresh cluster accepts connections, and stop removes it', { timeout: 5 * 60_000 }, async () => {
	const { binDir } = await ensurePostgres({ log });
	assert.ok(existsSync(join(binDir, 'initdb')), binDir);
	const postgres = await startPostgres({ log });
	try {
		assert.equal(isAlive(postgres.pid), true);
		await new Promise<void>((resolve, reject) => {
			const socket = connect({ port: postgres.port, host: postgres.host }, () => {
				socket.end();
				resolve();
			});
			socket.once('error', reject);
		});
	} finally {
		await postgres.stop();
	}
	assert.equal(isAlive(postgres.pid), false);
	await postgres.stop(); // idempotent
});
