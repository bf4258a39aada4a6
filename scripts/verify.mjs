// n8n's verification, run locally: the strict `n8n-node lint` on the package source, and the two
// legs of @n8n/scan-community-package (the source, and the tarball `npm pack` makes). Only the
// provenance check of the scanner needs a real publish, so it is not run here.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache', 'verify');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const failures = [];
const step = (name) => console.log(`\n== ${name}`);

step('package.json has no runtime dependencies');
const runtimeDeps = Object.keys(pkg.dependencies ?? {});
if (runtimeDeps.length > 0) failures.push(`package.json has runtime dependencies: ${runtimeDeps.join(', ')}`);
else console.log('ok: no "dependencies"');
if (JSON.stringify(pkg.peerDependencies) !== JSON.stringify({ 'n8n-workflow': '*' })) {
	failures.push('peerDependencies must be exactly { "n8n-workflow": "*" }');
}

// `n8n-node lint` lints every .ts below the working directory with the strict cloud rules, which
// test code (timers, node:http, process) cannot meet; the published source is what it is for, so it
// runs on a copy of exactly that (the scanner's own source leg looks at the same files).
step('n8n-node lint (strict) on the package source');
const stage = join(cache, 'lint-source');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const entry of ['package.json', 'eslint.config.mjs', 'tsconfig.json', 'index.ts', 'nodes', 'credentials', 'icons']) {
	cpSync(join(root, entry), join(stage, entry), { recursive: true });
}
symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir');
try {
	execFileSync(join(root, 'node_modules/.bin/n8n-node'), ['lint'], { cwd: stage, stdio: 'inherit', env: { ...process.env, CI: 'true' } });
	console.log('ok: n8n-node lint passed');
} catch {
	failures.push('n8n-node lint failed (see above)');
}

step('scanner rules on the source');
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(
	join(root, 'node_modules/@n8n/scan-community-package/scanner/scanner.mjs')
);
const sourceResult = await analyzePackage(root, SOURCE_FILE_PATTERNS);
if (sourceResult.passed) console.log('ok: source leg passed');
else failures.push(`scanner source leg: ${sourceResult.message}\n${sourceResult.details ?? ''}`);

step('npm pack, then the scanner rules on the tarball');
const packDir = join(cache, 'pack');
rmSync(packDir, { recursive: true, force: true });
mkdirSync(packDir, { recursive: true });
const packOutput = execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: root, encoding: 'utf8' });
const packed = JSON.parse(packOutput.slice(packOutput.indexOf('[')))[0];
const extracted = join(packDir, 'package');
execFileSync('tar', ['-xzf', join(packDir, packed.filename), '-C', packDir]);
const files = packed.files.map((f) => f.path).sort();
console.log(`${packed.filename}: ${files.length} files, ${packed.size} bytes`);
for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
	if (!files.includes(file)) failures.push(`the tarball lacks ${file}, listed in package.json's n8n section`);
}
// npm always packs README files: the English README and its translations (README.zh-CN.md) are welcome.
const unexpected = files.filter((f) => !f.startsWith('dist/') && !/^README(\.[A-Za-z-]+)?\.md$/.test(f) && !['package.json', 'LICENSE', 'LICENSE.md'].includes(f));
if (unexpected.length) failures.push(`the tarball holds files outside dist/: ${unexpected.join(', ')}`);
const nodeBundle = readFileSync(join(extracted, pkg.n8n.nodes[0]), 'utf8');
if (!/createParser/.test(nodeBundle)) failures.push('the node bundle does not contain the SSE parser (eventsource-parser)');
else console.log('ok: eventsource-parser is bundled into', pkg.n8n.nodes[0]);
const packedPkg = JSON.parse(readFileSync(join(extracted, 'package.json'), 'utf8'));
if (Object.keys(packedPkg.dependencies ?? {}).length) failures.push('the packed package.json has runtime dependencies');
const distResult = await analyzePackage(extracted, ['**/*.js', 'package.json']);
if (distResult.passed) console.log('ok: tarball leg passed');
else failures.push(`scanner tarball leg: ${distResult.message}\n${distResult.details ?? ''}`);

// Every node and credential must load in plain Node with only n8n-workflow beside it.
step('the bundles load');
for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
	try {
		const mod = await import(join(extracted, file));
		if (Object.keys(mod).length === 0) throw new Error('exports nothing');
	} catch (error) {
		failures.push(`${file} does not load: ${error.message}`);
	}
}
if (!failures.some((f) => f.includes('does not load'))) console.log(`ok: ${pkg.n8n.nodes.length + pkg.n8n.credentials.length} bundles load`);


if (failures.length) {
	console.error(`\nverify FAILED:\n- ${failures.join('\n- ')}`);
	process.exit(1);
}
console.log('\nverify passed');
