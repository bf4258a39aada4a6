/**
 * npm run editor: a real n8n (2.x) with this package, the example workflows and credentials for
 * the embedded Coze emulator and a local OpenClaw gateway, so that the nodes can be tried without
 * a Coze account. Prints the editor URL and a login; Ctrl-C stops everything.
 *   --check          start, check that every example opens (its node and credential types are
 *                    known to the editor), then stop: used by the e2e suite.
 *   --no-openclaw    do not start the OpenClaw gateway (saves about 1 GB of memory).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startEmulator } from '../test/emulator';
import { startGateway, type RunningGateway } from '../test/openclaw/gateway';
import { ensureN8n } from './install';
import { freePort, importAll, prepareUserFolder, startProcess, waitFor } from './n8n';

const ROOT = join(__dirname, '..');
const CACHE = join(ROOT, '.cache', 'editor');
const args = process.argv.slice(2);
const OWNER = { email: 'owner@example.com', firstName: 'Coze', lastName: 'Tester', password: 'Editor-Password-1' };

interface WorkflowFile {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; credentials?: Record<string, unknown> }>;
}

async function main(): Promise<void> {
	mkdirSync(CACHE, { recursive: true });
	execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
	const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', CACHE], { cwd: ROOT }).toString().trim().split('\n').pop()!;
	const install = await ensureN8n('v2', { log: console.log });
	const setup = await prepareUserFolder(install, join(CACHE, 'user'), join(CACHE, packed));
	const emu = await startEmulator({ timeScale: 0.2 });
	let gateway: RunningGateway | undefined;
	if (!args.includes('--no-openclaw')) gateway = await startGateway({ routeIds: ['editor'], log: console.log });
	const pushSecret = randomBytes(24).toString('hex');
	const files = readdirSync(join(ROOT, 'examples'))
		.filter((f) => f.endsWith('.json'))
		.map((f) => join(ROOT, 'examples', f));
	const route = gateway?.routes.editor;
	await importAll(
		setup,
		[
			{ id: 'cozeEmulatorToken', name: 'Coze emulator', type: 'cozeAccessTokenApi', data: { accessToken: emu.token, region: 'custom', baseUrl: emu.baseUrl, studioUrl: '' } },
			{
				id: 'openClawLocalGw01',
				name: 'OpenClaw local gateway',
				type: 'openClawWebhookApi',
				data: { gatewayUrl: gateway?.baseUrl ?? 'http://127.0.0.1:18789', routePath: route?.path ?? '/plugins/webhooks/n8n', secret: route?.secret ?? 'start-a-gateway-first', headerStyle: 'bearer' },
			},
			{ id: 'cozePushSecret001', name: 'Coze push secret', type: 'cozeWebhookSecretApi', data: { secret: pushSecret } },
		],
		files,
	);
	const port = args.includes('--check') ? await freePort() : Number(process.env.N8N_PORT ?? 5678);
	const n8n = await startProcess(setup, 'editor', ['start'], { port, brokerPort: await freePort() });
	const base = `http://127.0.0.1:${port}`;
	const stopAll = async () => {
		await n8n.stop();
		await gateway?.stop();
		await emu.close();
	};
	try {
		// /healthz answers before the REST routes exist; the editor's settings come with them.
		await waitFor('the editor', 120_000, async () => ((await fetch(`${base}/rest/settings`).catch(() => undefined))?.ok ? true : undefined), 500);
		const setupAnswer = await fetch(`${base}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
		const cookie = setupAnswer.headers.get('set-cookie')?.split(';')[0] ?? '';
		if (!setupAnswer.ok) throw new Error(`owner setup failed: HTTP ${setupAnswer.status} ${(await setupAnswer.text()).slice(0, 300)}`);
		// What the editor needs to open each example: its workflow, and every node and credential type.
		// The type lists are written shortly after start-up: retry until they parse.
		const typesOf = async (kind: string) =>
			await waitFor(`/types/${kind}.json`, 60_000, async () => {
				const answer = await fetch(`${base}/types/${kind}.json`, { headers: { cookie } });
				const text = await answer.text();
				if (!answer.ok) throw new Error(`HTTP ${answer.status}: ${text.slice(0, 200)}`);
				return JSON.parse(text) as Array<{ name: string }>;
			}, 1000);
		const nodeTypes = await typesOf('nodes');
		const credentialTypes = await typesOf('credentials');
		const knownNodes = new Set(nodeTypes.map((t) => t.name));
		const knownCredentials = new Set(credentialTypes.map((t) => t.name));
		const problems: string[] = [];
		for (const file of files) {
			const workflow = JSON.parse(readFileSync(file, 'utf8')) as WorkflowFile;
			const answer = await fetch(`${base}/rest/workflows/${workflow.id}`, { headers: { cookie } });
			if (!answer.ok) problems.push(`${workflow.id}: HTTP ${answer.status}`);
			for (const node of workflow.nodes) {
				if (!knownNodes.has(node.type)) problems.push(`${workflow.name}: unknown node type ${node.type}`);
				for (const type of Object.keys(node.credentials ?? {})) if (!knownCredentials.has(type)) problems.push(`${workflow.name}: unknown credential type ${type}`);
			}
		}
		if (problems.length) throw new Error(`examples that would not open:\n  ${problems.join('\n  ')}`);
		console.log(`\nn8n ${install.version} with n8n-nodes-coze-openclaw: ${base}/`);
		console.log(`Log in as ${OWNER.email} / ${OWNER.password}`);
		console.log(`${files.length} example workflows open; credentials point at the Coze emulator (${emu.baseUrl})${gateway ? ` and an OpenClaw gateway (${gateway.baseUrl})` : ''}.`);
		if (args.includes('--check')) return;
		console.log('Ctrl-C stops n8n, the emulator and the gateway.');
		await new Promise<void>((resolve) => {
			process.once('SIGINT', () => resolve());
			process.once('SIGTERM', () => resolve());
		});
	} finally {
		await stopAll();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : error);
		process.exit(1);
	},
);
