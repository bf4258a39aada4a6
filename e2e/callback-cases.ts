/**
 * The callbacks that are not the plain one (n8n 2.x): a wrong execute ID, a second callback, a
 * callback sent before n8n has saved the waiting state, and none at all (Max Wait Time passes).
 * Each counts the reads of the Coze run's history: one before parking, one per resume.
 */
import { waitFor } from '../test/support/wait';
import {
	answers,
	attemptsOf,
	callBack,
	CALLBACK_NODES,
	CALLBACK_PATHS,
	execution,
	explained,
	finished,
	item,
	newTag,
	nextRunKnobs,
	parked,
	resumed,
	runCounts,
	startParked,
	startRun,
	status,
	type CallbackContext,
} from './callback-support';
import { TIMEOUT_SECONDS } from './callback-workflows';
import { check } from './checks';

/** The emulator's run calls back naming another run: refused without reading Coze; the right callback then resumes. */
export async function wrongExecuteId(ctx: CallbackContext, base: string): Promise<string> {
	const { setup, emu } = ctx;
	const tag = newTag('wrong-id');
	const { row, executeId } = await startParked(ctx, base, tag, 'wrongExecuteId');
	const [wrong] = await waitFor('the wrong callback', 60_000, () => {
		const attempts = attemptsOf(emu, executeId);
		return attempts.length > 0 ? attempts : undefined;
	});
	const stillWaiting = await status(setup, tag);
	const readsAfterWrong = emu.historyReads(executeId);
	check(wrong.body.execute_id !== executeId && wrong.status === 200, `the wrong callback: ${JSON.stringify(wrong)}`);
	check(stillWaiting === 'waiting' && readsAfterWrong === 1, `after the wrong callback: ${stillWaiting}, ${readsAfterWrong} history reads`);
	// The emulator keeps only the status: the same wrong callback again shows n8n's answer.
	const again = await callBack(wrong.url, wrong.body);
	check(again.status === 200 && (JSON.parse(again.body) as { accepted?: boolean }).accepted === false, `n8n answered the wrong callback ${again.status} ${again.body}`);
	check((await status(setup, tag)) === 'waiting' && emu.historyReads(executeId) === 1, 'the repeated wrong callback resumed the execution or read Coze');
	const right = await callBack(wrong.url, { execute_id: executeId, execute_status: 'Success' });
	const { row: done } = await explained(emu, executeId, resumed(setup, tag, executeId));
	const reads = emu.historyReads(executeId);
	check(right.status === 200 && reads === 2, `the right callback: ${right.status} ${right.body}; ${reads} history reads`);
	return (
		`execution ${row.id}: the emulator's callback naming run ${wrong.body.execute_id} was answered ${wrong.status} ${again.body}; ` +
		`still waiting, history reads still 1; a callback naming run ${executeId} answered ${right.body} and execution ${done.id} resumed to ${done.status}; history reads ${reads}`
	);
}

/**
 * The run calls back twice, the second 5 s after the first: by then the first has resumed the
 * execution and n8n refuses the second (409). Were the first still being handled, the node would
 * answer the second itself (200, a duplicate) and read nothing: either way one resume and no more reads.
 */
export async function secondCallback(ctx: CallbackContext, base: string): Promise<string> {
	const { setup, emu } = ctx;
	const tag = newTag('twice');
	nextRunKnobs(emu, 'twice', { callbackRepeatDelayMs: 10_000 });
	const { row, executeId } = await startParked(ctx, base, tag, 'twice');
	const { row: done } = await explained(emu, executeId, resumed(setup, tag, executeId));
	// The second is sent 1 s (Coze time) after the first and retried after a 409: wait until its tries are over.
	const attempts = await waitFor('the second callback and its retries', 60_000, () => {
		const all = attemptsOf(emu, executeId);
		const second = all.filter((a) => a.delivery === 2);
		return second.length > 0 && emu.callbacksPending() === 0 ? all : undefined;
	}, 250);
	const first = attempts.filter((a) => a.delivery === 1);
	const second = attempts.filter((a) => a.delivery === 2);
	const reads = emu.historyReads(executeId);
	check(first.length === 1 && first[0].status === 200, `first callback: ${JSON.stringify(first)}`);
	check(second[0].status === 409 || (second.length === 1 && second[0].status === 200), `second callback: ${JSON.stringify(second)}`);
	check(reads === 2, `${reads} history reads (expected 1 before parking, 1 on the resume)`);
	return (
		`execution ${row.id} waiting; first callback answered ${answers(first)} and resumed it once (runs ${JSON.stringify(runCounts(done))}, ${done.status}); ` +
		`the second answered ${answers(second)} (the emulator retries a 409); history reads ${reads}`
	);
}

/**
 * The run ends at once and calls back before its start request is answered: n8n answers 409 (the
 * execution is still running). Right either way: the node read the ended run and did not wait, or
 * the emulator's retry resumed it.
 */
export async function earlyCallback(ctx: CallbackContext, base: string): Promise<string> {
	const { setup, emu } = ctx;
	const tag = newTag('early');
	await startRun(base, CALLBACK_PATHS.callback, tag, 'early');
	const done = await execution(setup, tag, 'to end', finished);
	const result = item(done, CALLBACK_NODES.callback);
	const executeId = String(result?.executeId);
	const attempts = await waitFor('the early callback and its retries', 60_000, () => {
		const all = attemptsOf(emu, executeId);
		return all.length > 0 && emu.callbacksPending() === 0 ? all : undefined;
	}, 250);
	const reads = emu.historyReads(executeId);
	check(done.status === 'success' && result?.status === 'succeeded', `execution ${done.id} ${done.status}, item ${JSON.stringify(result).slice(0, 300)}`);
	check(attempts[0].status === 409, `the early callback: ${JSON.stringify(attempts[0])}`);
	const resumedByRetry = attempts.some((a) => a.status === 200);
	check(resumedByRetry ? reads === 2 : reads === 1, `${reads} history reads; callbacks ${JSON.stringify(attempts)}`);
	const outcome = resumedByRetry ? 'a retry resumed the execution' : 'the node read the ended run before parking and did not wait';
	return `execution ${done.id}: the early callback answered ${answers(attempts)}; ${outcome}; ${done.status}, item ${String(result?.status)}; history reads ${reads}`;
}

/** No callback: n8n's wait tracker resumes the execution after Max Wait Time; the pending item goes on to Get Run. */
export async function timeOut(ctx: CallbackContext, base: string): Promise<string> {
	const { setup, emu } = ctx;
	const tag = newTag('time-out');
	await startRun(base, CALLBACK_PATHS.timeout, tag, 'never');
	const { row, executeId } = await parked(setup, tag, CALLBACK_NODES.timeout);
	const limit = Date.parse(row.waitTill ?? '');
	const limitAfterStart = (limit - Date.parse(row.startedAt ?? '')) / 1000;
	check(limitAfterStart > TIMEOUT_SECONDS - 1 && limitAfterStart < TIMEOUT_SECONDS + 30, `waitTill ${String(row.waitTill)} is ${limitAfterStart} s after the start`);
	// n8n looks for due waits every 60 s.
	const done = await execution(setup, tag, 'to be resumed by n8n', finished, 150_000);
	const pending = item(done, CALLBACK_NODES.timeout);
	const followed = item(done, CALLBACK_NODES.getRun);
	const late = (Date.parse(done.stoppedAt ?? '') - limit) / 1000;
	const readsBeforeGetRun = 1;
	const reads = emu.historyReads(executeId);
	check(done.status === 'success', `execution ${done.id} ended ${done.status}: ${done.error ?? ''}`);
	check(pending?.status === 'running' && pending.executeId === executeId && pending.output === null, `the Coze Workflow item after the time-out: ${JSON.stringify(pending)}`);
	check(followed?.status === 'succeeded' && followed.executeId === executeId && followed.output !== null, `the Get Run item: ${JSON.stringify(followed).slice(0, 300)}`);
	check(late >= 0 && late <= 75, `the execution ended ${late} s after its limit`);
	check(attemptsOf(emu, executeId).length === 0 && reads > readsBeforeGetRun, `callbacks ${JSON.stringify(attemptsOf(emu, executeId))}, ${reads} history reads`);
	return (
		`execution ${row.id} waited until ${String(row.waitTill)} (Max Wait Time ${TIMEOUT_SECONDS} s), no callback; n8n resumed it and it ended ${done.status} ${late.toFixed(0)} s after the limit; ` +
		`Coze Workflow output the pending item (status ${String(pending.status)}, executeId ${executeId}), not run again (runs ${JSON.stringify(runCounts(done))}); ` +
		`Get Run gave ${String(followed.status)}; history reads ${reads} (1 before parking, ${reads - 1} by Get Run)`
	);
}
