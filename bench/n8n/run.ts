// npm run bench:n8n: the package inside a real n8n 2.x (`n8n start`, SQLite, n8n's default execution
// saving) against n8n's own HTTP Request node calling the same Coze emulator. Every figure is a
// ratio or difference to a baseline measured in this same run, interleaved where the two can be.
// Prints each figure as it completes and a table at the end, also written to bench/n8n-results.md.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Pool, request } from 'undici';

import { ensureN8n } from '../../e2e/install';
import { activate, importAll, prepareUserFolder, startProcess, type RunningN8n } from '../../e2e/n8n';
import { startEmulator, type CozeEmulator } from '../../test/emulator';
import { httpRequest } from '../../test/support/http';
import { freePort } from '../../test/support/processes';
import { waitFor } from '../../test/support/wait';
import { figureSteps, fmt, log, machine, median, now, percentile, report, resultsMarkdown, runBench, type FigureResult } from '../lib';
import { benchWorkflows, credential, FIRST_TEXT, IDS, PATHS, QUESTION, SYNC_BODY } from './workflows';

const ROOT = join(__dirname, '..', '..');
const CACHE = join(ROOT, '.cache', 'bench-n8n');
const CALLS = 2000;
const CALLERS = 20;
const ROUNDS = 8;
const STREAM_RUNS = 30;
const MiB = 1024 * 1024;

/** VmHWM and VmRSS of a process, in bytes. */
function memoryOf(pid: number): { hwm: number; rss: number } {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
	return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
}

/**
 * n8n registers active workflows' webhooks one by one after it says it is ready. A GET to a POST
 * webhook answers 404 "… Did you mean to make a POST request?" once it is registered; before, a
 * 200 "starting up" or a plain 404.
 */
async function registered(url: string): Promise<void> {
	await waitFor(
		`${url} to be registered`,
		120_000,
		async () => {
			const answer = await httpRequest('GET', url, { timeoutMs: 2_000 }).catch(() => undefined);
			return answer?.status === 404 && answer.body.includes('Did you mean') ? true : undefined;
		},
		500,
	);
}

interface LoadRound {
	seconds: number;
	latencies: number[];
	failures: string[];
}

/** `count` POSTs from CALLERS callers, each sending its next request once its last answer is in. */
async function loadRound(pool: Pool, path: string, count: number): Promise<LoadRound> {
	const round = await mixedLoad(pool, [path], count);
	return round[0]!;
}

/**
 * `count` calls to each of `paths` from CALLERS callers, the paths taking turns call by call: every
 * path meets the same moments of the machine, so their latencies differ only by what each call
 * costs. With one path, a plain round.
 */
async function mixedLoad(pool: Pool, paths: string[], count: number): Promise<LoadRound[]> {
	const rounds = paths.map(() => ({ latencies: [] as number[], failures: [] as string[] }));
	let next = 0;
	const body = JSON.stringify({ q: QUESTION });
	const caller = async () => {
		while (next < count * paths.length) {
			const which = next % paths.length;
			next += 1;
			const t0 = now();
			const answer = await pool.request({ method: 'POST', path: `/webhook/${paths[which]}`, headers: { 'content-type': 'application/json' }, body });
			const text = await answer.body.text();
			const { latencies, failures } = rounds[which]!;
			latencies.push(now() - t0);
			if (answer.statusCode !== 200 && failures.length < 5) failures.push(`${answer.statusCode} ${text.slice(0, 120)}`);
			else if (answer.statusCode !== 200) failures.push('');
		}
	};
	const t0 = now();
	await Promise.all(Array.from({ length: CALLERS }, caller));
	const seconds = (now() - t0) / 1000;
	return rounds.map((round) => ({ seconds, ...round }));
}

/** Figure 1: A (Coze Workflow, sync) and B (HTTP Request) in alternating rounds, ABAB…. */
async function syncVsHttp(base: string, emu: CozeEmulator): Promise<FigureResult[]> {
	const pool = new Pool(base, { connections: CALLERS, pipelining: 1 });
	// C, HTTP Request authenticating with the Coze credential, is no target: it tells what of A's cost
	// is n8n's credential handling (every Coze node call goes through it) rather than the node's code.
	// A1, the node's version 1, is no target either: it sends the JSON inputs unchecked, without the
	// GET of the workflow's inputs that version 1.1 makes at most once a minute.
	// B' is B once more under another path: B'/B and B' − B are how far two identical workflows differ
	// in the same rounds, the resolution of figures 1 and 2.
	const paths = { A: PATHS.cozeSync, A1: PATHS.cozeSyncV1, B: PATHS.httpSync, "B'": PATHS.httpSyncCopy, C: PATHS.httpCredSync };
	const labels = Object.keys(paths) as Array<keyof typeof paths>;
	try {
		// Warm every path (JIT, connection pools, SQLite pages) before anything counts.
		for (const path of Object.values(paths)) {
			const warm = await loadRound(pool, path, 100);
			if (warm.failures.length) throw new Error(`warm-up of ${path}: ${warm.failures.length} calls failed: ${warm.failures[0]}`);
		}
		const cozeBody = emu.requests
			.filter((r) => r.path === '/v1/workflow/run')
			.find((r) => JSON.stringify(r.body).includes(SYNC_BODY.workflow_id))?.body;
		const rounds: Record<keyof typeof paths, LoadRound[]> = { A: [], A1: [], B: [], "B'": [], C: [] };
		const perRound = CALLS / ROUNDS;
		const emulatorCalls = { A: 0, A1: 0, B: 0, "B'": 0, C: 0 };
		for (let round = 0; round < ROUNDS; round++) {
			// The order rotates too, so no path always follows another's SQLite writes.
			const order = labels.map((_, i) => labels[(i + round) % labels.length]!);
			for (const label of order) {
				const seen = emu.requests.length;
				const result = await loadRound(pool, paths[label], perRound);
				emulatorCalls[label] += emu.requests.length - seen;
				rounds[label].push(result);
				const failed = result.failures.length ? `, ${result.failures.length} failed: ${result.failures[0]}` : '';
				log(`  round ${round + 1} ${label}: ${perRound} calls in ${fmt(result.seconds)} s, p50 ${fmt(median(result.latencies))} ms${failed}`);
			}
		}
		const total = (of: LoadRound[]) => ({
			rps: (of.length * perRound) / of.reduce((sum, r) => sum + r.seconds, 0),
			latencies: of.flatMap((r) => r.latencies),
			failures: of.reduce((sum, r) => sum + r.failures.length, 0),
		});
		const [ta, ta1, tb, tc, tb2] = [total(rounds.A), total(rounds.A1), total(rounds.B), total(rounds.C), total(rounds["B'"])];
		const failed = ta.failures + tb.failures;
		const perCall = labels.map((label) => `${label} ${fmt(emulatorCalls[label] / CALLS)}`).join(', ');
		const ratio = ta.rps / tb.rps;
		const [p50a, p50a1, p50b, p50c, p50b2] = [median(ta.latencies), median(ta1.latencies), median(tb.latencies), median(tc.latencies), median(tb2.latencies)];
		// Latency in separate rounds moves with the machine more than with the path (see B' − B): the
		// p50 figure comes from the paths taking turns call by call in one load.
		// C joins them: what A pays beyond B that C pays too is n8n's credential handling.
		const [ma, mb, mb2, mc] = await mixedLoad(pool, [paths.A, paths.B, paths["B'"], paths.C], CALLS);
		const [mp50a, mp50b, mp50b2, mp50c] = [median(ma!.latencies), median(mb!.latencies), median(mb2!.latencies), median(mc!.latencies)];
		const mixedFailures = ma!.failures.length + mb!.failures.length + mb2!.failures.length + mc!.failures.length;
		log(`  taking turns: A p50 ${fmt(mp50a)} ms, B ${fmt(mp50b)} ms, B' ${fmt(mp50b2)} ms, C ${fmt(mp50c)} ms in ${fmt(ma!.seconds)} s`);
		const roundRatios = rounds.A.map((r, i) => rounds.B[i]!.seconds / r.seconds);
		const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${fmt(ms)} ms`;
		const common = `${CALLS} calls each from ${CALLERS} callers in ${ROUNDS} rotating rounds; failures A ${ta.failures}, A1 ${ta1.failures}, B ${tb.failures}, B' ${tb2.failures}, C ${tc.failures}; emulator requests per call ${perCall}; Coze node's request body ${JSON.stringify(cozeBody)}, HTTP Request's ${JSON.stringify(SYNC_BODY)}`;
		return [
			report({
				name: 'Sync run via webhook: throughput, Coze Workflow (A) vs HTTP Request (B)',
				value: `${fmt(ta.rps, 1)} req/s`,
				baseline: `${fmt(tb.rps, 1)} req/s`,
				ratio: `${fmt(ratio, 3)}×`,
				target: '≥ 0.95×',
				met: failed === 0 && ratio >= 0.95,
				notes: `${common}; per-round throughput ratios A/B ${roundRatios.map((r) => fmt(r)).join(', ')}; A1 (node version 1, no input check) ${fmt(ta1.rps, 1)} req/s, A1/B ${fmt(ta1.rps / tb.rps, 3)}×; C (HTTP Request with the Coze credential) ${fmt(tc.rps, 1)} req/s, C/B ${fmt(tc.rps / tb.rps, 3)}×, A/C ${fmt(ta.rps / tc.rps, 3)}×; B' (a copy of B) ${fmt(tb2.rps, 1)} req/s, B'/B ${fmt(tb2.rps / tb.rps, 3)}×`,
			}),
			report({
				name: 'Sync run via webhook: p50 latency, A vs B, taking turns call by call',
				value: `${fmt(mp50a)} ms`,
				baseline: `${fmt(mp50b)} ms`,
				ratio: signed(mp50a - mp50b),
				target: '≤ B + 2 ms',
				met: failed === 0 && mixedFailures === 0 && mp50a <= mp50b + 2,
				notes: `${CALLS} calls each of A, B, B' and C from ${CALLERS} callers, taking turns in one load of ${fmt(ma!.seconds)} s; failures ${mixedFailures}; B' (a copy of B) ${fmt(mp50b2)} ms, B' − B ${signed(mp50b2 - mp50b)}; C (HTTP Request with the Coze credential) ${fmt(mp50c)} ms, C − B ${signed(mp50c - mp50b)}, A − C ${signed(mp50a - mp50c)}; p90 A ${fmt(percentile(ma!.latencies, 90))} ms, B ${fmt(percentile(mb!.latencies, 90))} ms. In the separate rounds of figure 1: p50 A ${fmt(p50a)} ms, B ${fmt(p50b)} ms (A − B ${signed(p50a - p50b)}), B' − B ${signed(p50b2 - p50b)}, A1's p50 ${fmt(p50a1)} ms (A1 − B ${signed(p50a1 - p50b)}), C's ${fmt(p50c)} ms (C − B ${signed(p50c - p50b)}, A − C ${signed(p50a - p50c)}); p90 A ${fmt(percentile(ta.latencies, 90))} ms, B ${fmt(percentile(tb.latencies, 90))} ms, C ${fmt(percentile(tc.latencies, 90))} ms; p99 A ${fmt(percentile(ta.latencies, 99))} ms, B ${fmt(percentile(tb.latencies, 99))} ms`,
			}),
		];
	} finally {
		await pool.close();
	}
}

interface StreamTiming {
	/** Client's first body byte and the chunk holding FIRST_TEXT, in ms after the emulator wrote its first event. */
	firstByte: number;
	firstText: number;
	status: number;
}

/** One call read incrementally, like `curl -N`, against the emulator's record of its stream_run. */
async function streamCall(base: string, path: string, emu: CozeEmulator): Promise<StreamTiming> {
	const seen = emu.requests.length;
	const answer = await request(`${base}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ question: QUESTION }),
	});
	let firstByte = NaN;
	let firstText = NaN;
	let text = '';
	const decoder = new TextDecoder();
	for await (const piece of answer.body) {
		const at = now();
		if (Number.isNaN(firstByte)) firstByte = at;
		text += decoder.decode(piece as Buffer, { stream: true });
		if (Number.isNaN(firstText) && text.includes(FIRST_TEXT)) firstText = at;
	}
	const run = emu.requests.slice(seen).find((r) => r.path === '/v1/workflow/stream_run');
	const written = run?.writeTimes[0] ?? NaN;
	return { firstByte: firstByte - written, firstText: firstText - written, status: answer.statusCode };
}

/** Figure 2: first chunk of a stream run through n8n's streaming Webhook; HTTP Request's first byte beside it. */
async function streamFirstChunk(base: string, emu: CozeEmulator): Promise<FigureResult[]> {
	for (let i = 0; i < 3; i++) {
		await streamCall(base, PATHS.cozeStream, emu);
		await streamCall(base, PATHS.httpStream, emu);
	}
	const coze: StreamTiming[] = [];
	const http: StreamTiming[] = [];
	for (let i = 0; i < STREAM_RUNS; i++) {
		coze.push(await streamCall(base, PATHS.cozeStream, emu));
		http.push(await streamCall(base, PATHS.httpStream, emu));
	}
	const bad = [...coze, ...http].filter((t) => t.status !== 200 || !Number.isFinite(t.firstByte)).length;
	const cozeText = coze.map((t) => t.firstText);
	const httpByte = http.map((t) => t.firstByte);
	const p50 = median(cozeText);
	return [
		report({
			name: 'Stream run: emulator writes its first event → client reads that text (streaming Webhook, Coze Workflow)',
			value: `${fmt(p50)} ms`,
			baseline: `${fmt(median(httpByte))} ms`,
			ratio: '—',
			target: 'p50 ≤ 5 ms',
			met: bad === 0 && cozeText.every(Number.isFinite) && p50 <= 5,
			notes: `${STREAM_RUNS} runs each, alternating; p90 ${fmt(percentile(cozeText, 90))} ms; baseline: the first byte of Webhook → HTTP Request (stream_run) → Respond, which answers only once the stream has ended (p50 ${fmt(median(httpByte))} ms, p90 ${fmt(percentile(httpByte, 90))} ms, no target); ${bad} calls failed`,
		}),
	];
}

/** Figure 3: one execution with 1,000 items through the Coze node at concurrency 20; n8n's peak RSS around it. */
async function manyItems(base: string, n8n: RunningN8n, emu: CozeEmulator): Promise<FigureResult> {
	const before = memoryOf(n8n.pid);
	const runsBefore = emu.runsStarted();
	const t0 = now();
	const answer = await request(`${base}/webhook/${PATHS.many}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: '{}',
		headersTimeout: 300_000,
		bodyTimeout: 300_000,
	});
	const text = await answer.body.text();
	const seconds = (now() - t0) / 1000;
	const after = memoryOf(n8n.pid);
	const runs = emu.runsStarted() - runsBefore;
	const ok = answer.statusCode === 200 && runs === 1000;
	const growth = (after.hwm - before.hwm) / MiB;
	return report({
		name: 'n8n peak RSS (VmHWM) around one execution of 1,000 items → Coze Workflow (sync, concurrency 20)',
		value: `${fmt(after.hwm / MiB, 0)} MiB`,
		baseline: `${fmt(before.hwm / MiB, 0)} MiB`,
		ratio: `+${fmt(growth, 0)} MiB`,
		target: 'succeeds; growth reported',
		met: ok ? true : false,
		notes: `main n8n process only (the Code node runs in n8n's task runner, a child process); VmRSS ${fmt(before.rss / MiB, 0)} → ${fmt(after.rss / MiB, 0)} MiB; the execution took ${fmt(seconds, 1)} s and started ${runs} Coze runs; HTTP ${answer.statusCode}${ok ? '' : `: ${text.slice(0, 200)}`}`,
	});
}

async function main(): Promise<void> {
	const started = now();
	mkdirSync(CACHE, { recursive: true });
	execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
	const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', CACHE], { cwd: ROOT }).toString().trim().split('\n').pop()!;
	// Sync runs answer at once: n8n's own overhead is what is measured. Streams wait 20 ms, then a chunk every 3 ms.
	const emu = await startEmulator({ timeScale: 0.01, knobs: { syncLatencyMs: 0 } });
	let n8n: RunningN8n | undefined;
	const { results, failures, step } = figureSteps(() => `\n${n8n?.log().slice(-2000) ?? ''}`);
	let n8nVersion = '';
	try {
		const install = await ensureN8n('v2', { log: (l) => log(`  ${l}`) });
		n8nVersion = `n8n ${install.version} on Node ${execFileSync(install.nodeBin, ['--version']).toString().trim()}`;
		log(`Machine: ${machine()}; ${n8nVersion}`);
		const setup = await prepareUserFolder(install, join(CACHE, 'user'), join(CACHE, packed));
		const dir = join(CACHE, 'workflows');
		mkdirSync(dir, { recursive: true });
		const files = Object.entries(benchWorkflows(emu.baseUrl, emu.token)).map(([name, workflow]) => {
			const file = join(dir, `${name}.json`);
			writeFileSync(file, JSON.stringify(workflow));
			return file;
		});
		await importAll(setup, [credential(emu.baseUrl, emu.token)], files);
		for (const id of Object.values(IDS)) await activate(setup, id);
		const port = await freePort();
		const running = await startProcess(setup, 'start', ['start'], { port, brokerPort: await freePort(), env: { N8N_LOG_LEVEL: 'warn' } });
		n8n = running;
		const base = `http://127.0.0.1:${port}`;
		try {
			for (const path of Object.values(PATHS)) await registered(`${base}/webhook/${path}`);
			log(`n8n started (pid ${running.pid}); webhooks registered after ${fmt((now() - started) / 1000, 0)} s`);
			// First, while n8n's peak is still its start-up one: the load below would raise it.
			await step('1,000 items', () => manyItems(base, running, emu));
			await step('sync vs HTTP Request', () => syncVsHttp(base, emu));
			await step('stream first chunk', () => streamFirstChunk(base, emu));
			// The table lists sync, stream, then items.
			if (results[0]?.name.startsWith('n8n peak RSS')) results.push(results.shift()!);
		} finally {
			await running.stop();
		}
	} finally {
		await emu.close();
	}
	const seconds = (now() - started) / 1000;
	const md = resultsMarkdown(
		`Machine: ${machine()}; ${n8nVersion}; SQLite, executions saved as n8n's defaults. Date: ${new Date().toISOString().slice(0, 10)}. Bench runtime: ${fmt(seconds, 0)} s.`,
		results,
		failures,
	);
	log('\nResults\n');
	log(md);
	writeFileSync(
		join(__dirname, '..', 'n8n-results.md'),
		`# n8n benchmark results\n\nProduced by \`npm run bench:n8n\` (bench/n8n/run.ts).\n\n${md}\n`,
	);
	log('\nWritten to bench/n8n-results.md');
	process.exitCode = failures.length ? 1 : 0;
}

runBench(main);
