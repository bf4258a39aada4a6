// Figure 7: peak RSS of a process streaming a 100 MB output through the engine (VmHWM of a child
// process; the emulator runs in this process so its memory is not counted), against the floor
// client doing the same in a child of its own.
import { execFile } from 'node:child_process';

import { startEmulator } from '../test/emulator';
import { bigScenario } from './support';
import { bundleChild, fmt, log, median, report, type FigureResult } from './lib';

const OUTPUT_BYTES = 100 * 1024 * 1024;
const MiB = 1024 * 1024;

function child(bundle: string, mode: 'engine' | 'floor', baseUrl: string, token: string): Promise<{ before: number; peak: number; outputBytes: number }> {
	return new Promise((resolve, reject) => {
		execFile(
			process.execPath,
			[bundle, mode, baseUrl, token],
			{ maxBuffer: 1024 * 1024, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
			(error, stdout, stderr) => {
				if (error) return reject(new Error(`${mode} child failed: ${stderr || error.message}`));
				const line = stdout.trim().split('\n').at(-1) ?? '';
				resolve(JSON.parse(line) as { before: number; peak: number; outputBytes: number });
			},
		);
	});
}

export async function benchRss(): Promise<FigureResult> {
	log('\n[7] Peak RSS while streaming a 100 MB output (child process VmHWM)');
	const RUNS = 5;
	const bundle = bundleChild('rss-child');
	const emu = await startEmulator({ timeScale: 0.001, scenarios: [bigScenario(OUTPUT_BYTES)] });
	const engine: number[] = [];
	const floor: number[] = [];
	let outputBytes = 0;
	let before = 0;
	const growth: number[] = [];
	try {
		for (let r = 0; r < RUNS; r++) {
			const e = await child(bundle, 'engine', emu.baseUrl, emu.token);
			const f = await child(bundle, 'floor', emu.baseUrl, emu.token);
			if (f.outputBytes !== e.outputBytes) throw new Error(`output sizes differ: engine ${e.outputBytes}, floor ${f.outputBytes}`);
			outputBytes = e.outputBytes;
			before = e.before;
			engine.push(e.peak);
			growth.push(e.peak - e.before);
			floor.push(f.peak);
			log(`    run ${r + 1}: engine peak ${fmt(e.peak / MiB, 0)} MiB (${fmt(e.before / MiB, 0)} MiB before the run), floor peak ${fmt(f.peak / MiB, 0)} MiB`);
		}
	} finally {
		await emu.close();
	}
	const ratio = median(engine) / outputBytes;
	return report({
		name: 'Peak RSS, 100 MB streamed output',
		value: `${fmt(median(engine) / MiB, 0)} MiB (${fmt(ratio)}× output)`,
		baseline: `floor ${fmt(median(floor) / MiB, 0)} MiB (${fmt(median(floor) / outputBytes)}× output)`,
		ratio: `${fmt(median(engine) / median(floor))}× floor`,
		target: '≤ 3× output size',
		met: ratio <= 3,
		notes: `median of ${RUNS} runs; output ${fmt(outputBytes / MiB, 1)} MiB of UTF-8 CJK text (End node answer, 64 KiB chunks); peak is the whole process (Node + n8n-core, plain JavaScript, ≈ ${fmt(before / MiB, 0)} MiB before the run; the floor child loads the same modules); growth during the run: ${fmt(median(growth) / MiB, 0)} MiB (${fmt(median(growth) / outputBytes)}× output)`,
	});
}
