// Child process of figure 7: streams the 100 MB run once (engine or floor) and prints its peak RSS.
import { readFileSync } from 'node:fs';

import { BENCH_IDS, engineRun, floorStream, streamParams } from './support';

function vmHwmBytes(): number {
	const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
	return match ? Number(match[1]) * 1024 : NaN;
}

async function main(): Promise<void> {
	const [mode, baseUrl, token] = process.argv.slice(2);
	if (!mode || !baseUrl || !token) throw new Error('usage: rss-child.ts engine|floor <baseUrl> <token>');
	const target = { baseUrl, token };
	const before = vmHwmBytes();
	let outputBytes: number;
	if (mode === 'engine') {
		const result = await engineRun(target, streamParams(BENCH_IDS.big100MB));
		const output = result.items[0]?.json.output;
		outputBytes = Buffer.byteLength(typeof output === 'string' ? output : JSON.stringify(output));
	} else {
		outputBytes = Buffer.byteLength((await floorStream(target, BENCH_IDS.big100MB)).text);
	}
	process.stdout.write(`${JSON.stringify({ before, peak: vmHwmBytes(), outputBytes })}\n`);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
		process.exit(1);
	},
);
