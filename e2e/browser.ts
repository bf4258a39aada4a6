/**
 * The browser walk-through: Debian's Chromium, driven by playwright-core, through the
 * real n8n 2.x editor with this package installed (the environment of `npm run editor`), asserting
 * what the page shows: the node search, the Coze Workflow panel (workflow picker, input fields,
 * Execute step), the credential forms and their tests, and the browser console. Saves the
 * screenshots the README shows into docs/screenshots/.
 *
 * Part of `npm run test:e2e` (line v2); alone: `npx tsx e2e/browser.ts`.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';

import { builtInScenarios, WORKSPACES, PERSONAL_WORKSPACE_ID, type WorkflowScenario } from '../test/emulator/scenarios';
import { waitFor } from '../test/support/wait';
import { CHAT_PANEL_STEP, chatPanelWalkthrough } from './browser-chat';
import { AI_AGENT_TOOL_STEP, aiAgentToolWalkthrough } from './browser-tool';
import { fromScratchWalkthrough, SCRATCH_STEPS } from './browser-scratch';
import { check, timedCheck } from './checks';
import { launchChromium } from './chromium';
import { OWNER, ROOT, startEditorEnv, type EditorEnv } from './editor-env';
import { PACKAGE_NAME } from './n8n';

export const SCREENSHOTS_DIR = join(ROOT, 'docs', 'screenshots');
const FAILURES_DIR = join(ROOT, '.cache', 'browser-failures');
const VIEWPORT = { width: 1440, height: 900 };
const ICON_PATH = `/icons/${PACKAGE_NAME}/dist/icons/`;
const ALL_INPUT_TYPES_ID = '7400000000000000020';

/** The checks of the walk-through, by name (E2E_ONLY in run.ts selects among them). */
export const BROWSER_STEPS = {
	signIn: 'Browser: sign in to the editor as the owner',
	search: 'Browser: the node search finds the five nodes with their icons',
	picker: "Browser: Coze Workflow panel: the picker lists the emulator's workflows and filters by name",
	fields: 'Browser: choosing "All input types" shows its input fields with their types and required marks',
	execute: 'Browser: "Execute step" shows the output item (status, output, executeId, debugUrl)',
	cozeCredential: 'Browser: Coze Access Token API: the form saves, the test passes against the emulator, a wrong token fails clearly',
	jwtCredential: 'Browser: Coze OAuth JWT API: the form saves, the test passes against the emulator, a wrong key fingerprint fails clearly',
	openClawCredential: 'Browser: OpenClaw Webhook Route API: the form saves, the test passes against the gateway, a wrong secret fails clearly',
	secretCredential: 'Browser: Coze Webhook Secret API: the form saves (it has no test)',
	...SCRATCH_STEPS,
	chatPanel: CHAT_PANEL_STEP,
	aiAgentTool: AI_AGENT_TOOL_STEP,
	console: 'Browser: the console shows no errors from the package',
};

/** Runs one named check; resolves whether it passed (false when it did not run) (run.ts's scenario() or the stand-alone runner). */
export type Reporter = (name: string, body: () => Promise<string>) => Promise<boolean>;

interface ConsoleEntry {
	kind: string;
	text: string;
	url: string;
}

/**
 * Whether a console entry comes from the package: it names the package, its nodes or credentials,
 * or its icons; or it is a failed load-options / resource-mapper call, which runs the package's code.
 * n8n's own look-ups that name the package are left out: the package on the npm registry (unreachable
 * here) and the schema preview's optional output schemas.
 */
function isFromPackage(entry: ConsoleEntry): boolean {
	if (/^https:\/\/(registry\.npmjs\.org|api\.n8n\.io)\//.test(entry.url)) return false;
	// n8n's schema preview asks for an optional output schema of each node (/schemas/<type>/<version>/…json)
	// and shows the panel without one when it gets a 404: a look-up, not a failure of the package.
	if (entry.kind === 'console.error' && /\/schemas\/[^/]+\/[\d.]+(\/[^/]+)?\.json$/.test(entry.url) && /404/.test(entry.text)) return false;
	const text = `${entry.text} ${entry.url}`;
	return (
		/n8n-nodes-coze-openclaw|coze|openclaw|cozeWorkflow|cozeTrigger|openClawTaskFlow|cozeJwtApi|cozeAccessTokenApi|openClawWebhookApi|cozeWebhookSecretApi/i.test(
			text,
		) || /\/rest\/dynamic-node-parameters\//.test(entry.url)
	);
}

/** The workflows the emulator lists to the picker: published workflows (no chatflows), "<name> (<workspace>)". */
function listedWorkflows(): string[] {
	const workspaceName = new Map(WORKSPACES.map((w) => [w.id, w.name]));
	return builtInScenarios()
		.filter((s) => s.mode !== 'chatflow' && s.publishStatus !== 'unpublished_draft')
		.map((s) => `${s.name} (${workspaceName.get(s.workspaceId ?? PERSONAL_WORKSPACE_ID) ?? '?'})`);
}

/** Coze's file-like input types: text fields taking a binary field name, a URL or a file ID. */
const FILE_INPUT_TYPES = new Set(['file', 'image', 'doc', 'audio', 'video', 'voice', 'ppt', 'excel', 'txt', 'code', 'zip', 'svg']);

type FieldKind = 'text' | 'number' | 'switch' | 'json';

/** How n8n shows a Coze input type in the resource mapper. */
function expectedKind(schema: NonNullable<WorkflowScenario['input']>[string]): FieldKind {
	switch (schema.type) {
		case 'integer':
		case 'number':
			return 'number';
		case 'boolean':
			return 'switch';
		case 'object':
			return 'json';
		case 'array':
			return FILE_INPUT_TYPES.has(schema.items?.type ?? '') ? 'text' : 'json';
		default:
			return 'text';
	}
}

async function shot(page: Page, name: string): Promise<string> {
	await page.screenshot({ path: join(SCREENSHOTS_DIR, name), animations: 'disabled' });
	return `docs/screenshots/${name}`;
}

/** Whether an <img> has loaded (naturalWidth > 0), with its src. */
async function imageState(img: Locator): Promise<{ src: string; loaded: boolean }> {
	return await img.evaluate((el) => {
		const image = el as unknown as { getAttribute(name: string): string | null; complete: boolean; naturalWidth: number };
		return { src: image.getAttribute('src') ?? '', loaded: image.complete && image.naturalWidth > 0 };
	});
}

async function expectIcon(item: Locator, file: string, what: string): Promise<void> {
	const img = item.locator('img').first();
	const state = await waitFor(`the icon of ${what}`, 10_000, async () => {
		const current = await imageState(img);
		return current.loaded ? current : undefined;
	}).catch(async () => await imageState(img));
	check(state.src === `${ICON_PATH}${file}`, `${what} shows the icon ${state.src}, expected ${ICON_PATH}${file}`);
	check(state.loaded, `${what}'s icon ${state.src} did not load`);
}

async function searchNodes(page: Page, term: string): Promise<string[]> {
	const search = page.locator('input[data-test-id="node-creator-search-bar"]');
	await search.fill(term);
	// The list updates as one types: wait until every result matches the term's last filter.
	await page.waitForTimeout(300);
	return await page.locator('[data-test-id="node-creator-item-name"]').allInnerTexts();
}

/** A workflow holding only a manual trigger, created over REST; returns its id. */
async function createWorkflow(env: EditorEnv, name: string): Promise<string> {
	const workflow = {
		name,
		nodes: [
			{
				id: 'b7e0c6a4-5f1d-4c1e-9a51-000000000001',
				name: 'When clicking Execute workflow',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
	const answer = await fetch(`${env.base}/rest/workflows`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: env.cookie },
		body: JSON.stringify(workflow),
	});
	if (!answer.ok) throw new Error(`creating a workflow over REST: HTTP ${answer.status} ${(await answer.text()).slice(0, 200)}`);
	return ((await answer.json()) as { data: { id: string } }).data.id;
}

async function savedCredentials(env: EditorEnv): Promise<Array<{ id: string; name: string; type: string }>> {
	const answer = await fetch(`${env.base}/rest/credentials`, { headers: { cookie: env.cookie } });
	check(answer.ok, `listing credentials over REST: HTTP ${answer.status}`);
	return ((await answer.json()) as { data: Array<{ id: string; name: string; type: string }> }).data;
}

export interface CredentialField {
	name: string;
	value: string;
	/** An options parameter: the option's label to choose. */
	option?: boolean;
}

/** Opens "Create credential", picks the type and fills the form. */
async function openCredentialForm(page: Page, env: EditorEnv, displayName: string, fields: CredentialField[]): Promise<Locator> {
	await page.goto(`${env.base}/home/credentials`);
	await page.locator('[data-test-id="add-resource-credential"]').click();
	await page.locator('[data-test-id="new-credential-type-select"] input').fill(displayName);
	await page.locator('[data-test-id="new-credential-type-select-option"]', { hasText: displayName }).first().click();
	await page.locator('[data-test-id="new-credential-type-button"]').click();
	const dialog = page.locator('[data-test-id="editCredential-modal"]');
	await dialog.waitFor();
	await fillCredential(page, dialog, fields);
	return dialog;
}

export async function fillCredential(page: Page, dialog: Locator, fields: CredentialField[]): Promise<void> {
	for (const field of fields) {
		const input = dialog.locator(`[data-test-id="parameter-input-${field.name}"]`);
		if (field.option) {
			await input.click();
			await page.locator('.el-select-dropdown__item:visible', { hasText: field.value }).first().click();
		} else {
			await input.locator('input, textarea').first().fill(field.value);
		}
	}
}

/** Saves the open credential; n8n then tests it. Returns the banner: 'success' or the failure's details. */
async function saveAndReadTest(page: Page, dialog: Locator): Promise<{ ok: true; text: string } | { ok: false; text: string }> {
	// The banner of the previous test stays until the new one answers: wait for the test request.
	const tested = page.waitForResponse((r) => r.url().includes('/rest/credentials/test') && r.request().method() === 'POST', { timeout: 60_000 });
	await dialog.locator('[data-test-id="credential-save-button"]').click();
	await tested;
	const success = dialog.locator('[data-test-id="credentials-config-container-test-success"]:visible');
	const failure = dialog.locator('.el-tag--danger:visible', { hasText: 'Couldn’t connect' });
	const outcome = await waitFor('the credential test result', 60_000, async () => {
		if (await success.count()) return 'success' as const;
		if (await failure.count()) return 'failure' as const;
		return undefined;
	});
	if (outcome === 'success') return { ok: true, text: (await success.innerText()).replace(/\s+/g, ' ').trim() };
	const more = failure.getByText('More details');
	if (await more.count()) await more.click();
	return { ok: false, text: (await failure.innerText()).replace(/\s+/g, ' ').trim() };
}

async function closeDialog(page: Page): Promise<void> {
	await page.keyboard.press('Escape');
	await page
		.locator('[data-test-id="editCredential-modal"]')
		.waitFor({ state: 'hidden', timeout: 10_000 })
		.catch(() => undefined);
}

/** The walk-through; each check is reported on its own, the console check last (also when a check threw). */
export async function browserWalkthrough(env: EditorEnv, report: Reporter, options: { log: (line: string) => void }): Promise<void> {
	const { log } = options;
	mkdirSync(SCREENSHOTS_DIR, { recursive: true });
	rmSync(FAILURES_DIR, { recursive: true, force: true });
	mkdirSync(FAILURES_DIR, { recursive: true });
	let browser: Browser | undefined;
	const consoleEntries: ConsoleEntry[] = [];
	try {
		browser = await launchChromium({ log });
		log(`  Chromium ${browser.version()} (headless) against ${env.base}`);
		const context = await browser.newContext({ viewport: VIEWPORT });
		context.setDefaultTimeout(30_000);
		const page = await context.newPage();
		// A failed check leaves a screenshot of what the page showed, for the report.
		const step: Reporter = async (name, body) =>
			await report(name, async () => {
				try {
					return await body();
				} catch (error) {
					const file = join(FAILURES_DIR, `${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80)}.png`);
					await page.screenshot({ path: file }).catch(() => undefined);
					throw new Error(`${error instanceof Error ? error.message : String(error)} (the page: ${file})`);
				}
			});
		// "Leave the page with unsaved changes?": yes.
		page.on('dialog', (dialog) => void dialog.accept().catch(() => undefined));
		page.on('console', (message) => {
			if (message.type() === 'error') consoleEntries.push({ kind: 'console.error', text: message.text(), url: message.location().url });
		});
		page.on('pageerror', (error) => consoleEntries.push({ kind: 'pageerror', text: `${error.name}: ${error.message}`, url: '' }));
		page.on('response', (response) => {
			if (response.status() >= 500 || (response.status() >= 400 && response.url().includes('/rest/dynamic-node-parameters/'))) {
				consoleEntries.push({ kind: `HTTP ${response.status()}`, text: response.statusText(), url: response.url() });
			}
		});

		const signedIn = await step(BROWSER_STEPS.signIn, async () => {
			await page.goto(`${env.base}/signin`);
			await page.locator('[data-test-id="emailOrLdapLoginId"] input').fill(OWNER.email);
			await page.locator('[data-test-id="password"] input').fill(OWNER.password);
			await page.locator('[data-test-id="form-submit-button"]').click();
			await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
			return `signed in, at ${new URL(page.url()).pathname}`;
		});
		if (!signedIn) return;

		await step(BROWSER_STEPS.search, async () => {
			await page.goto(`${env.base}/workflow/new`);
			await page.locator('[data-test-id="node-creator-plus-button"]').click();
			const found: string[] = [];
			const cozeNodes = ['Coze Workflow', 'Coze Trigger', 'Coze Agent'];
			const coze = await waitFor('the Coze nodes in the search', 10_000, async () => {
				const names = await searchNodes(page, 'Coze');
				return cozeNodes.every((n) => names.includes(n)) ? names : undefined;
			}).catch(async () => await searchNodes(page, 'Coze'));
			check(cozeNodes.every((n) => coze.includes(n)), `searching "Coze" shows ${JSON.stringify(coze)}`);
			// A search result: its name (exactly), icon, and the node type it adds (data-keyboard-nav-id).
			const item = (name: string) =>
				page
					.locator('[data-test-id="item-iterator-item"]')
					.filter({ has: page.locator('[data-test-id="node-creator-item-name"]', { hasText: new RegExp(`^${name}$`) }) });
			const expectType = async (name: string, type: string) => {
				const navId = (await item(name).first().getAttribute('data-keyboard-nav-id')) ?? '';
				check(navId.startsWith(`${PACKAGE_NAME}.${type}-`), `the result "${name}" adds ${navId}, expected ${PACKAGE_NAME}.${type}`);
			};
			await expectIcon(item('Coze Workflow'), 'coze.svg', 'Coze Workflow');
			await expectIcon(item('Coze Trigger'), 'coze.svg', 'Coze Trigger');
			await expectIcon(item('Coze Agent'), 'coze.svg', 'Coze Agent');
			await expectType('Coze Workflow', 'cozeWorkflow');
			await expectType('Coze Trigger', 'cozeTrigger');
			await expectType('Coze Agent', 'cozeAgent');
			found.push(...cozeNodes);
			const screenshot = await shot(page, 'node-search.png');
			// n8n shows a node and its trigger ("X" and "X Trigger") as one entry, with the trigger inside it.
			const openClaw = await waitFor('OpenClaw TaskFlow in the search', 10_000, async () => {
				const names = await searchNodes(page, 'OpenClaw');
				return names.includes('OpenClaw TaskFlow') ? names : undefined;
			}).catch(async () => await searchNodes(page, 'OpenClaw'));
			check(openClaw.includes('OpenClaw TaskFlow'), `searching "OpenClaw" shows ${JSON.stringify(openClaw)}`);
			await expectIcon(item('OpenClaw TaskFlow'), 'openclaw.svg', 'OpenClaw TaskFlow');
			await expectType('OpenClaw TaskFlow', 'openClawTaskFlow');
			found.push('OpenClaw TaskFlow');
			// Opening the entry lists the trigger's events ("On flow succeeded", …) under Triggers.
			await item('OpenClaw TaskFlow').click();
			const triggerEvents = page.locator(`[data-keyboard-nav-id^="${PACKAGE_NAME}.openClawTaskFlowTrigger-"]`);
			await triggerEvents.first().waitFor();
			const events = (await triggerEvents.allInnerTexts()).map((t) => t.trim());
			check(events.includes('On flow succeeded'), `the OpenClaw TaskFlow entry lists the trigger events ${JSON.stringify(events)}`);
			await expectIcon(triggerEvents.first(), 'openclaw.svg', 'OpenClaw TaskFlow Trigger');
			found.push(`OpenClaw TaskFlow Trigger (${events.length} events under the OpenClaw TaskFlow entry)`);
			return `found ${found.join(', ')}, each with its loaded icon; ${screenshot}`;
		});

		const workflowName = `Browser walk-through ${new Date().toISOString()}`;
		const workflowId = await createWorkflow(env, workflowName);
		const ndv = page.locator('[data-test-id="ndv"]');
		const opened = await step(BROWSER_STEPS.picker, async () => {
			await page.goto(`${env.base}/workflow/${workflowId}`);
			await page.locator('[data-test-id="canvas-handle-plus"]').first().click();
			await searchNodes(page, 'Coze Workflow');
			await page.locator('[data-test-id="node-creator-item-name"]', { hasText: /^Coze Workflow$/ }).click();
			await page.locator('[data-keyboard-nav-type="action"]', { hasText: 'Run a workflow' }).click();
			await ndv.waitFor();
			const credential = await ndv.locator('[data-test-id="node-credentials-select"] input').inputValue();
			check(credential === 'Coze emulator', `the credential chosen for the new node is ${JSON.stringify(credential)}`);
			await ndv.locator('[data-test-id="rlc-input"]').click();
			const expected = listedWorkflows().sort();
			const items = page.locator('[data-test-id="rlc-item"]');
			const listed = await waitFor(`${expected.length} workflows in the picker`, 30_000, async () => {
				// Coze pages the list; n8n loads the next page when the list is scrolled to its end.
				await items.last().scrollIntoViewIfNeeded();
				const names = (await items.allInnerTexts()).map((n) => n.trim());
				return names.length >= expected.length ? names : undefined;
			}).catch(async () => (await items.allInnerTexts()).map((n) => n.trim()));
			check(
				JSON.stringify([...listed].sort()) === JSON.stringify(expected),
				`the picker lists ${listed.length} workflows: ${JSON.stringify(listed).slice(0, 400)}; expected ${expected.length}`,
			);
			await page.locator('[data-test-id="rlc-search"]').fill('report');
			const wanted = expected.filter((n) => n.split(' (')[0].toLowerCase().includes('report'));
			const filtered = await waitFor('the filtered list', 20_000, async () => {
				const names = (await items.allInnerTexts()).map((n) => n.trim());
				return JSON.stringify([...names].sort()) === JSON.stringify(wanted) ? names : undefined;
			}).catch(async () => (await items.allInnerTexts()).map((n) => n.trim()));
			check(
				JSON.stringify([...filtered].sort()) === JSON.stringify(wanted),
				`"report" leaves ${JSON.stringify(filtered)}; expected ${JSON.stringify(wanted)}`,
			);
			const screenshot = await shot(page, 'workflow-picker.png');
			return `${listed.length} workflows listed (both workspaces); "report" leaves ${filtered.length}: ${filtered.join(', ')}; ${screenshot}`;
		});

		const scenario = builtInScenarios().find((s) => s.id === ALL_INPUT_TYPES_ID)!;
		const fieldsShown =
			opened &&
			(await step(BROWSER_STEPS.fields, async () => {
				await page.locator('[data-test-id="rlc-search"]').fill('All input types');
				await page.locator('[data-test-id="rlc-item"]', { hasText: `${scenario.name} (Personal)` }).click();
				const chosen = await ndv.locator('[data-test-id="rlc-input"]').inputValue();
				check(chosen === `${scenario.name} (Personal)`, `the picker shows ${JSON.stringify(chosen)} after choosing ${scenario.name}`);
				const inputs = scenario.input ?? {};
				const fieldInputs = ndv.locator(
					Object.keys(inputs)
						.map((id) => `[data-test-id="mapping-fields-container"] [data-test-id="parameter-input-${id}"]`)
						.join(', '),
				);
				await waitFor('the input fields', 20_000, async () => ((await fieldInputs.count()) >= Object.keys(inputs).length ? true : undefined)).catch(
					() => undefined,
				);
				const shown = await ndv.locator('[data-test-id="mapping-fields-container"]').evaluate((container) =>
					[...container.querySelectorAll('[data-test-id^="parameter-input-"]')]
						.map((el) => {
							const id = el.getAttribute('data-test-id')!.slice('parameter-input-'.length);
							const kind = el.querySelector('.el-switch')
								? 'switch'
								: el.querySelector('[role="spinbutton"]')
									? 'number'
									: el.querySelector('.cm-editor')
										? 'json'
										: el.querySelector('input[data-test-id="parameter-input-field"], input[type="text"]')
											? 'text'
											: 'other';
							const removable = container.querySelector(`[data-test-id="remove-field-button-${id}"]`) !== null;
							// The label element also holds n8n's Fixed / Expression switch, whose text is not part of the label.
							const label = (container.querySelector(`label[for='value["${id}"]']`)?.textContent ?? '').replace(/\s*Fixed\s*Expression\s*$/, '').trim();
							return { id, kind, removable, label };
						})
						.filter((f) => f.id !== 'field' && f.id !== 'item'),
				);
				const problems: string[] = [];
				const ids = shown.map((f) => f.id);
				const expectedIds = Object.keys(inputs);
				if (JSON.stringify([...ids].sort()) !== JSON.stringify([...expectedIds].sort()))
					problems.push(`fields ${JSON.stringify(ids)}, expected ${JSON.stringify(expectedIds)}`);
				// Required inputs come first and cannot be removed (n8n's mark for a required mapper field).
				const required = expectedIds.filter((id) => inputs[id].required).sort();
				if (JSON.stringify(ids.slice(0, required.length).sort()) !== JSON.stringify(required))
					problems.push(`the first fields are ${JSON.stringify(ids.slice(0, required.length))}, expected the required ${JSON.stringify(required)}`);
				for (const field of shown) {
					const schema = inputs[field.id];
					if (!schema) continue;
					if (field.kind !== expectedKind(schema))
						problems.push(`${field.id} (${schema.type}) shows a ${field.kind} input, expected ${expectedKind(schema)}`);
					// Each label is the input's name and its Coze type; the file hint is a notice above the fields.
					const typeLabel = schema.type === 'array' && schema.items ? `array of ${schema.items.type}` : schema.type;
					if (field.label !== `${field.id} (${typeLabel})`)
						problems.push(`${field.id} is labelled ${JSON.stringify(field.label)}, expected ${JSON.stringify(`${field.id} (${typeLabel})`)}`);
					if (field.removable === schema.required)
						problems.push(`${field.id} is ${schema.required ? 'required but can be removed' : 'optional but cannot be removed'}`);
				}
				if (problems.length) throw new Error(problems.join('; '));
				await ndv.locator('[data-test-id="parameter-input-p_integer"]').scrollIntoViewIfNeeded();
				await ndv.locator('[data-test-id="mapping-fields-container"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
				const screenshot = await shot(page, 'workflow-inputs.png');
				const kinds = new Map<string, number>();
				for (const field of shown) kinds.set(field.kind, (kinds.get(field.kind) ?? 0) + 1);
				return `${shown.length} fields (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}), required first and not removable: ${required.join(', ')}; ${screenshot}`;
			}));

		if (fieldsShown) {
			await step(BROWSER_STEPS.execute, async () => {
				const before = env.emu.runsStarted(ALL_INPUT_TYPES_ID);
				await ndv.locator('[data-test-id="parameter-input-p_string"] input').fill('typed in the browser');
				await ndv.locator('[data-test-id="node-execute-button"]').click();
				const output = ndv.locator('[data-test-id="output-panel"]');
				await output
					.locator('[data-test-id="node-run-status-success"], [data-test-id="node-run-status-danger"]')
					.first()
					.waitFor({ timeout: 60_000 });
				check(
					await output.locator('[data-test-id="node-run-status-success"]').count(),
					`the step failed: ${(await output.innerText()).slice(0, 500)}`,
				);
				await output.locator('[data-test-id="radio-button-json"]').click();
				// The JSON view renders line by line: read it until it parses.
				const readJson = async () => (await output.locator('.json-data').innerText()).replace(/\u00a0/g, ' ');
				const items = await waitFor(
					"the output's JSON view",
					15_000,
					async () => JSON.parse(await readJson()) as Array<Record<string, unknown>>,
				).catch(async () => {
					throw new Error(`the output's JSON view does not parse: ${(await readJson()).slice(0, 300)}`);
				});
				check(items.length === 1, `${items.length} output items`);
				const item = items[0];
				const received = (item.output as { received?: Record<string, unknown> } | undefined)?.received;
				check(item.status === 'succeeded', `status ${JSON.stringify(item.status)}`);
				check(typeof item.executeId === 'string' && /^\d{19}$/.test(item.executeId), `executeId ${JSON.stringify(item.executeId)}`);
				check(
					typeof item.debugUrl === 'string' && item.debugUrl.includes(`execute_id=${item.executeId}`),
					`debugUrl ${JSON.stringify(item.debugUrl)}`,
				);
				check(received?.p_string === 'typed in the browser' && received.p_integer === 42, `the run received ${JSON.stringify(received)}`);
				check(
					env.emu.runsStarted(ALL_INPUT_TYPES_ID) === before + 1,
					`the emulator started ${env.emu.runsStarted(ALL_INPUT_TYPES_ID) - before} runs of the workflow`,
				);
				const screenshot = await shot(page, 'execute-step-output.png');
				return `status succeeded, executeId ${item.executeId}, the run received p_string and p_integer; ${screenshot}`;
			});
		}

		// Keep the walked-through workflow: close the panel and save, so that leaving the page asks nothing.
		if (opened) {
			await page
				.locator('[data-test-id="ndv-close-button"]')
				.click()
				.catch(() => undefined);
			const saved = page.waitForResponse((r) => r.url().includes(`/rest/workflows/${workflowId}`) && r.request().method() === 'PATCH', {
				timeout: 15_000,
			});
			await page.keyboard.press('Control+s');
			await saved.catch(() => log('  (the walked-through workflow was not saved: leaving it unsaved)'));
		}

		const before = new Set((await savedCredentials(env)).map((c) => c.id));
		const savedOfType = async (type: string) => (await savedCredentials(env)).filter((c) => c.type === type && !before.has(c.id));

		await step(BROWSER_STEPS.cozeCredential, async () => {
			const dialog = await openCredentialForm(page, env, 'Coze Access Token API', [
				{ name: 'accessToken', value: env.emu.token },
				{ name: 'region', value: 'Other Base URL (Proxy)', option: true },
				{ name: 'baseUrl', value: env.emu.baseUrl },
			]);
			const good = await saveAndReadTest(page, dialog);
			check(good.ok, `the test failed with the emulator's token: ${good.text}`);
			check((await savedOfType('cozeAccessTokenApi')).length === 1, 'the credential is not saved');
			const screenshot = await shot(page, 'credential-coze-access-token.png');
			const wrongToken = 'pat_wrong_token_typed_in_the_browser';
			await fillCredential(page, dialog, [{ name: 'accessToken', value: wrongToken }]);
			const bad = await saveAndReadTest(page, dialog);
			check(!bad.ok, 'the test passed with a wrong token');
			check(bad.text.includes('Coze did not accept the token (HTTP 401)'), `the failure says: ${bad.text}`);
			check(!bad.text.includes(wrongToken), 'the failure shows the token');
			const failureShot = await shot(page, 'credential-test-failure.png');
			await closeDialog(page);
			return `"${good.text}"; wrong token: "${bad.text.slice(0, 120)}…"; ${screenshot}, ${failureShot}`;
		});

		await step(
			BROWSER_STEPS.jwtCredential,
			async () => {
				const app = env.emu.jwtApp;
				const dialog = await openCredentialForm(page, env, 'Coze OAuth JWT API', [
					{ name: 'appId', value: app.appId },
					{ name: 'publicKeyId', value: app.keyId },
					{ name: 'privateKey', value: app.privateKeyPem },
					{ name: 'region', value: 'Other Base URL (Proxy)', option: true },
					{ name: 'baseUrl', value: env.emu.baseUrl },
				]);
				const good = await saveAndReadTest(page, dialog);
				check(good.ok, `the test failed with the emulator's JWT app: ${good.text}`);
				check((await savedOfType('cozeJwtApi')).length === 1, 'the credential is not saved');
				await fillCredential(page, dialog, [{ name: 'publicKeyId', value: 'wrong-key-fingerprint' }]);
				const bad = await saveAndReadTest(page, dialog);
				check(!bad.ok, 'the test passed with a wrong key fingerprint');
				check(/Could not get a Coze access token/.test(bad.text), `the failure says: ${bad.text}`);
				check(!bad.text.includes('PRIVATE KEY'), 'the failure shows the private key');
				await closeDialog(page);
				return `"${good.text}"; wrong fingerprint: "${bad.text.slice(0, 160)}…"`;
			},
		);

		await step(BROWSER_STEPS.openClawCredential, async () => {
			check(env.gateway && env.route, 'no OpenClaw gateway was started');
			const dialog = await openCredentialForm(page, env, 'OpenClaw Webhook Route API', [
				{ name: 'gatewayUrl', value: env.gateway.baseUrl },
				{ name: 'routePath', value: env.route.path },
				{ name: 'secret', value: env.route.secret },
			]);
			const good = await saveAndReadTest(page, dialog);
			check(good.ok, `the test failed with the route's secret: ${good.text}`);
			check((await savedOfType('openClawWebhookApi')).length === 1, 'the credential is not saved');
			const screenshot = await shot(page, 'credential-openclaw.png');
			const wrongSecret = 'wrong-secret-typed-in-the-browser';
			await fillCredential(page, dialog, [{ name: 'secret', value: wrongSecret }]);
			const bad = await saveAndReadTest(page, dialog);
			check(!bad.ok, 'the test passed with a wrong secret');
			check(bad.text.includes('The gateway refused the secret (401)'), `the failure says: ${bad.text}`);
			check(!bad.text.includes(wrongSecret), 'the failure shows the secret');
			await closeDialog(page);
			return `"${good.text}"; wrong secret: "${bad.text.slice(0, 120)}…"; ${screenshot}`;
		});

		await step(BROWSER_STEPS.secretCredential, async () => {
			const dialog = await openCredentialForm(page, env, 'Coze Webhook Secret API', [
				{ name: 'secret', value: 'a-webhook-secret-typed-in-the-browser-0001' },
			]);
			await dialog.locator('[data-test-id="credential-save-button"]').click();
			const saved = await waitFor('the saved Coze Webhook Secret credential', 20_000, async () =>
				(await savedOfType('cozeWebhookSecretApi')).length === 1 ? true : undefined,
			);
			check(saved, 'the credential is not saved');
			check((await dialog.locator('.el-tag--danger:visible').count()) === 0, `the form shows an error: ${await dialog.innerText()}`);
			await closeDialog(page);
			return 'saved; no error shown';
		});

		await fromScratchWalkthrough(page, env, step, async (name) => await shot(page, name));
		await chatPanelWalkthrough(page, env.base, step, async (name) => await shot(page, name));
		await aiAgentToolWalkthrough(page, env, step, async (name) => await shot(page, name));
	} finally {
		await report(BROWSER_STEPS.console, async () => {
			const ours = consoleEntries.filter(isFromPackage);
			const others = consoleEntries.filter((e) => !isFromPackage(e));
			for (const entry of others)
				log(`  n8n's own (not the package's): ${entry.kind} ${entry.text.slice(0, 160)}${entry.url ? ` at ${entry.url}` : ''}`);
			check(
				ours.length === 0,
				`${ours.length} errors from the package: ${ours.map((e) => `${e.kind} ${e.text.slice(0, 200)} ${e.url}`).join(' | ')}`,
			);
			return `none from the package; ${others.length} from n8n itself (listed above)`;
		});
		await browser?.close();
	}
}

async function main(): Promise<void> {
	const log = (line: string) => console.log(line);
	const results: Array<{ name: string; ok: boolean }> = [];
	const report: Reporter = async (name, body) => {
		const { ok, detail, seconds } = await timedCheck(body);
		results.push({ name, ok });
		log(`${ok ? 'PASS' : 'FAIL'}  ${name} (${seconds.toFixed(1)} s): ${detail}`);
		return ok;
	};
	const env = await startEditorEnv({ cacheDir: join(ROOT, '.cache', 'browser'), openclaw: true, log });
	try {
		log(`n8n ${env.version} at ${env.base}`);
		await browserWalkthrough(env, report, { log });
	} finally {
		await env.stop();
	}
	const failed = results.filter((r) => !r.ok);
	log(`\n${results.length - failed.length} of ${results.length} browser checks passed`);
	process.exit(failed.length === 0 ? 0 : 1);
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : error);
		process.exit(1);
	});
}
