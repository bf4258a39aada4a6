// Figures 2–4: runs from the emulator on loopback through n8n-core's engine, against the raw
// client floor (undici + eventsource-parser) measured in the same process run.
import { CHAT_IDS, startEmulator } from '../test/emulator';
import { agentChatParams } from '../test/engine/helpers';
import {
	BENCH_IDS,
	FirstMessageProbe,
	cozeSdkStream,
	curlStream,
	engineRun,
	events10kScenario,
	floorStream,
	hasCurl,
	shortScenario,
	streamParams,
	type Target,
} from './support';
import { fmt, log, median, now, percentile, report, type FigureResult } from './lib';

async function time(fn: () => Promise<unknown>): Promise<number> {
	const t = now();
	await fn();
	return now() - t;
}

async function fixedOverhead(target: Target): Promise<FigureResult> {
	log('\n[2] Fixed overhead of a short run (one Message, End, Done) through the engine');
	const RUNS = 40;
	const params = streamParams(BENCH_IDS.short);
	for (let i = 0; i < 10; i++) {
		await engineRun(target, params);
		await floorStream(target, BENCH_IDS.short);
	}
	const engine: number[] = [];
	const floor: number[] = [];
	for (let i = 0; i < RUNS; i++) {
		engine.push(await time(() => engineRun(target, params)));
		floor.push(await time(() => floorStream(target, BENCH_IDS.short)));
	}
	const extra = median(engine) - median(floor);
	log(`    engine: median ${fmt(median(engine))} ms (p90 ${fmt(percentile(engine, 90))}); floor: median ${fmt(median(floor))} ms (p90 ${fmt(percentile(floor, 90))})`);
	return report({
		name: 'Short run fixed overhead (engine − floor)',
		value: `${fmt(median(engine))} ms`,
		baseline: `${fmt(median(floor))} ms (undici + eventsource-parser)`,
		ratio: `+${fmt(extra)} ms (${fmt(median(engine) / median(floor))}×)`,
		target: '≤ floor + 3 ms',
		met: extra <= 3,
		notes: `median of ${RUNS} interleaved runs after 10 warm-ups; engine = WorkflowExecute + Coze Workflow node, stream mode, 1 item`,
	});
}

async function tenThousand(target: Target): Promise<FigureResult> {
	log('\n[3] 10,000-event stream through the engine');
	// The emulator runs in this process and takes most of each run's time, and this VM's speed drifts:
	// many runs, compared as per-run ratios of runs made one after the other.
	const RUNS = 15;
	const params = streamParams(BENCH_IDS.events10k);
	const first = await engineRun(target, params);
	const floorFirst = await floorStream(target, BENCH_IDS.events10k);
	log(`    floor saw ${floorFirst.events} events; engine output ${JSON.stringify(first.items[0]?.json.status)}`);
	let sdkNote = '';
	let sdkOk = false;
	try {
		const n = await cozeSdkStream(target, BENCH_IDS.events10k);
		sdkOk = true;
		log(`    @coze/api saw ${n} events`);
	} catch (error) {
		sdkNote = `@coze/api not measured: ${(error as Error).message.split('\n')[0]}`;
	}
	const engine: number[] = [];
	const floor: number[] = [];
	const curl: number[] = [];
	const sdk: number[] = [];
	for (let i = 0; i < RUNS; i++) {
		engine.push(await time(() => engineRun(target, params)));
		floor.push(await time(() => floorStream(target, BENCH_IDS.events10k)));
		if (hasCurl) curl.push(await time(() => curlStream(target, BENCH_IDS.events10k)));
		if (sdkOk) sdk.push(await time(() => cozeSdkStream(target, BENCH_IDS.events10k)));
		log(`    run ${i + 1}: engine ${fmt(engine[i]!, 1)} ms, floor ${fmt(floor[i]!, 1)} ms${hasCurl ? `, curl -N ${fmt(curl[i]!, 1)} ms` : ''}${sdkOk ? `, @coze/api ${fmt(sdk[i]!, 1)} ms` : ''}`);
	}
	const ratio = median(engine.map((e, i) => e / floor[i]!));
	const versusSdk = sdkOk ? median(engine.map((e, i) => e / sdk[i]!)) : NaN;
	const notes = [
		`median of the per-run ratios of ${RUNS} interleaved runs`,
		hasCurl ? `curl -N: ${fmt(median(curl), 1)} ms (${fmt(median(curl) / median(floor))}× floor; includes curl's process start)` : 'curl not found: not measured',
		sdkOk
			? `@coze/api 1.3.9 stream: ${fmt(median(sdk), 1)} ms (${fmt(median(sdk.map((x, i) => x / floor[i]!)))}× floor); engine ÷ @coze/api: ${fmt(versusSdk)}×, ${versusSdk < 1 ? 'faster' : 'NOT faster'}`
			: sdkNote,
	];
	return report({
		name: '10,000-event stream run',
		value: `${fmt(median(engine), 1)} ms`,
		baseline: `${fmt(median(floor), 1)} ms (undici + eventsource-parser)`,
		ratio: `${fmt(ratio)}×`,
		target: '≤ 1.3× floor' + (sdkOk ? ', faster than @coze/api' : ''),
		met: ratio <= 1.3 && (!sdkOk || versusSdk < 1),
		notes: notes.join('; '),
	});
}

/** What a first-chunk figure measures: the engine run and the floor, each told when the first piece arrived. */
interface FirstChunkCase {
	name: string;
	/** The emulator's write that starts the clock. */
	event: RegExp;
	engine(onChunk: (chunk: { type: string }) => void, run: number): Promise<unknown>;
	floor(onFirst: () => void): Promise<void>;
	notes: string;
}

const RUNS_FIRST_CHUNK = 200;

/** Latency from the emulator's write of the first piece to the engine's first sendChunk item, and the raw client's. */
async function firstChunkLatency(figure: FirstChunkCase): Promise<FigureResult> {
	const probe = new FirstMessageProbe(figure.event);
	probe.install();
	const latencies: number[] = [];
	const floorLatencies: number[] = [];
	try {
		for (let i = 0; i < RUNS_FIRST_CHUNK + 10; i++) {
			probe.reset();
			let chunkAt: number | undefined;
			await figure.engine((chunk) => {
				if (chunk.type === 'item' && chunkAt === undefined) chunkAt = now();
			}, i);
			if (chunkAt === undefined || probe.firstMessageAt === undefined) throw new Error(`${figure.name}: no item chunk, or no write of ${figure.event} seen`);
			if (i >= 10) latencies.push(chunkAt - probe.firstMessageAt);
			probe.reset();
			let floorAt: number | undefined;
			await figure.floor(() => (floorAt ??= now()));
			if (i >= 10 && floorAt !== undefined && probe.firstMessageAt !== undefined) floorLatencies.push(floorAt - probe.firstMessageAt);
		}
	} finally {
		probe.uninstall();
	}
	const p50 = percentile(latencies, 50);
	const p99 = percentile(latencies, 99);
	const f50 = percentile(floorLatencies, 50);
	return report({
		name: figure.name,
		value: `p50 ${fmt(p50, 3)} ms, p99 ${fmt(p99, 3)} ms`,
		baseline: `floor p50 ${fmt(f50, 3)} ms, p99 ${fmt(percentile(floorLatencies, 99), 3)} ms`,
		ratio: `${fmt(p50 / f50)}× (p50)`,
		target: 'p50 ≤ 2 ms, p99 ≤ 10 ms',
		met: p50 <= 2 && p99 <= 10,
		notes: `${RUNS_FIRST_CHUNK} runs after 10 warm-ups; ${figure.notes}`,
	});
}

async function firstChunk(target: Target): Promise<FigureResult> {
	log('\n[4] First-chunk latency: emulator writes the first Message → sendChunk called');
	const params = streamParams(BENCH_IDS.short);
	return await firstChunkLatency({
		name: 'First-chunk latency (write → sendChunk)',
		event: /event: ?Message/,
		engine: async (onChunk) => await engineRun(target, params, { streaming: true, mode: 'webhook', onChunk }),
		floor: async (onFirst) => await floorFirstMessage(target, onFirst),
		notes: "t0 = the emulator's res.write() of the first Message (ServerResponse.write wrapped in this process), t1 = sendChunk's first item chunk",
	});
}

async function floorFirstMessage(target: Target, onFirst: () => void): Promise<void> {
	const { request } = await import('undici');
	const { createParser } = await import('eventsource-parser');
	const res = await request(`${target.baseUrl}/v1/workflow/stream_run`, {
		method: 'POST',
		headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ workflow_id: BENCH_IDS.short, parameters: {} }),
	});
	const decoder = new TextDecoder();
	const parser = createParser({
		onEvent: (m) => {
			if (m.event === 'Message') {
				JSON.parse(m.data);
				onFirst();
			}
		},
	});
	for await (const chunk of res.body) parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
}

const CHAT_DELTA = /event: ?conversation\.message\.delta/;

async function firstChatDelta(target: Target): Promise<FigureResult> {
	log('\n[8] First-delta latency of an agent chat: emulator writes the first answer delta → sendChunk called');
	const params = agentChatParams(CHAT_IDS.agents.echo);
	return await firstChunkLatency({
		name: 'First-delta latency, agent chat (write → sendChunk)',
		event: CHAT_DELTA,
		engine: async (onChunk, run) =>
			await engineRun(target, params, { node: 'cozeAgent', items: [{ chatInput: `hello ${run}` }], streaming: true, mode: 'webhook', onChunk }),
		floor: async (onFirst) => await floorFirstChatDelta(target, onFirst),
		notes: "Coze Agent node, stream mode, emulator echo agent; t0 = the emulator's res.write() of the first conversation.message.delta, t1 = sendChunk's first item chunk",
	});
}

async function floorFirstChatDelta(target: Target, onFirst: () => void): Promise<void> {
	const { request } = await import('undici');
	const { createParser } = await import('eventsource-parser');
	const res = await request(`${target.baseUrl}/v3/chat`, {
		method: 'POST',
		headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
		body: JSON.stringify({
			bot_id: CHAT_IDS.agents.echo,
			user_id: 'bench',
			stream: true,
			additional_messages: [{ role: 'user', content: 'hello', content_type: 'text' }],
		}),
	});
	const decoder = new TextDecoder();
	const parser = createParser({
		onEvent: (m) => {
			if (m.event === 'conversation.message.delta') {
				JSON.parse(m.data);
				onFirst();
			}
		},
	});
	for await (const chunk of res.body) parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
}

export async function benchNetwork(which: Set<number>): Promise<FigureResult[]> {
	const emu = await startEmulator({ timeScale: 0.001, scenarios: [shortScenario, events10kScenario] });
	const target = { baseUrl: emu.baseUrl, token: emu.token };
	const results: FigureResult[] = [];
	try {
		if (which.has(2)) results.push(await fixedOverhead(target));
		if (which.has(3)) results.push(await tenThousand(target));
		if (which.has(4)) results.push(await firstChunk(target));
		if (which.has(8)) results.push(await firstChatDelta(target));
	} finally {
		await emu.close();
	}
	return results;
}
