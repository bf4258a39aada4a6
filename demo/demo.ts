/**
 * npm run demo: the package's main job, with no Coze account and no OpenClaw set-up.
 *
 * Runs the nodes of examples/coze-to-openclaw-handoff.json through n8n-core's engine: the Coze
 * Workflow node streams a run from the embedded Coze emulator (each chunk printed as it arrives),
 * then the OpenClaw TaskFlow node hands the result off to a real OpenClaw gateway on loopback
 * (installed into .cache/ on first use, as the tests install it). It then hands the same Coze run
 * off again, to show that the flow is found by its key and reused, not created twice.
 *
 * `npm run demo -- --no-openclaw` runs the Coze part alone. Exits 0 when every step did what it
 * should.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { startEmulator } from '../test/emulator';
import { accessTokenCredentials, PACKAGE_NAME, runNode, runWorkflow, TestCredentialsHelper, type StructuredChunk, type WorkflowJson } from '../test/harness/engine';
import { startGateway, type RunningGateway } from '../test/openclaw/gateway';

const EXAMPLE = join(__dirname, '../examples/coze-to-openclaw-handoff.json');
const COZE_NODE = 'Coze Workflow';
const OPENCLAW_NODE = 'OpenClaw TaskFlow';
const ROUTE_ID = 'demo';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const indent = (text: string) => text.replace(/^/gm, '    ');

function fail(message: string): never {
	throw new Error(message);
}

async function main(): Promise<void> {
	const withOpenClaw = !process.argv.includes('--no-openclaw');
	const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as WorkflowJson;
	// n8n's own Manual Trigger is not part of this package: the run starts at the Coze node.
	const kept = example.nodes.filter((n: INode) => (withOpenClaw ? n.type.startsWith(`${PACKAGE_NAME}.`) : n.name === COZE_NODE));
	const names = new Set(kept.map((n) => n.name));
	const workflow: WorkflowJson = {
		nodes: kept,
		connections: Object.fromEntries(Object.entries(example.connections).filter(([from]) => names.has(from))),
	};

	// Coze time runs 30× faster than real time, so the live stream takes a couple of seconds.
	const emulator = await startEmulator({ timeScale: 1 / 30 });
	let gateway: RunningGateway | undefined;
	try {
		console.log(`Coze: emulator on ${emulator.baseUrl}`);
		const stores: ConstructorParameters<typeof TestCredentialsHelper>[0] = {
			cozeAccessTokenApi: accessTokenCredentials(emulator.baseUrl, emulator.token).stored('cozeAccessTokenApi'),
		};
		if (withOpenClaw) {
			console.log('OpenClaw: starting a real gateway on loopback (the first time installs Node 24 and openclaw into .cache/, a few minutes)');
			const started = Date.now();
			gateway = await startGateway({ routeIds: [ROUTE_ID], log: (line) => console.log(`  ${line}`) });
			const route = gateway.routes[ROUTE_ID];
			console.log(`OpenClaw: gateway ready at ${gateway.baseUrl}${route.path} in ${seconds(Date.now() - started)}`);
			stores.openClawWebhookApi = { gatewayUrl: gateway.baseUrl, routePath: route.path, secret: route.secret, headerStyle: 'bearer' };
		}
		const credentials = new TestCredentialsHelper(stores);

		console.log(`\n1. ${COZE_NODE}: a stream run, chunks as they arrive`);
		const started = Date.now();
		const print = (chunk: StructuredChunk) => {
			if (chunk.metadata.nodeName !== COZE_NODE || chunk.type !== 'item') return;
			console.log(`   [${String(Date.now() - started).padStart(5)} ms] ${JSON.stringify(chunk.content)}`);
		};
		const result = await runWorkflow({ workflow, startNode: COZE_NODE, credentials, mode: 'webhook', streaming: true, onChunk: print });
		if (result.status !== 'success') fail(`The workflow failed${result.error?.node ? ` in ${result.error.node}` : ''}: ${result.error?.message ?? result.status}`);
		const coze = result.items[COZE_NODE]?.[0]?.json ?? fail(`${COZE_NODE} gave no item`);
		const output = typeof coze.output === 'string' ? coze.output : JSON.stringify(coze.output);
		console.log(`   done: status ${String(coze.status)}, executeId ${String(coze.executeId)}, output ${output.length} characters`);
		if (!withOpenClaw) return;

		const first = result.items[OPENCLAW_NODE]?.[0] ?? fail(`${OPENCLAW_NODE} gave no item`);
		console.log(`\n2. ${OPENCLAW_NODE}: Hand Off of that run`);
		console.log(indent(JSON.stringify(first.json, null, 2)));

		// A re-run of the hand-off (a retry, or the same Coze run arriving twice) finds the flow by
		// its Idempotency Key, the Coze execute ID, and creates nothing.
		console.log(`\n3. ${OPENCLAW_NODE}: Hand Off of the same Coze run again`);
		const node = example.nodes.find((n: INode) => n.name === OPENCLAW_NODE) ?? fail(`the example has no ${OPENCLAW_NODE} node`);
		const input: INodeExecutionData[] = [{ json: coze as IDataObject }];
		const again = await runNode({ node: 'openClawTaskFlow', typeVersion: node.typeVersion, parameters: node.parameters, credentials, credentialTypes: ['openClawWebhookApi'], inputItems: input });
		if (again.status !== 'success') fail(`The second hand-off failed: ${again.error?.message ?? again.status}`);
		const second = again.items[0] ?? fail('the second hand-off gave no item');
		console.log(indent(JSON.stringify(second.json, null, 2)));
		if (first.json.created !== true) fail('the first hand-off did not create a flow');
		if (second.json.created !== false || second.json.flowId !== first.json.flowId) fail('the second hand-off did not reuse the flow');
		console.log(`\nThe second hand-off reused flow ${String(first.json.flowId)} ("created": false): one Coze run, one OpenClaw flow.`);
	} finally {
		await gateway?.stop();
		await emulator.close();
	}
}

main().catch((error: unknown) => {
	console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
});
