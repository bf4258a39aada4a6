// Builds what n8n loads: one CommonJS bundle per node and credential (eventsource-parser inlined,
// n8n-workflow left to n8n), plus icons and codex files. Type-checks first.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');

try {
	execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
		stdio: 'inherit',
	});
} catch {
	console.error('build failed: type errors (above)');
	process.exit(1);
}

rmSync(dist, { recursive: true, force: true });
const entries = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map((out) => ({
	in: join(root, out.replace(/^dist\//, '').replace(/\.js$/, '.ts')),
	out: join(root, out.replace(/\.js$/, '')),
}));

await build({
	entryPoints: entries,
	outdir: root,
	bundle: true,
	platform: 'node',
	format: 'cjs',
	// n8n 1.123 runs on Node 20; nothing newer may appear in the output.
	target: 'node20',
	external: ['n8n-workflow'],
	// The community-node scanner rejects any require() but n8n-workflow's and crypto's.
	logLevel: 'warning',
	legalComments: 'inline',
	charset: 'utf8',
});

// Codex files sit next to their node; icons are referenced relative to the compiled files.
for (const node of pkg.n8n.nodes) {
	const codex = node.replace(/^dist\//, '').replace(/\.js$/, '.json');
	cpSync(join(root, codex), join(root, node.replace(/\.js$/, '.json')));
}
mkdirSync(join(dist, 'icons'), { recursive: true });
cpSync(join(root, 'icons'), join(dist, 'icons'), { recursive: true });
console.log(`built ${entries.length} entries into dist/`);
