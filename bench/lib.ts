// Shared helpers of the benchmarks: statistics, the result row every figure returns, formatting.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { buildSync } from 'esbuild';

export interface FigureResult {
	/** Short name of the figure. */
	name: string;
	/** The measured value as printed (median unless said otherwise). */
	value: string;
	/** The baseline it is compared with, as printed. */
	baseline: string;
	/** value / baseline (or the difference, for additive targets), as printed. */
	ratio: string;
	target: string;
	/** undefined: not measured. */
	met: boolean | undefined;
	/** Extra facts (runs, spread, other comparisons, reasons). */
	notes: string;
}

export function median(values: number[]): number {
	return percentile(values, 50);
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function now(): number {
	return performance.now();
}

export function fmt(n: number, digits = 2): string {
	return Number.isFinite(n) ? n.toFixed(digits) : String(n);
}

export function log(line: string): void {
	process.stdout.write(`${line}\n`);
}

/** Prints one figure as soon as it is known. */
export function report(result: FigureResult): FigureResult {
	const verdict = result.met === undefined ? 'NOT MEASURED' : result.met ? 'MET' : 'NOT MET';
	log(`  => ${result.name}: ${result.value} vs baseline ${result.baseline} (ratio ${result.ratio}); target ${result.target}: ${verdict}`);
	if (result.notes) log(`     ${result.notes}`);
	return result;
}

/** Deterministic PRNG (mulberry32). */
export function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function table(results: FigureResult[]): string {
	const header = ['#', 'Figure', 'Measured', 'Baseline', 'Ratio', 'Target', 'Met'];
	const rows = results.map((r, i) => [
		String(i + 1),
		r.name,
		r.value,
		r.baseline,
		r.ratio,
		r.target,
		r.met === undefined ? 'not measured' : r.met ? 'yes' : 'NO',
	]);
	const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Bundles a child process's script, bench/<name>.ts, to .cache/bench/<name>.cjs and returns its path.
 * The child runs as plain JavaScript, as n8n runs the package: tsx's loader alone adds ~50 MiB to a
 * process. Under `.cache/bench/` the harness's `../../dist` still names the package's build;
 * node_modules stay external.
 */
export function bundleChild(name: string): string {
	const outfile = join(__dirname, '..', '.cache', 'bench', `${name}.cjs`);
	buildSync({
		entryPoints: [join(__dirname, `${name}.ts`)],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		packages: 'external',
		logLevel: 'warning',
	});
	return outfile;
}

/** The CPU, its cores and the Node running the bench. */
export function machine(): string {
	let model = cpus()[0]?.model ?? 'unknown CPU';
	try {
		model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
	} catch {}
	return `${model}, ${cpus().length} cores, Node ${process.version}, ${process.platform}/${process.arch}`;
}

/** The results as a results file shows them: a first line, the table, each figure's notes, what failed. */
export function resultsMarkdown(firstLine: string, results: FigureResult[], failures: string[]): string {
	return [
		firstLine,
		'',
		table(results),
		'',
		...results.map((r, i) => `${i + 1}. ${r.name}: ${r.notes}`),
		...failures.map((f) => `- FAILED: ${f}`),
	].join('\n');
}

/** Collects figures; a figure that throws is noted as failed and the others still run. */
export function figureSteps(onFailure: (label: string) => string = () => '') {
	const results: FigureResult[] = [];
	const failures: string[] = [];
	const step = async (label: string, fn: () => Promise<FigureResult | FigureResult[]>): Promise<void> => {
		try {
			const out = await fn();
			results.push(...(Array.isArray(out) ? out : [out]));
		} catch (error) {
			failures.push(`${label}: ${(error as Error).message}`);
			log(`  !! ${label} failed: ${(error as Error).stack ?? String(error)}${onFailure(label)}`);
		}
	};
	return { results, failures, step };
}

/** Runs a bench's main and exits with its exit code (open handles such as pools must not hold the process). */
export function runBench(main: () => Promise<void>): void {
	main().then(
		() => process.exit(process.exitCode ?? 0),
		(error: unknown) => {
			console.error(error);
			process.exit(1);
		},
	);
}
