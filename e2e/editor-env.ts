/**
 * A real n8n 2.x editor with this package installed from `npm pack`, credentials for the Coze
 * emulator and an OpenClaw gateway, the example workflows, and an owner account: what
 * `npm run editor` serves and what the browser walk-through drives.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { startEmulator, type CozeEmulator } from '../test/emulator';
import { startGateway, type GatewayRoute, type RunningGateway } from '../test/openclaw/gateway';
import { freePort } from '../test/support/processes';
import { waitFor } from '../test/support/wait';
import { ensureN8n } from './install';
import { importAll, prepareUserFolder, startProcess, type N8nSetup, type RunningN8n } from './n8n';

export const ROOT = join(__dirname, '..');
export const OWNER = { email: 'owner@example.com', firstName: 'Coze', lastName: 'Tester', password: 'Editor-Password-1' };
/** The ids of the imported credentials. */
export const CREDENTIAL_IDS = { coze: 'cozeEmulatorToken', openClaw: 'openClawLocalGw01', pushSecret: 'cozePushSecret001' };

export interface EditorEnvOptions {
	/** Where the tarball and the n8n user folder (`<cacheDir>/user`) go; the user folder starts empty. */
	cacheDir: string;
	/** n8n's port; a free one when left out. */
	port?: number;
	/** Start an OpenClaw gateway (about 1 GB of memory); without it the OpenClaw credential points nowhere. */
	openclaw: boolean;
	/** The packed package; when left out, the package is built and packed into cacheDir. */
	tarball?: string;
	/** A running emulator and gateway route to use instead of starting them (they are not stopped by stop()). */
	emulator?: CozeEmulator;
	gateway?: { gateway: RunningGateway; route: GatewayRoute };
	log: (line: string) => void;
}

export interface EditorEnv {
	/** http://127.0.0.1:<port> */
	base: string;
	version: string;
	setup: N8nSetup;
	n8n: RunningN8n;
	emu: CozeEmulator;
	gateway?: RunningGateway;
	route?: GatewayRoute;
	/** The example workflow files that were imported. */
	exampleFiles: string[];
	/** The owner's session cookie (`n8n-auth=…`) from the owner set-up, for REST calls. */
	cookie: string;
	/** The secret of the imported "Coze push secret" credential (what a Coze Trigger request must carry). */
	pushSecret: string;
	/** Stops n8n, then the gateway and emulator this env started. */
	stop(): Promise<void>;
}

export function packPackage(cacheDir: string): string {
	mkdirSync(cacheDir, { recursive: true });
	execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
	const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', cacheDir], { cwd: ROOT }).toString().trim().split('\n').pop()!;
	return join(cacheDir, packed);
}

export async function startEditorEnv(options: EditorEnvOptions): Promise<EditorEnv> {
	const { log } = options;
	mkdirSync(options.cacheDir, { recursive: true });
	const tarball = options.tarball ?? packPackage(options.cacheDir);
	const install = await ensureN8n('v2', { log });
	const setup = await prepareUserFolder(install, join(options.cacheDir, 'user'), tarball);
	const stops: Array<() => Promise<void>> = [];
	const stopAll = async () => {
		for (const stop of stops.reverse()) await stop();
		stops.length = 0;
	};
	try {
		const emu = options.emulator ?? (await startEmulator({ timeScale: 0.2 }));
		if (!options.emulator) stops.push(async () => await emu.close());
		let gateway = options.gateway?.gateway;
		let route = options.gateway?.route;
		if (!gateway && options.openclaw) {
			const started = await startGateway({ routeIds: ['editor'], log });
			stops.push(async () => await started.stop());
			gateway = started;
			route = started.routes.editor;
		}
		const pushSecret = randomBytes(24).toString('hex');
		const exampleFiles = readdirSync(join(ROOT, 'examples'))
			.filter((f) => f.endsWith('.json'))
			.map((f) => join(ROOT, 'examples', f));
		await importAll(
			setup,
			[
				{
					id: CREDENTIAL_IDS.coze,
					name: 'Coze emulator',
					type: 'cozeAccessTokenApi',
					data: { accessToken: emu.token, region: 'custom', baseUrl: emu.baseUrl, studioUrl: '' },
				},
				{
					id: CREDENTIAL_IDS.openClaw,
					name: 'OpenClaw local gateway',
					type: 'openClawWebhookApi',
					data: {
						gatewayUrl: gateway?.baseUrl ?? 'http://127.0.0.1:18789',
						routePath: route?.path ?? '/plugins/webhooks/n8n',
						secret: route?.secret ?? 'start-a-gateway-first',
						headerStyle: 'bearer',
					},
				},
				{ id: CREDENTIAL_IDS.pushSecret, name: 'Coze push secret', type: 'cozeWebhookSecretApi', data: { secret: pushSecret } },
			],
			exampleFiles,
		);
		const port = options.port ?? (await freePort());
		const n8n = await startProcess(setup, 'editor', ['start'], { port, brokerPort: await freePort() });
		stops.push(async () => await n8n.stop());
		const base = `http://127.0.0.1:${port}`;
		// /healthz answers before the REST routes exist; the editor's settings come with them.
		await waitFor('the editor', 120_000, async () => ((await fetch(`${base}/rest/settings`).catch(() => undefined))?.ok ? true : undefined), 500);
		const setupAnswer = await fetch(`${base}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		if (!setupAnswer.ok) throw new Error(`owner setup failed: HTTP ${setupAnswer.status} ${(await setupAnswer.text()).slice(0, 300)}`);
		const cookie = setupAnswer.headers.get('set-cookie')?.split(';')[0] ?? '';
		return { base, version: install.version, setup, n8n, emu, gateway, route, exampleFiles, cookie, pushSecret, stop: stopAll };
	} catch (error) {
		await stopAll();
		throw error;
	}
}
