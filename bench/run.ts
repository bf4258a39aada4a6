// npm run bench: every benchmark figure (the table in README.md), each the median of at least 5 runs with its ratio to
// a baseline measured in this same process run. Prints the machine, each figure as it completes,
// and a table at the end, which is also written to bench/results.md.
// Select figures with their numbers: `node --import tsx bench/run.ts 1 3`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { benchConcurrency } from './concurrency';
import { benchLineRss } from './line-rss';
import { benchSseDecode } from './sse-decode';
import { benchNetwork } from './network';
import { benchPolling } from './polling';
import { benchRss } from './rss';
import { figureSteps, fmt, log, machine, now, resultsMarkdown, runBench } from './lib';

async function main(): Promise<void> {
	const selected = new Set(process.argv.slice(2).map(Number).filter((n) => n >= 1 && n <= 9));
	const which = selected.size ? selected : new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]);
	const started = now();
	const desc = machine();
	log(`Machine: ${desc}`);
	const { results, failures, step } = figureSteps();
	if (which.has(1)) await step('SSE decode', benchSseDecode);
	if (which.has(2) || which.has(3) || which.has(4) || which.has(8)) await step('network', () => benchNetwork(which));
	if (which.has(5)) await step('concurrency', benchConcurrency);
	if (which.has(6)) await step('polling', benchPolling);
	if (which.has(7)) await step('peak RSS', benchRss);
	if (which.has(9)) await step('peak RSS, endless line', benchLineRss);
	const seconds = (now() - started) / 1000;
	const md = resultsMarkdown(`Machine: ${desc}. Date: ${new Date().toISOString().slice(0, 10)}. Bench runtime: ${fmt(seconds, 0)} s.`, results, failures);
	log('\nResults\n');
	log(md);
	if (which.size === 9) {
		writeFileSync(join(__dirname, 'results.md'), `# Benchmark results\n\nProduced by \`npm run bench\` (bench/run.ts).\n\n${md}\n`);
		log('\nWritten to bench/results.md');
	}
	process.exitCode = failures.length ? 1 : 0;
}

runBench(main);
