// The rules `npm run verify` adds for n8n's coming community-node checks (scripts/verify-rules.mjs):
// each one is run on a temporary folder with a planted violation, which it must report with file
// and line, and on clean input, which it must pass.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

interface Finding {
	file: string;
	line: number;
	message: string;
}
interface Scan {
	scanned: number;
	findings: Finding[];
}
/** The exports of scripts/verify-rules.mjs (plain JavaScript, so typed here). */
interface VerifyRules {
	itemErrorsWithoutItemIndex(folder: string): Scan;
	reservedCategories(folder: string): Scan;
	apiVersionFindings(folder: string): Scan;
	dynamicCode(folder: string): Scan;
}

const root = join(__dirname, '../..');
let rules: VerifyRules;
let temp: string;

function write(relativePath: string, text: string): string {
	const path = join(temp, relativePath);
	mkdirSync(dirname(path), { recursive: true });
	writeFileSync(path, text);
	return path;
}

/** A fresh folder below the temporary one, holding the given files. */
function folder(name: string, files: Record<string, string>): string {
	for (const [path, text] of Object.entries(files)) write(join(name, path), text);
	return join(temp, name);
}

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

before(async () => {
	// A computed specifier: the test project does not type-check JavaScript, the interface above does.
	const specifier = pathToFileURL(join(root, 'scripts/verify-rules.mjs')).href;
	rules = (await import(specifier)) as VerifyRules;
	temp = mkdtempSync(join(tmpdir(), 'verify-rules-'));
});
after(() => rmSync(temp, { recursive: true, force: true }));

describe('NodeOperationError about an item carries { itemIndex }', () => {
	it('passes the package source', () => {
		const { scanned, findings } = rules.itemErrorsWithoutItemIndex(join(root, 'nodes'));
		assert.ok(scanned > 10);
		assert.deepEqual(findings, []);
	});

	it('reports an error planted in the per-item callback of the Coze Workflow router', () => {
		const original = readFileSync(join(root, 'nodes/Coze/actions/router.ts'), 'utf8');
		const anchor = 'runCozeItems(this, operation, async (itemIndex, connection) => {';
		assert.ok(original.includes(anchor), 'the per-item callback has moved: update the plant');
		const planted = original.replace(anchor, `${anchor}\n\t\t\tthrow new NodeOperationError(this.getNode(), 'x');`);
		const file = write('item-plant/Coze/actions/router.ts', planted);
		const { findings } = rules.itemErrorsWithoutItemIndex(join(temp, 'item-plant'));
		assert.equal(findings.length, 1);
		assert.equal(findings[0]!.file, file);
		assert.equal(findings[0]!.line, lineOf(planted, "'x'"));
		assert.match(findings[0]!.message, /parameter "itemIndex".*pass \{ itemIndex \} as its third argument/);
	});

	it('tells loops, per-element callbacks and item parameters from node-wide code', () => {
		const text = [
			"import { NodeOperationError } from 'n8n-workflow';",
			'class Node {',
			'\tasync execute(this: IExecuteFunctions) {',
			"\t\tif (bad) throw new NodeOperationError(this.getNode(), 'node-wide, before the loop');",
			'\t\tfor (let n = 0; n < items.length; n++) {',
			"\t\t\tthrow new NodeOperationError(this.getNode(), 'LOOP');",
			'\t\t}',
			"\t\titems.forEach(() => { throw new NodeOperationError(this.getNode(), 'FOREACH', { ...options }); });",
			"\t\titems.map((item, i) => new NodeOperationError(this.getNode(), 'PARAM-I'));",
			"\t\tfor (const item of items) throw new NodeOperationError(this.getNode(), 'ok', { itemIndex: 0, description: 'd' });",
			"\t\tfor (const item of items) throw new NodeOperationError(this.getNode(), 'ok', { ...options, itemIndex });",
			'\t}',
			'\tasync webhook(this: IWebhookFunctions) {',
			"\t\tfor (const name of ['a', 'b']) throw new NodeOperationError(this.getNode(), 'a webhook has no items');",
			'\t}',
			'}',
			"export const build = (node: INode, itemIndex: number) => new NodeOperationError(node, 'HELPER');",
			"export function settings(context: IWebhookFunctions) { for (const h of ['a']) throw new NodeOperationError(context.getNode(), 'a webhook helper has no items'); }",
		].join('\n');
		write('item-shapes/x.ts', text);
		write('item-shapes/x.test.ts', "for (;;) new NodeOperationError(node, 'tests are not package source');");
		const { scanned, findings } = rules.itemErrorsWithoutItemIndex(join(temp, 'item-shapes'));
		assert.equal(scanned, 1);
		assert.deepEqual(
			findings.map((f) => f.line),
			['LOOP', 'FOREACH', 'PARAM-I', 'HELPER'].map((marker) => lineOf(text, marker)),
		);
		assert.match(findings[0]!.message, /for loop/);
		assert.match(findings[1]!.message, /\.forEach callback/);
		assert.match(findings[2]!.message, /pass \{ itemIndex: i \}/);
	});
});

describe('no "AI" codex category', () => {
	const codex = (categories: string[]) => JSON.stringify({ node: 'x', categories }, null, '\t');

	it('reports "AI" in a planted codex file, and passes the package and clean codex files', () => {
		assert.deepEqual(rules.reservedCategories(join(root, 'nodes')).findings, []);
		const dir = folder('codex', {
			'nodes/A/A.node.json': codex(['Development', 'AI']),
			'dist/nodes/B/B.node.json': codex(['AI']),
			'nodes/C/C.node.json': codex(['Development', 'Productivity']),
			'nodes/C/other.json': codex(['AI']),
		});
		const { scanned, findings } = rules.reservedCategories(dir);
		assert.equal(scanned, 3);
		assert.deepEqual(
			findings.map((f) => [f.file, f.line]),
			[
				[join(dir, 'dist/nodes/B/B.node.json'), 3],
				[join(dir, 'nodes/A/A.node.json'), 3],
			],
		);
		assert.match(findings[0]!.message, /reserves/);
	});
});

describe('n8nNodesApiVersion is a number', () => {
	const pkg = (version: unknown) =>
		JSON.stringify({ name: 'x', n8n: version === undefined ? {} : { n8nNodesApiVersion: version, nodes: [] } }, null, 2);

	it('passes the number 1, in a planted package and in the package itself', () => {
		assert.deepEqual(rules.apiVersionFindings(root).findings, []);
		assert.deepEqual(rules.apiVersionFindings(folder('api-ok', { 'package.json': pkg(1) })).findings, []);
	});

	for (const bad of ['1', 0, 1.5, -1, undefined]) {
		it(`reports ${JSON.stringify(bad) ?? 'a missing version'}`, () => {
			const dir = folder(`api-${String(bad)}`, { 'package.json': pkg(bad) });
			const { findings } = rules.apiVersionFindings(dir);
			assert.equal(findings.length, 1);
			assert.equal(findings[0]!.file, join(dir, 'package.json'));
			assert.equal(findings[0]!.line, bad === undefined ? 1 : 4);
			assert.match(findings[0]!.message, /must be a positive integer of JSON type number/);
		});
	}

	it('says to drop the quotes from "1"', () => {
		const { findings } = rules.apiVersionFindings(folder('api-quoted', { 'package.json': pkg('1') }));
		assert.match(findings[0]!.message, /"1" \(a JSON string\).*write 1 without quotes/);
	});
});

describe('no dynamic code evaluation in the bundles', () => {
	it('reports eval, the Function constructor and node:vm, each on its line', () => {
		const planted = [
			"eval('1');",
			"globalThis.eval('1');",
			"(0, eval)('1');",
			"window['eval']('1');",
			"new Function('return 1');",
			"Function('return 1')();",
			"const vm = require('vm');",
			"const vm2 = require('node:vm');",
			"import_node_vm.runInNewContext('1', {});",
			"import('node:vm');",
		];
		const dir = folder('dynamic-bad', { 'dist/nodes/x.node.js': planted.join('\n'), 'dist/y.mjs': "import vm from 'vm';" });
		const { scanned, findings } = rules.dynamicCode(dir);
		assert.equal(scanned, 2);
		assert.deepEqual(
			findings.map((f) => `${f.file.slice(dir.length + 1)}:${f.line}`),
			[...planted.map((_, index) => `dist/nodes/x.node.js:${index + 1}`), 'dist/y.mjs:1'],
		);
		assert.match(findings[0]!.message, /eval\(\) runs a string as code/);
		assert.match(findings[4]!.message, /new Function/);
	});

	it('passes names that only look alike, and the words in strings and comments', () => {
		const clean = [
			'evaluate(expression);',
			'this.evaluateExpression("eval(x)", 0);',
			'parser.eval(tree);',
			'// eval(\'1\') and new Function() in a comment',
			'const text = "new Function(\'x\')";',
			'const fn = function named() {};',
			"require('n8n-workflow');",
			'class Functional {}',
		].join('\n');
		const { scanned, findings } = rules.dynamicCode(folder('dynamic-clean', { 'dist/a.js': clean, 'dist/b.json': 'eval(1)' }));
		assert.equal(scanned, 1);
		assert.deepEqual(findings, []);
	});

	it('passes the built bundles, when built', (t) => {
		const dist = join(root, 'dist');
		if (!existsSync(dist)) {
			t.skip('dist/ is not built');
			return;
		}
		const { scanned, findings } = rules.dynamicCode(dist);
		assert.ok(scanned >= 8, `scanned ${scanned} files`);
		assert.deepEqual(findings, []);
	});
});
