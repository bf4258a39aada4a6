// npm test: builds the package (the engine tests run the built bundles, as n8n would), then runs
// every unit, emulator, engine, fault-matrix and OpenClaw test with Node's test runner. Extra
// arguments select files. The OpenClaw tests (test/openclaw/) share one real gateway (about 1 GB,
// 15 s to start), started here before the test processes and stopped by PID after them. The
// OpenClaw fault matrix (test/faults/openclaw/) starts a gateway of its own, which it stops and
// kills, so selecting it alone starts no shared one.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suites = ['test/unit', 'test/emulator', 'test/engine', 'test/faults', 'test/openclaw'];

function testFiles(dir) {
	const out = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) out.push(...testFiles(path));
		else if (name.endsWith('.test.ts')) out.push(relative(root, path));
	}
	return out.sort();
}

execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
// tsx runs the tests without checking types; the test code is checked here.
const typecheck = ['test/tsconfig.json', 'e2e/tsconfig.json', 'bench/tsconfig.json']
	.map((project) => spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, project)], { cwd: root, stdio: 'inherit' }))
	.find((result) => result.status !== 0) ?? { status: 0 };
if (typecheck.status !== 0) {
	console.error('npm test: type errors in the test code (above)');
	process.exit(1);
}
const selected = process.argv.slice(2);
const files = selected.length ? selected : suites.flatMap((suite) => testFiles(join(root, suite)));
let gateway;
let gatewayEnv = {};
if (files.some((file) => file.replace(/\\/g, '/').includes('test/openclaw/'))) {
	const { tsImport } = await import('tsx/esm/api');
	const { startSharedGateway, SUITE_ROUTE_IDS } = await tsImport('../test/openclaw/shared-gateway.ts', import.meta.url);
	const started = Date.now();
	console.log('npm test: starting a real OpenClaw gateway for the OpenClaw tests (installs openclaw on first use)');
	({ gateway, env: gatewayEnv } = await startSharedGateway(SUITE_ROUTE_IDS, { log: (line) => console.log(`  ${line}`) }));
	console.log(`npm test: gateway pid ${gateway.pid} ready at ${gateway.baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
let status = 1;
try {
	// Asynchronous, so that this process stays responsive to signals and can stop the gateway.
	// The preload fails a test file whose process is kept alive by an open handle after its tests end
	// (Node's runner would wait for it forever).
	const preload = ['--import', 'tsx', '--import', './test/support/no-open-handles.ts'];
	const child = spawn(process.execPath, [...preload, '--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, ...gatewayEnv, NODE_NO_WARNINGS: '1' },
	});
	status = await new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
} finally {
	if (gateway) await gateway.stop();
}
process.exit(status);
