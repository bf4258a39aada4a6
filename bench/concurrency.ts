// Figure 5: 200 items of 500 ms emulated runs at concurrency 20 through the engine.
import { startEmulator } from '../test/emulator';
import { BENCH_IDS, engineRun, halfSecondScenario, streamParams } from './support';
import { fmt, log, median, now, report, type FigureResult } from './lib';

export async function benchConcurrency(): Promise<FigureResult> {
	log('\n[5] 200 items × 500 ms runs at concurrency 20');
	const RUNS = 5;
	const ITEMS = 200;
	const CONCURRENCY = 20;
	const RUN_MS = 500;
	const ideal = (ITEMS / CONCURRENCY) * RUN_MS;
	const sequential = ITEMS * RUN_MS;
	const emu = await startEmulator({ timeScale: 1, scenarios: [halfSecondScenario] });
	const target = { baseUrl: emu.baseUrl, token: emu.token };
	const walls: number[] = [];
	try {
		const params = streamParams(BENCH_IDS.halfSecond, { options: { concurrency: CONCURRENCY } });
		const items = Array.from({ length: ITEMS }, (_, i) => ({ i }));
		for (let r = 0; r < RUNS; r++) {
			const t = now();
			const result = await engineRun(target, params, { items });
			walls.push(now() - t);
			if (result.items.length !== ITEMS || result.items.some((item) => item.json.status !== 'succeeded')) {
				throw new Error('not every item succeeded');
			}
			log(`    run ${r + 1}: ${fmt(walls[r]! / 1000, 3)} s`);
		}
	} finally {
		await emu.close();
	}
	const wall = median(walls);
	const ratio = wall / ideal;
	return report({
		name: '200 × 500 ms runs, concurrency 20',
		value: `${fmt(wall / 1000, 3)} s`,
		baseline: `${fmt(ideal / 1000, 1)} s ideal (sequential would be ${fmt(sequential / 1000, 0)} s, computed)`,
		ratio: `${fmt(ratio)}×`,
		target: '≤ 1.25× ideal',
		met: ratio <= 1.25,
		notes: `median of ${RUNS} runs; stream mode, emulator timeScale 1, node default Requests per Second (50)`,
	});
}
