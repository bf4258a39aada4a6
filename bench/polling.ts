// Figure 6: async runs of 5 s, 60 s and 600 s (Coze time, scaled): how many run-history polls the
// node makes, and how late it notices completion. The node's poll intervals are its defaults
// (0.5 s shortest, 15 s longest) scaled by the same factor as the emulator's time. The first run of
// each workflow is "cold" (the node knows nothing of its length) and reported beside the figure; the
// figure is the median of the next 5 runs, which poll on what the earlier ones showed
// (nodes/Coze/protocol/pollSchedule.ts explains why no schedule can meet both targets blind). Each run length gets
// its own time scale so that every run lasts about REAL_MS of real time (timer resolution, 1 ms,
// stays small against 10% of the run).
import { startEmulator } from '../test/emulator';
import { BENCH_IDS, engineRun, streamParams, waitScenario } from './support';
import { fmt, log, median, report, type FigureResult } from './lib';

const REAL_MS = 1500;

export async function benchPolling(): Promise<FigureResult[]> {
	log(`\n[6] Async polling (each run scaled to ~${REAL_MS} ms real; node poll intervals = defaults × the same scale)`);
	const COLD_RUNS = 1;
	const RUNS = 5;
	const cases = [
		{ id: BENCH_IDS.async5s, seconds: 5 },
		{ id: BENCH_IDS.async60s, seconds: 60 },
		{ id: BENCH_IDS.async600s, seconds: 600 },
	];
	const results: FigureResult[] = [];
	for (const c of cases) {
		const TIME_SCALE = REAL_MS / (c.seconds * 1000);
		const emu = await startEmulator({ timeScale: TIME_SCALE, scenarios: [waitScenario(c.id, c.seconds * 1000)] });
		const target = { baseUrl: emu.baseUrl, token: emu.token };
		try {
			const polls: number[] = [];
			const late: number[] = [];
			for (let r = 0; r < COLD_RUNS + RUNS; r++) {
				const from = emu.requests.length;
				const result = await engineRun(
					target,
					streamParams(c.id, { mode: 'async', options: { pollInitialInterval: 0.5 * TIME_SCALE, pollMaxInterval: 15 * TIME_SCALE } }),
				);
				if (result.items[0]?.json.status !== 'succeeded')
					throw new Error(`async run: ${JSON.stringify(result.items[0]?.json).slice(0, 200)}`);
				const mine = emu.requests.slice(from);
				const start = mine.find((q) => q.method === 'POST' && q.path === '/v1/workflow/run');
				const histories = mine.filter((q) => q.method === 'GET' && q.path.includes('/run_histories/'));
				if (!start || histories.length === 0) throw new Error('no run or no poll seen');
				const completedAt = start.time + c.seconds * 1000 * TIME_SCALE;
				polls.push(histories.length);
				late.push((histories.at(-1)!.time - completedAt) / TIME_SCALE / 1000);
			}
			const coldPolls = polls.slice(0, COLD_RUNS);
			const coldLate = late.slice(0, COLD_RUNS);
			const p = median(polls.slice(COLD_RUNS));
			const l = median(late.slice(COLD_RUNS));
			const allowed = Math.min(0.1 * c.seconds, 15);
			const pollsOk = c.seconds === 600 ? p <= 20 : true;
			log(`    ${c.seconds} s run: polls ${polls.join(', ')} (first: cold); noticed late by ${late.map((x) => fmt(x, 1)).join(', ')} s (Coze time)`);
			results.push(
				report({
					name: `Async polling, ${c.seconds} s run`,
					value: `${p} polls, ${fmt(l, 1)} s late`,
					baseline: `run length ${c.seconds} s`,
					ratio: `${fmt((100 * l) / c.seconds, 1)}% late`,
					target: `${c.seconds === 600 ? '≤ 20 polls, ' : ''}≤ ${fmt(allowed, 1)} s late (10%, max 15 s)`,
					met: pollsOk && l <= allowed,
					notes: `median of ${RUNS} runs after a first, cold run (${coldPolls.join(', ')} polls, ${coldLate.map((x) => fmt(x, 1)).join(', ')} s late, ${coldPolls.every((n) => c.seconds !== 600 || n <= 20) && coldLate.every((x) => x <= allowed) ? 'within' : 'NOT within'} the target); emulator timeScale ${fmt(TIME_SCALE, 5)}; lateness measured from the emulator's settle time to the last run_histories request (1 ms real = ${fmt(0.001 / TIME_SCALE, 3)} s Coze time)`,
				}),
			);
		} finally {
			await emu.close();
		}
	}
	return results;
}
