/**
 * npm run test:e2e: the package inside real n8n. n8n 2.41 on Node 24 and n8n 1.123 on Node 20,
 * each with the packed package installed in its user folder, credentials pointing at the Coze
 * emulator and a real OpenClaw gateway, and the example workflows. Prints each scenario's result;
 * exits non-zero if any failed.  Options: --line=v2|v1 (one line only), --skip-queue, --skip-load,
 * --skip-browser (the browser walk-through through the v2 editor, e2e/browser.ts).
 * For development only, E2E_ONLY=<regular expression> runs only the scenarios whose name matches
 * (case-insensitive), and starts only what they need, and E2E_QUEUE_CALLS=<n> sends fewer calls in
 * the queue-mode load; the CI sets nothing and runs them all.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { percentile } from '../bench/lib';
import { startEmulator, type CozeEmulator } from '../test/emulator';
import { routeAction, startGateway, type GatewayRoute, type RunningGateway } from '../test/openclaw/gateway';
import { httpRequest } from '../test/support/http';
import { freePort } from '../test/support/processes';
import { waitFor } from '../test/support/wait';
import { BROWSER_STEPS, browserWalkthrough } from './browser';
import { CALLBACK_N8N_WORKFLOWS, callbackNames, callbackWorkflowFiles, runCallbackLine } from './callback';
import { AGENT_CHAT, agentMemory, CHAT_NAMES, CHATFLOW_CHAT, chatflowMemory, interleavedSessions, QUESTION_CHAT, questionAnswered, questionChatWorkflow } from './chat';
import { check, timedCheck } from './checks';
import { startEditorEnv, type EditorEnv } from './editor-env';
import { ensureN8n, type N8nLine } from './install';
import {
	activate,
	execute,
	importAll,
	prepareUserFolder,
	readExecutions,
	readStaticData,
	startProcess,
	streamedChunks,
	webhookRequest,
	type N8nSetup,
	type RunningN8n,
} from './n8n';
import { mainRestarted, QUEUE_NAMES, queueOnPostgres, redisRestarted, signedReplay, workerKilled, workerKilledAfterCreates } from './queue';
import { handOffTwice, OPENCLAW_TOOL_NAMES, openClawToolCredential, openClawToolWorkflow, startOpenClawToolModel } from './openclaw-tool';
import { MCP_NAMES, MCP_WORKFLOW_ID, mcpCallsCozeTool, mcpToolWorkflow } from './mcp';
import { AGENT_TOOL_CHAT, agentToolWorkflow, agentUsesCozeTool, cozeDescriptionOf, scriptedModelCredential, startToolsModel, TOOLS_NAMES } from './tools';
import { checkTriggerAnswers, RESPOND_MODES, respondNodeWorkflow } from './trigger-answers';
import type { ScriptedModel } from '../test/support/scripted-model';

const ROOT = join(__dirname, '..');
const CACHE = join(ROOT, '.cache', 'e2e');
const args = process.argv.slice(2);
const LINES: N8nLine[] = args.find((a) => a.startsWith('--line='))
	? [args.find((a) => a.startsWith('--line='))!.slice(7) as N8nLine]
	: ['v2', 'v1'];
const WEBHOOK = {
	stream: 'coze-stream',
	reply: '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a02/coze',
	run: '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a03/coze',
};
const WORKFLOWS = { handOff: 'cozeHandOff00001', stream: 'cozeStreamHook01', reply: 'cozeTriggerReply', run: 'cozeTriggerRun01', finished: 'openClawFinished' };
const ONLY = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY, 'i') : undefined;
const wanted = (name: string) => !ONLY || ONLY.test(name);
/** The scenarios of each line; those after `n8n start` share one running n8n. */
const NAMES = {
	execute: 'n8n execute: Coze Workflow (stream) → OpenClaw hand-off',
	stream: 'n8n start: Webhook (streaming response) → Coze Workflow',
	respond: (label: string) => `Coze Trigger answers, Respond "${label}": status, content type and body; 401, 415, 413 refused`,
	openClawTrigger: 'OpenClaw TaskFlow Trigger: a finished flow starts an execution',
	load: 'Load: 200 concurrent requests to an active Coze Trigger',
};
const CHAT_SCENARIOS = [
	{ name: CHAT_NAMES.chatflowMemory, run: chatflowMemory },
	{ name: CHAT_NAMES.sessions, run: interleavedSessions },
	{ name: CHAT_NAMES.agent, run: agentMemory },
	{ name: CHAT_NAMES.question, run: questionAnswered },
];
const START_NAMES = [
	NAMES.stream,
	...RESPOND_MODES.map((m) => NAMES.respond(m.label)),
	NAMES.openClawTrigger,
	...CHAT_SCENARIOS.map((c) => c.name),
	TOOLS_NAMES.cozeTool,
	MCP_NAMES.cozeTool,
	NAMES.load,
];

interface Outcome {
	line: string;
	scenario: string;
	ok: boolean;
	detail: string;
	seconds: number;
}
const outcomes: Outcome[] = [];
const log = (line: string) => console.log(line);

/** Runs one scenario unless E2E_ONLY leaves it out (`always`: the browser's sign-in and console checks); resolves whether it passed. */
async function scenario(line: string, name: string, body: () => Promise<string>, always = false): Promise<boolean> {
	if (!always && !wanted(name)) return false;
	const outcome = { line, scenario: name, ...(await timedCheck(body)) };
	outcomes.push(outcome);
	log(`${outcome.ok ? 'PASS' : 'FAIL'}  [${line}] ${name} (${outcome.seconds.toFixed(1)} s): ${outcome.detail}`);
	return outcome.ok;
}

/** An action's result; right after a load the nodes may have used the route's 120 requests a minute, so a 429 is waited out. */
async function gatewayActionWithinLimit(route: GatewayRoute, body: { action: string }): Promise<Record<string, unknown>> {
	const answer = await waitFor(`${body.action} within the route's rate limit`, 90_000, async () => {
		const reply = await routeAction(route, body);
		return reply.status === 429 ? undefined : reply;
	}, 5_000);
	check(answer.status === 200, `${body.action} answered ${answer.status}`);
	return (JSON.parse(answer.body) as { result: Record<string, unknown> }).result;
}

async function gatewayFlows(route: GatewayRoute): Promise<Array<Record<string, unknown>>> {
	return (await gatewayActionWithinLimit(route, { action: 'list_flows' })).flows as Array<Record<string, unknown>>;
}

async function gatewayTaskCount(route: GatewayRoute, flowId: string): Promise<number> {
	const result = await gatewayActionWithinLimit(route, { action: 'get_task_summary', flowId } as { action: string });
	return Number((result.summary as { total?: number } | null)?.total ?? 0);
}

async function gatewayAction(route: GatewayRoute, body: object): Promise<Record<string, unknown>> {
	const answer = await routeAction(route, body);
	check(answer.status === 200, `${JSON.stringify(body)} answered ${answer.status}: ${answer.body}`);
	return (JSON.parse(answer.body) as { result: Record<string, unknown> }).result;
}

function credentials(emu: CozeEmulator, gateway: RunningGateway, route: GatewayRoute, pushSecret: string): object[] {
	return [
		{
			id: 'cozeEmulatorToken',
			name: 'Coze emulator',
			type: 'cozeAccessTokenApi',
			data: { accessToken: emu.token, region: 'custom', baseUrl: emu.baseUrl, studioUrl: '' },
		},
		{
			id: 'openClawLocalGw01',
			name: 'OpenClaw local gateway',
			type: 'openClawWebhookApi',
			data: { gatewayUrl: gateway.baseUrl, routePath: route.path, secret: route.secret, headerStyle: 'bearer' },
		},
		{ id: 'cozePushSecret001', name: 'Coze push secret', type: 'cozeWebhookSecretApi', data: { secret: pushSecret } },
	];
}

function lineCredentials(line: N8nLine, emu: CozeEmulator, gateway: RunningGateway, pushSecret: string, models: ToolModels): object[] {
	const route = gateway.routes[`e2e-${line}`];
	return [...credentials(emu, gateway, route, pushSecret), scriptedModelCredential(models.coze), openClawToolCredential(models.openClaw)];
}

async function waitForWebhooks(n8n: RunningN8n, secret: string): Promise<void> {
	// n8n says it is ready before it has registered the webhooks of active workflows: a 404 until then.
	await waitFor('the Coze Trigger webhook to be registered', 90_000, async () => {
		const answer = await httpRequest('POST', `http://127.0.0.1:${n8n.port}/webhook/${WEBHOOK.reply}`, {
			headers: { 'content-type': 'application/json', authorization: `Bearer wrong-${secret}` },
			body: '{}',
			timeoutMs: 5_000,
		});
		return answer.status === 401 ? true : undefined;
	}, 500);
}

/** The scripted models of the tool scenarios: one script each. */
interface ToolModels {
	coze: ScriptedModel;
	openClaw: ScriptedModel;
}

async function runLine(line: N8nLine, tarball: string, emu: CozeEmulator, gateway: RunningGateway, pushSecret: string, models: ToolModels): Promise<N8nSetup> {
	const route = gateway.routes[`e2e-${line}`];
	const install = await ensureN8n(line, { log: (l) => log(`  ${l}`) });
	log(`== n8n ${install.version} (${line}) on Node ${execFileSync(install.nodeBin, ['--version']).toString().trim()}`);
	const setup = await prepareUserFolder(install, join(CACHE, `user-${line}`), tarball);
	const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.json')).map((f) => join(ROOT, 'examples', f));
	const respondNode = join(CACHE, 'coze-trigger-respond-node.json');
	writeFileSync(respondNode, JSON.stringify(respondNodeWorkflow('cozePushSecret001')));
	const questionChat = join(CACHE, 'coze-chat-question.json');
	writeFileSync(questionChat, JSON.stringify(questionChatWorkflow('cozeEmulatorToken')));
	const agentTool = join(CACHE, 'ai-agent-coze-tool.json');
	const cozeDescription = await cozeDescriptionOf(emu);
	writeFileSync(agentTool, JSON.stringify(agentToolWorkflow('cozeEmulatorToken', cozeDescription)));
	const mcpTool = join(CACHE, 'mcp-coze-tool.json');
	writeFileSync(mcpTool, JSON.stringify(mcpToolWorkflow('cozeEmulatorToken', cozeDescription)));
	const openClawTool = join(CACHE, 'ai-agent-openclaw-tool.json');
	writeFileSync(openClawTool, JSON.stringify(openClawToolWorkflow('openClawLocalGw01')));
	const callbackFiles = callbackWorkflowFiles(CACHE, 'cozeEmulatorToken');
	const e2eWorkflows = [respondNode, questionChat, agentTool, mcpTool, openClawTool, ...callbackFiles];
	const allCredentials = lineCredentials(line, emu, gateway, pushSecret, models);
	await importAll(setup, allCredentials, [...examples, ...e2eWorkflows]);
	log(`  imported ${examples.length} example workflows, ${e2eWorkflows.length} e2e workflows and ${allCredentials.length} credentials into ${setup.userFolder}`);
	// Activated now: activation is an n8n command, and n8n must not run while another command changes its database.
	if (callbackNames(line, !args.includes('--skip-queue')).some(wanted)) for (const id of Object.values(CALLBACK_N8N_WORKFLOWS)) await activate(setup, id);

	await scenario(line, NAMES.execute, async () => {
		const result = await execute(setup, WORKFLOWS.handOff, { port: await freePort(), brokerPort: await freePort() });
		check(result.code === 0 && result.execution?.status === 'success', `execute exited ${result.code}: ${result.execution?.data.resultData.error?.message ?? result.output.slice(-600)}`);
		const coze = result.execution.data.resultData.runData['Coze Workflow'][0].data!.main![0][0].json;
		const handed = result.execution.data.resultData.runData['OpenClaw TaskFlow'][0].data!.main![0][0].json;
		check(coze.status === 'succeeded' && /^\d{19}$/.test(String(coze.executeId)), `Coze output ${JSON.stringify(coze).slice(0, 200)}`);
		check(handed.created === true && handed.idempotencyKey === coze.executeId, `hand-off output ${JSON.stringify(handed).slice(0, 300)}`);
		const flows = (await gatewayFlows(route)).filter((f) => (f.stateJson as { idempotencyKey?: string } | undefined)?.idempotencyKey === coze.executeId);
		check(flows.length === 1, `the gateway holds ${flows.length} flows for run ${String(coze.executeId)}`);
		return `run ${String(coze.executeId)} handed off to flow ${String(handed.flowId)}; the gateway holds exactly one flow for it`;
	});

	await scenario(line, OPENCLAW_TOOL_NAMES.handOffTwice, async () => await handOffTwice(setup, models.openClaw, async () => await gatewayFlows(route)));

	if (!START_NAMES.some(wanted)) return setup;
	const chats = CHAT_SCENARIOS.some((c) => wanted(c.name)) ? [CHATFLOW_CHAT, AGENT_CHAT, QUESTION_CHAT].map((c) => c.workflowId) : [];
	const tools = [...(wanted(TOOLS_NAMES.cozeTool) ? [AGENT_TOOL_CHAT.workflowId] : []), ...(wanted(MCP_NAMES.cozeTool) ? [MCP_WORKFLOW_ID] : [])];
	for (const id of [WORKFLOWS.stream, WORKFLOWS.reply, WORKFLOWS.run, WORKFLOWS.finished, RESPOND_MODES[2].workflowId, ...chats, ...tools]) await activate(setup, id);
	// A flow that exists before activation is in the trigger's first (silent) poll; finishing it later is a transition.
	const watched = (await gatewayAction(route, { action: 'create_flow', goal: `e2e ${line}: finish me` })).flow as { flowId: string; revision: number };
	const port = await freePort();
	const n8n = await startProcess(setup, 'start', ['start'], { port, brokerPort: await freePort() });
	try {
		await waitForWebhooks(n8n, pushSecret);
		const base = `http://127.0.0.1:${port}`;

		await scenario(line, NAMES.stream, async () => {
			const response = await webhookRequest(`${base}/webhook/${WEBHOOK.stream}`, JSON.stringify({ question: 'Does streaming work?' }));
			check(response.status === 200, `HTTP ${response.status}: ${response.body.slice(0, 300)}`);
			const chunks = streamedChunks(response);
			const items = chunks.filter((c) => c.type === 'item');
			const early = items.filter((c) => c.at < response.totalMs - 100);
			check(early.length > 1, `only ${early.length} chunks arrived before the run ended (${items.length} in all; content-type ${String(response.headers['content-type'])})`);
			return `${items.length} chunks, the first after ${Math.round(items[0].at)} ms, the response ended after ${Math.round(response.totalMs)} ms`;
		});

		for (const mode of RESPOND_MODES) await scenario(line, NAMES.respond(mode.label), async () => await checkTriggerAnswers(setup, base, mode, pushSecret));

		await scenario(line, NAMES.openClawTrigger, async () => {
			// The trigger's first poll notes the existing flows; only then is finishing the flow a change it reports.
			await waitFor('the trigger\'s first poll', 60_000, async () => {
				const data = await readStaticData(setup, WORKFLOWS.finished);
				return data && JSON.stringify(data).includes(watched.flowId) ? true : undefined;
			}, 1000);
			await gatewayAction(route, { action: 'finish_flow', flowId: watched.flowId, expectedRevision: watched.revision });
			const execution = await waitFor('an execution of the OpenClaw trigger workflow', 100_000, async () => {
				const rows = await readExecutions(setup, WORKFLOWS.finished);
				return rows.find((row) => JSON.stringify(row.json ?? []).includes(watched.flowId));
			}, 2000);
			check(execution.status === 'success', `execution ${execution.id} is ${execution.status}`);
			const item = execution.json![0];
			check(item.event === 'succeeded' && item.previousStatus === 'queued', `item ${JSON.stringify(item).slice(0, 200)}`);
			return `execution ${execution.id}: event ${String(item.event)}, ${String(item.previousStatus)} → ${String(item.status)}`;
		});

		for (const chat of CHAT_SCENARIOS) await scenario(line, chat.name, async () => await chat.run(setup, base, line));

		await scenario(line, TOOLS_NAMES.cozeTool, async () => await agentUsesCozeTool(setup, base, emu, models.coze));
		await scenario(line, MCP_NAMES.cozeTool, async () => await mcpCallsCozeTool(base, emu));

		if (!args.includes('--skip-load')) {
			await scenario(line, NAMES.load, async () => {
				const before = (await readExecutions(setup, WORKFLOWS.run)).length;
				const started = Date.now();
				const responses = await Promise.all(
					Array.from({ length: 200 }, (_, n) =>
						httpRequest('POST', `${base}/webhook/${WEBHOOK.run}`, {
							headers: { 'content-type': 'application/json', authorization: `Bearer ${pushSecret}` },
							body: JSON.stringify({ n }),
						}),
					),
				);
				const wall = (Date.now() - started) / 1000;
				const failed = responses.filter((r) => r.status !== 200);
				check(failed.length === 0, `${failed.length} requests failed: ${failed.slice(0, 3).map((r) => `${r.status} ${r.body.slice(0, 80)}`).join(' | ')}`);
				const latencies = responses.map((r) => r.totalMs);
				const executions = await waitFor('200 executions', 300_000, async () => {
					const rows = (await readExecutions(setup, WORKFLOWS.run)).slice(before);
					return rows.length >= 200 && rows.every((r) => r.status !== 'running' && r.status !== 'new') ? rows : undefined;
				}, 2000);
				const ok = executions.filter((r) => r.status === 'success').length;
				check(executions.length === 200 && ok === 200, `${executions.length} executions, ${ok} successful`);
				return `200 accepted in ${wall.toFixed(1)} s, latency p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms; 200 successful executions`;
			});
		}
	} finally {
		await n8n.stop();
	}
	return setup;
}

/** The browser walk-through, in an editor of its own (a fresh user folder) sharing the emulator and gateway. */
async function runBrowser(tarball: string, emu: CozeEmulator, gateway: RunningGateway): Promise<void> {
	let env: EditorEnv | undefined;
	try {
		env = await startEditorEnv({
			cacheDir: join(CACHE, 'browser'),
			tarball,
			emulator: emu,
			gateway: { gateway, route: gateway.routes['e2e-browser'] },
			openclaw: true,
			log: (l) => log(`  ${l}`),
		});
		log(`== browser walk-through: n8n ${env.version} at ${env.base}`);
		await browserWalkthrough(
			env,
			async (name, body) => await scenario('v2', name, body, name === BROWSER_STEPS.signIn || name === BROWSER_STEPS.console),
			{ log },
		);
	} catch (error) {
		await scenario(
			'v2',
			'Browser walk-through',
			async () => {
				throw error;
			},
			true,
		);
	} finally {
		await env?.stop();
	}
}

async function main(): Promise<void> {
	const started = Date.now();
	mkdirSync(CACHE, { recursive: true });
	execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
	const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', CACHE], { cwd: ROOT }).toString().trim().split('\n').pop()!;
	const tarball = join(CACHE, packed);
	log(`packed ${tarball}`);
	const emu = await startEmulator({ timeScale: 0.5 });
	// On a loaded machine the gateway has taken close to its default 120 s to start.
	const gateway = await startGateway({ routeIds: ['e2e-v2', 'e2e-v1', 'e2e-browser'], log: (l) => log(`  ${l}`), startTimeoutMs: 300_000 });
	const pushSecret = randomBytes(24).toString('hex');
	const models: ToolModels = { coze: await startToolsModel(), openClaw: await startOpenClawToolModel() };
	try {
		for (const line of LINES) {
			const queue = !args.includes('--skip-queue');
			const queueNames = queue ? (line === 'v2' ? Object.values(QUEUE_NAMES).filter((n) => n !== QUEUE_NAMES.killedAfterCreates) : [QUEUE_NAMES.killed, QUEUE_NAMES.killedAfterCreates]) : [];
			const lineNames = [NAMES.execute, OPENCLAW_TOOL_NAMES.handOffTwice, ...START_NAMES, ...queueNames, ...callbackNames(line, queue)];
			const setup = lineNames.some(wanted) ? await runLine(line, tarball, emu, gateway, pushSecret, models) : undefined;
			const credentials = lineCredentials(line, emu, gateway, pushSecret, models);
			if (setup && queue) {
				const route = gateway.routes[`e2e-${line}`];
				const queueContext = {
					setup,
					credentials,
					emu,
					gatewayFlows: async () => await gatewayFlows(route),
					gatewayTasks: async (flowId: string) => await gatewayTaskCount(route, flowId),
					cacheDir: CACHE,
					log: (l: string) => log(`  ${l}`),
				};
				if (line === 'v2') await scenario(line, QUEUE_NAMES.load, async () => await queueOnPostgres(queueContext));
				await scenario(line, QUEUE_NAMES.killed, async () => await workerKilled(queueContext));
				if (line === 'v1') await scenario(line, QUEUE_NAMES.killedAfterCreates, async () => await workerKilledAfterCreates(queueContext));
				if (line === 'v2') await scenario(line, QUEUE_NAMES.redisRestart, async () => await redisRestarted(queueContext));
				if (line === 'v2') await scenario(line, QUEUE_NAMES.mainRestart, async () => await mainRestarted(queueContext));
				if (line === 'v2') await scenario(line, QUEUE_NAMES.replay, async () => await signedReplay(queueContext));
			}
			const scenarioOfLine = async (name: string, body: () => Promise<string>) => await scenario(line, name, body);
			const callbackQueue = queue ? { credentials, cacheDir: CACHE } : undefined;
			if (setup) await runCallbackLine({ line, setup, emu, wanted, scenario: scenarioOfLine, log: (l) => log(`  ${l}`) }, callbackQueue);
			if (line === 'v2' && !args.includes('--skip-browser') && Object.values(BROWSER_STEPS).some(wanted)) await runBrowser(tarball, emu, gateway);
		}
	} finally {
		await models.coze.close();
		await models.openClaw.close();
		await gateway.stop();
		await emu.close();
	}
	const failed = outcomes.filter((o) => !o.ok);
	log(`\n${outcomes.length - failed.length} of ${outcomes.length} scenarios passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
	for (const o of outcomes) log(`  ${o.ok ? 'PASS' : 'FAIL'}  [${o.line}] ${o.scenario}`);
	process.exit(failed.length === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
