// n8n's verification, run locally: the strict `n8n-node lint` on the package source, and the two
// legs of @n8n/scan-community-package (the source, and the tarball `npm pack` makes). Only the
// provenance check of the scanner needs a real publish, so it is not run here.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiVersionFindings, dynamicCode, itemErrorsWithoutItemIndex, reservedCategories } from './verify-rules.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache', 'verify');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const failures = [];
const step = (name) => console.log(`\n== ${name}`);
/** Prints and records a rule's findings (paths relative to base), or prints `ok`. */
function report({ scanned, findings }, base, ok) {
	for (const { file, line, message } of findings) {
		const failure = `${relative(base, file)}:${line}: ${message}`;
		console.log(`FAIL: ${failure}`);
		failures.push(failure);
	}
	if (findings.length === 0) console.log(`ok: ${ok(scanned)}`);
}

step('package.json has no runtime dependencies');
const runtimeDeps = Object.keys(pkg.dependencies ?? {});
if (runtimeDeps.length > 0) failures.push(`package.json has runtime dependencies: ${runtimeDeps.join(', ')}`);
else console.log('ok: no "dependencies"');
if (JSON.stringify(pkg.peerDependencies) !== JSON.stringify({ 'n8n-workflow': '*' })) {
	failures.push('peerDependencies must be exactly { "n8n-workflow": "*" }');
}

// n8n's source enforces these for community nodes already; the released lint and scanner (0.32.0)
// do not yet, so a package that passes them today could be refused by the next release.
step('coming n8n rules on the source');
report(itemErrorsWithoutItemIndex(join(root, 'nodes')), root, (n) => `every NodeOperationError about an item carries { itemIndex } (${n} files under nodes/)`);
report(reservedCategories(join(root, 'nodes')), root, (n) => `no codex file claims the "AI" category (${n} *.node.json under nodes/)`);
report(apiVersionFindings(root), root, () => `n8n.n8nNodesApiVersion is the number ${pkg.n8n?.n8nNodesApiVersion}`);

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

// The same rules on what n8n installs, plus the scanner's coming malware rule: no code evaluated at run time.
step('coming n8n rules on the tarball');
report(reservedCategories(extracted), packDir, (n) => `no codex file claims the "AI" category (${n} *.node.json in the tarball)`);
report(apiVersionFindings(extracted), packDir, () => `the packed n8n.n8nNodesApiVersion is the number ${packedPkg.n8n?.n8nNodesApiVersion}`);
report(dynamicCode(extracted), packDir, (n) => `no eval, Function constructor or node:vm in the ${n} .js files of the tarball`);

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
