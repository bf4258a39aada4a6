// Figure 11 (group 9): peak RSS of a child process that offers the stream decoder one 200 MB line without a line
// end, with Max Event Size 16 MiB, against a baseline child that drops the same chunks unread, and a
// child whose limit (512 MiB) lets it hold the whole line. The decoder may hold at most the limit
// plus a constant; a run fails only the figure's target, never by time.
import { execFile } from 'node:child_process';

import { bundleChild, fmt, log, median, report, type FigureResult } from './lib';

const MiB = 1024 * 1024;
const LINE_BYTES = 200 * MiB;
const BOUNDED_LIMIT = 16 * MiB;
/** The most Max Event Size allows: the whole line is held. */
const UNBOUNDED_LIMIT = 512 * MiB;
/**
 * What the process may hold beyond the limit: the decoder's text is made in V8's young generation
 * (two semispaces of up to 16 MiB on 64-bit) before it is promoted, which the baseline never fills.
 */
const CONSTANT = 32 * MiB;
/** A second limit, to show that the growth follows the limit, not the line. */
const SECOND_LIMIT = 64 * MiB;

interface ChildResult {
	before: number;
	peak: number;
	offered: number;
	refusedAt: number | null;
	refusals: number;
}

function child(bundle: string, mode: string, limit: number): Promise<ChildResult> {
	return new Promise((resolve, reject) => {
		execFile(process.execPath, [bundle, String(LINE_BYTES), String(limit)], { maxBuffer: 1024 * 1024, env: { ...process.env, NODE_NO_WARNINGS: '1' } }, (error, stdout, stderr) => {
			if (error) return reject(new Error(`${mode} child failed: ${stderr || error.message}`));
			resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ChildResult);
		});
	});
}

export async function benchLineRss(): Promise<FigureResult> {
	log(`\n[9] Peak RSS, one ${LINE_BYTES / MiB} MB line without an end through the decoder (Max Event Size ${BOUNDED_LIMIT / MiB} MiB)`);
	const RUNS = 5;
	const bundle = bundleChild('line-rss-child');
	const bounded: number[] = [];
	const unbounded: number[] = [];
	const second: number[] = [];
	const baseline: number[] = [];
	let refusedAt = 0;
	for (let r = 0; r < RUNS; r++) {
		const b = await child(bundle, 'bounded', BOUNDED_LIMIT);
		const u = await child(bundle, 'unbounded', UNBOUNDED_LIMIT);
		const s = await child(bundle, 'second', SECOND_LIMIT);
		const f = await child(bundle, 'baseline', 0);
		if (b.refusedAt === null || u.refusedAt !== null) throw new Error(`bounded child refused at ${b.refusedAt}, unbounded at ${u.refusedAt}`);
		refusedAt = b.refusedAt;
		bounded.push(b.peak);
		unbounded.push(u.peak);
		second.push(s.peak);
		baseline.push(f.peak);
		log(`    run ${r + 1}: bounded ${fmt(b.peak / MiB, 0)} MiB, limit ${SECOND_LIMIT / MiB} MiB ${fmt(s.peak / MiB, 0)} MiB, unbounded ${fmt(u.peak / MiB, 0)} MiB, baseline ${fmt(f.peak / MiB, 0)} MiB`);
	}
	const growth = median(bounded) - median(baseline);
	const held = median(unbounded) - median(baseline);
	const secondGrowth = median(second) - median(baseline);
	return report({
		name: `Peak RSS, ${LINE_BYTES / MiB} MB line without an end (Max Event Size ${BOUNDED_LIMIT / MiB} MiB)`,
		value: `${fmt(median(bounded) / MiB, 0)} MiB (+${fmt(growth / MiB, 0)} MiB)`,
		baseline: `${fmt(median(baseline) / MiB, 0)} MiB (chunks dropped unread)`,
		ratio: `${fmt(growth / BOUNDED_LIMIT)}× limit`,
		target: `≤ limit + ${CONSTANT / MiB} MiB over baseline`,
		met: growth <= BOUNDED_LIMIT + CONSTANT,
		notes: `median of ${RUNS} runs of each child (200 MB in fresh 64 KiB chunks, ASCII); the decoder refused the line once ${fmt(refusedAt / MiB, 1)} MiB had been offered, and every chunk after; with Max Event Size ${SECOND_LIMIT / MiB} MiB: +${fmt(secondGrowth / MiB, 0)} MiB (limit + ${fmt((secondGrowth - SECOND_LIMIT) / MiB, 0)} MiB); with Max Event Size 512 MiB the same line costs +${fmt(held / MiB, 0)} MiB (${fmt(held / LINE_BYTES)}× the line), which is what the limit saves`,
	});
}
