// npm test: builds the package (the engine tests run the built bundles, as n8n would), then runs
// every unit, emulator and engine test with Node's test runner. Extra arguments select files.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suites = ['test/unit', 'test/emulator', 'test/engine'];

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
const typecheck = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'test/tsconfig.json')], {
	cwd: root,
	stdio: 'inherit',
});
if (typecheck.status !== 0) {
	console.error('npm test: type errors in the test code (above)');
	process.exit(1);
}
const selected = process.argv.slice(2);
const files = selected.length ? selected : suites.flatMap((suite) => testFiles(join(root, suite)));
const result = spawnSync(
	process.execPath,
	['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
	{ cwd: root, stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
);
process.exit(result.status ?? 1);
