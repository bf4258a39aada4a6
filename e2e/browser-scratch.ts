/**
 * A new user's path through the editor, from scratch: no example is imported and every credential
 * is created in the node panel ("Create new credential"). It builds Manual Trigger → Coze Workflow →
 * OpenClaw TaskFlow (Hand Off) and Coze Trigger → OpenClaw TaskFlow (Hand Off), runs them, and checks
 * what each panel says on the way: its labels, notices and hints, and the output.
 *
 * What the panels say is in PANEL_TEXTS, one entry per panel: when a node's texts change, that
 * table is the one place to update.
 */
import type { Locator, Page } from 'playwright-core';

import { routeAction, type GatewayRoute } from '../test/openclaw/gateway';
import { httpRequest } from '../test/support/http';
import { waitFor } from '../test/support/wait';
import type { CredentialField } from './browser';
import { fillCredential } from './browser';
import { check } from './checks';

/** The part of the editor's environment this path uses (EditorEnv has it). */
export interface ScratchEnv {
	base: string;
	emu: { token: string; baseUrl: string };
	gateway?: { baseUrl: string };
	route?: Pick<GatewayRoute, 'path' | 'secret' | 'url'>;
}

/** What each panel shows, as a new user sees it: labels of the visible fields, notices (parts), hints (parts). */
export const PANEL_TEXTS = {
	cozeAccessTokenCredential: {
		labels: ['Access Token', 'Region', 'Base URL'],
		testPassed: '',
	},
	cozeWorkflowRun: {
		action: 'Run a workflow',
		labels: ['Credential', 'Operation', 'Workflow', 'Mode', 'Inputs'],
		/** The notice before a workflow is chosen. */
		beforeWorkflow: 'Choose a workflow first: its inputs appear here.',
	},
	openClawCredential: {
		labels: ['Gateway URL', 'Route Path', 'Secret', 'Header Style'],
		testPassed: '',
	},
	handOff: {
		action: 'Hand a result off to an agent as a new flow',
		labels: ['Credential', 'Operation', 'Goal', 'Idempotency Key', 'Result', 'Execute ID', 'Debug URL', 'Add Child Task', 'Then Wait'],
	},
	webhookSecretCredential: {
		labels: ['Secret'],
	},
	cozeTrigger: {
		labels: ['Credential for Coze Webhook Secret API', 'Authentication', 'Header Name', 'Respond'],
		notices: ['In the Coze workflow, add an HTTP request node', 'Use the Test URL (Webhook URLs, at the top of this panel)'],
		/** What the panel says while it listens (n8n's own words, or the node's header). */
		listening: ['Listening for test event', 'Run the Coze workflow that calls this node'],
	},
} as const;

/** The emulator's workflow the path runs: published, one input "name", answers "你好，<name>!…" at once. */
const GREETING_WORKFLOW = { name: 'Variables only', workspace: 'Personal', input: 'name' };
const TYPED_NAME = '新用户';

export type Step = (name: string, body: () => Promise<string>) => Promise<boolean>;

export const SCRATCH_STEPS = {
	cozeWorkflow: 'Browser from scratch: Coze Workflow panel, a new Coze Access Token credential, "Variables only" run with Execute step',
	handOff: 'Browser from scratch: Hand Off after Coze Workflow, a new OpenClaw Webhook Route credential, Execute step creates the flow',
	runWorkflow: 'Browser from scratch: Execute workflow runs Manual Trigger → Coze Workflow → Hand Off',
	cozeTrigger: 'Browser from scratch: Coze Trigger panel, a new Coze Webhook Secret credential, a test event from the Test URL',
	triggerHandOff: 'Browser from scratch: Hand Off after Coze Trigger with its default fields',
} as const;

const PASSED_BANNER = 'Connection tested successfully';
const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The labels of the fields shown in a panel or form, in order (without the required mark). */
async function labelsIn(container: Locator): Promise<string[]> {
	const labels = await container.locator('label.n8n-input-label [class*="_title_"]').allInnerTexts();
	return labels.map((label) => flat(label).replace(/\s*\*$/, '')).filter(Boolean);
}

async function panelNotices(ndv: Locator): Promise<string[]> {
	return (await ndv.locator('[data-test-id="node-parameters"] .notice:visible, [data-test-id="node-parameters"] [role="alert"]:visible').allInnerTexts()).map(flat);
}

function expectLabels(shown: string[], expected: readonly string[], where: string): void {
	const missing = expected.filter((label) => !shown.includes(label));
	check(missing.length === 0, `${where} does not show ${JSON.stringify(missing)}; it shows ${JSON.stringify(shown)}`);
}

/** From the open node panel: "Create new credential", fill the form, save; the test must pass (when `tested`). Returns the banner text and the credential's name. */
async function createCredentialInPanel(
	page: Page,
	fields: CredentialField[],
	expectedLabels: readonly string[],
	/** A part of the test's message that must be there ('' for any), or undefined when the credential has no test. */
	tested: string | undefined,
	/** For a node with several credential types: the one wanted, and the other one n8n may have chosen. */
	authType?: { wanted: string; other: string },
): Promise<{ name: string; banner: string; labels: string[] }> {
	await page.locator('[data-test-id="node-credentials-select"]').first().click();
	await page.locator('[data-test-id="node-credentials-select-item-new"]').first().click();
	const dialog = page.locator('[data-test-id="editCredential-modal"]');
	await dialog.waitFor();
	if (authType) {
		// n8n gives a new node the type of the newest credential it could use (here an OAuth JWT one
		// made earlier); the form's type selector switches it, as a user would.
		const current = dialog.getByText(authType.other, { exact: true }).first();
		if (await current.isVisible().catch(() => false)) {
			await current.click();
			const options = page.locator('[role="menuitem"]:visible, [role="option"]:visible, .el-dropdown-menu__item:visible, .el-select-dropdown__item:visible');
			await options.filter({ hasText: authType.wanted }).first().click({ timeout: 10_000 });
			await dialog.getByText(authType.other, { exact: true }).first().waitFor({ state: 'hidden', timeout: 10_000 });
		}
	}
	await fillCredential(page, dialog, fields);
	const shownLabels = await labelsIn(dialog);
	expectLabels(shownLabels, expectedLabels, 'the credential form');
	const name = flat(await dialog.locator('[data-test-id="credential-name"]').innerText().catch(() => ''));
	const testAnswer = tested !== undefined
		? page.waitForResponse((r) => r.url().includes('/rest/credentials/test') && r.request().method() === 'POST', { timeout: 60_000 })
		: undefined;
	const saved = page.waitForResponse((r) => /\/rest\/credentials(\/|$|\?)/.test(new URL(r.url()).pathname + '/') && ['POST', 'PATCH'].includes(r.request().method()), {
		timeout: 30_000,
	});
	await dialog.locator('[data-test-id="credential-save-button"]').click();
	await saved;
	let banner = '';
	if (testAnswer) {
		// n8n closes the form by itself once the test passes: the answer of the test request is what it showed.
		const answer = (await (await testAnswer).json()) as { data?: { status?: string; message?: string } };
		banner = answer.data?.status === 'OK' ? `${PASSED_BANNER} (${answer.data.message ?? ''})` : `failed: ${answer.data?.message ?? JSON.stringify(answer)}`;
		check(answer.data?.status === 'OK', `the credential test ${banner}`);
		check(!tested || (answer.data.message ?? '').includes(tested), `the credential test says ${JSON.stringify(answer.data.message)}, expected ${JSON.stringify(tested)}`);
	}
	// Escape while the form is closing itself would close the node panel instead.
	const closed = await dialog.waitFor({ state: 'hidden', timeout: 10_000 }).then(() => true, () => false);
	if (!closed) await page.keyboard.press('Escape');
	await dialog.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
	return { name, banner, labels: shownLabels };
}

/**
 * The credential the node uses after "Create new credential": n8n picks the new one, except (seen with
 * a credential that has no test) when the form is closed by hand; then it is picked from the list, as a user would.
 */
async function useCredential(page: Page, name: string): Promise<string> {
	const select = page.locator('[data-test-id="node-credentials-select"] input').first();
	const current = await waitFor('the new credential in the node', 5_000, async () => ((await select.inputValue()) === name ? name : undefined)).catch(
		async () => await select.inputValue(),
	);
	if (current === name) return `${name} (chosen by n8n)`;
	await select.click();
	await page.locator('[data-test-id^="node-credentials-select-item-"]:visible').filter({ has: page.getByText(name, { exact: true }) }).first().click();
	const chosen = await select.inputValue();
	check(chosen === name, `the node uses the credential ${JSON.stringify(chosen)}, not the new ${JSON.stringify(name)}`);
	return `${name} (picked from the list; n8n had kept ${current})`;
}

/** The JSON view of the output panel, parsed. */
async function outputItems(ndv: Locator): Promise<Array<Record<string, unknown>>> {
	const output = ndv.locator('[data-test-id="output-panel"]');
	await output.locator('[data-test-id="radio-button-json"]').click();
	const read = async () => (await output.locator('.json-data').innerText()).replace(/\u00a0/g, ' ');
	return await waitFor("the output's JSON view", 15_000, async () => JSON.parse(await read()) as Array<Record<string, unknown>>).catch(async () => {
		throw new Error(`the output's JSON view does not parse: ${(await read()).slice(0, 300)}`);
	});
}

async function executeStep(ndv: Locator): Promise<void> {
	await ndv.locator('[data-test-id="node-execute-button"]').click();
	const output = ndv.locator('[data-test-id="output-panel"]');
	await output.locator('[data-test-id="node-run-status-success"], [data-test-id="node-run-status-danger"], [data-test-id="node-error-message"]').first().waitFor({ timeout: 90_000 });
	check(await output.locator('[data-test-id="node-run-status-success"]').count(), `Execute step failed; the panel says: ${flat(await output.innerText()).slice(0, 600)}`);
}

async function addNodeAfter(page: Page, nodeName: string | undefined, search: string, itemName: string, action?: string): Promise<void> {
	if (nodeName) {
		await page.locator(`[data-test-id="canvas-node-output-handle"][data-node-name="${nodeName}"] [data-test-id="canvas-handle-plus"]`).click();
	} else {
		await page.locator('[data-test-id="canvas-add-button"]').click();
	}
	const searchBar = page.locator('input[data-test-id="node-creator-search-bar"]');
	await searchBar.fill(search);
	// The list updates as one types: let it settle before clicking.
	await page.waitForTimeout(500);
	await page.locator('[data-test-id="node-creator-item-name"]', { hasText: new RegExp(`^${itemName}$`) }).first().click();
	if (action) await page.locator('[data-keyboard-nav-type="action"]', { hasText: action }).first().click();
	// A node without actions (the Coze Trigger) opens its details first, with "Add to workflow".
	else await page.getByRole('button', { name: 'Add to workflow' }).click({ timeout: 5_000 }).catch(() => undefined);
}

async function closePanel(page: Page): Promise<void> {
	await page.locator('[data-test-id="ndv-close-button"], [data-test-id="back-to-canvas"]').first().click();
	await page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
}

async function allFlows(route: NonNullable<ScratchEnv['route']>): Promise<number> {
	const answer = await routeAction(route, { action: 'list_flows' });
	return (JSON.parse(answer.body) as { result: { flows: unknown[] } }).result.flows.length;
}

async function gatewayFlowsFor(route: ScratchEnv['route'], key: string): Promise<number> {
	check(route, 'no OpenClaw gateway');
	const answer = await routeAction(route, { action: 'list_flows' });
	const flows = (JSON.parse(answer.body) as { result: { flows: Array<{ stateJson?: { idempotencyKey?: string } }> } }).result.flows;
	return flows.filter((f) => f.stateJson?.idempotencyKey === key).length;
}

/** The from-scratch path; each step is reported through `step`, later steps are skipped when the ones they need failed. */
export async function fromScratchWalkthrough(page: Page, env: ScratchEnv, step: Step, shot: (name: string) => Promise<string>): Promise<void> {
	const ndv = page.locator('[data-test-id="ndv"]');
	let cozeOutput: Record<string, unknown> | undefined;
	/** The OpenClaw credential made in the panel for the first workflow, which the second one uses too. */
	let openClawCredential: string | undefined;

	const cozeDone = await step(SCRATCH_STEPS.cozeWorkflow, async () => {
		await page.goto(`${env.base}/workflow/new`);
		await addNodeAfter(page, undefined, 'Manual', 'Manual Trigger');
		await page.locator('[data-test-id="canvas-node"]').first().waitFor();
		await closePanel(page).catch(() => undefined);
		await addNodeAfter(page, 'When clicking ‘Execute workflow’', 'Coze Workflow', 'Coze Workflow', PANEL_TEXTS.cozeWorkflowRun.action);
		await ndv.waitFor();
		const credential = await createCredentialInPanel(
			page,
			[
				{ name: 'accessToken', value: env.emu.token },
				{ name: 'region', value: 'Other Base URL (Proxy)', option: true },
				{ name: 'baseUrl', value: env.emu.baseUrl },
			],
			PANEL_TEXTS.cozeAccessTokenCredential.labels,
			PANEL_TEXTS.cozeAccessTokenCredential.testPassed,
			{ wanted: 'Access Token', other: 'OAuth JWT (Service App)' },
		);
		const chosen = await useCredential(page, credential.name);
		const notices = await panelNotices(ndv);
		check(
			notices.some((n) => n.includes(PANEL_TEXTS.cozeWorkflowRun.beforeWorkflow)),
			`before a workflow is chosen, the panel's notices are ${JSON.stringify(notices)}`,
		);
		expectLabels(await labelsIn(ndv), PANEL_TEXTS.cozeWorkflowRun.labels, 'the Coze Workflow panel');
		await ndv.locator('[data-test-id="rlc-input"]').click();
		await page.locator('[data-test-id="rlc-search"]').fill(GREETING_WORKFLOW.name);
		await page.locator('[data-test-id="rlc-item"]', { hasText: `${GREETING_WORKFLOW.name} (${GREETING_WORKFLOW.workspace})` }).click();
		const field = ndv.locator(`[data-test-id="mapping-fields-container"] [data-test-id="parameter-input-${GREETING_WORKFLOW.input}"]`);
		await field.waitFor({ timeout: 20_000 });
		await field.locator('input, textarea').first().fill(TYPED_NAME);
		await executeStep(ndv);
		const items = await outputItems(ndv);
		check(items.length === 1, `${items.length} output items`);
		cozeOutput = items[0];
		const greeting = JSON.stringify(cozeOutput.output);
		check(cozeOutput.status === 'succeeded' && /^\d{19}$/.test(String(cozeOutput.executeId)), `the output is ${JSON.stringify(cozeOutput).slice(0, 300)}`);
		check(greeting.includes(`你好，${TYPED_NAME}`), `the output does not greet ${TYPED_NAME}: ${greeting.slice(0, 200)}`);
		const screenshot = await shot('from-scratch-coze-workflow.png');
		return `credential ${chosen} created in the panel ("${credential.banner}"), labels ${credential.labels.join(', ')}; ran "${GREETING_WORKFLOW.name}": status succeeded, output ${greeting.slice(0, 80)}; ${screenshot}`;
	});

	const handOffDone =
		cozeDone &&
		(await step(SCRATCH_STEPS.handOff, async () => {
			check(env.gateway && env.route, 'no OpenClaw gateway was started');
			await closePanel(page);
			await addNodeAfter(page, 'Coze Workflow', 'OpenClaw', 'OpenClaw TaskFlow', PANEL_TEXTS.handOff.action);
			await ndv.waitFor();
			const credential = await createCredentialInPanel(
				page,
				[
					{ name: 'gatewayUrl', value: env.gateway.baseUrl },
					{ name: 'routePath', value: env.route.path },
					{ name: 'secret', value: env.route.secret },
				],
				PANEL_TEXTS.openClawCredential.labels,
				PANEL_TEXTS.openClawCredential.testPassed,
			);
			openClawCredential = credential.name;
			const chosen = await useCredential(page, credential.name);
			expectLabels(await labelsIn(ndv), PANEL_TEXTS.handOff.labels, 'the Hand Off panel');
			await executeStep(ndv);
			const items = await outputItems(ndv);
			const item = items[0];
			check(items.length === 1 && item.created === true && item.idempotencyKey === cozeOutput?.executeId, `the output is ${JSON.stringify(items).slice(0, 300)}`);
			const flows = await gatewayFlowsFor(env.route, String(cozeOutput?.executeId));
			check(flows === 1, `the gateway holds ${flows} flows for run ${String(cozeOutput?.executeId)}`);
			const screenshot = await shot('from-scratch-hand-off.png');
			return `credential ${chosen} created in the panel ("${credential.banner}"); Hand Off created flow ${String(item.flowId)} for run ${String(item.idempotencyKey)}, the gateway holds 1; ${screenshot}`;
		}));

	if (handOffDone) {
		await step(SCRATCH_STEPS.runWorkflow, async () => {
			await closePanel(page);
			const route = env.route;
			check(route, 'no OpenClaw gateway');
			const flowsBefore = await allFlows(route);
			await page.locator('[data-test-id="execute-workflow-button"]').first().click();
			// The nodes still show the checks of Execute step: the new run is done when its flow exists.
			await waitFor('the flow of the new run on the gateway', 90_000, async () => ((await allFlows(route)) > flowsBefore ? true : undefined), 1000);
			const nodes = page.locator('[data-test-id="canvas-node"]');
			const statuses = await waitFor('the three nodes to finish', 90_000, async () => {
				const names = await nodes.evaluateAll((els) =>
					els.map((el) => ({
						name: el.getAttribute('data-node-name') ?? '',
						success: el.querySelector('[data-test-id="canvas-node-status-success"]') !== null,
						error: el.querySelector('[data-test-id="canvas-node-status-error"]') !== null,
					})),
				);
				return names.length >= 3 && names.every((n) => n.success || n.error) ? names : undefined;
			});
			check(statuses.every((s) => s.success), `the nodes ended ${JSON.stringify(statuses)}`);
			const screenshot = await shot('from-scratch-workflow.png');
			return `${statuses.map((s) => s.name).join(' → ')}: all succeeded, one more flow on the gateway; ${screenshot}`;
		});
	}

	let triggerItem: Record<string, unknown> | undefined;
	const triggerDone = await step(SCRATCH_STEPS.cozeTrigger, async () => {
		await page.goto(`${env.base}/workflow/new`);
		await addNodeAfter(page, undefined, 'Coze Trigger', 'Coze Trigger');
		await ndv.waitFor();
		const secret = `secret-typed-in-the-browser-${Date.now()}`;
		const credential = await createCredentialInPanel(page, [{ name: 'secret', value: secret }], PANEL_TEXTS.webhookSecretCredential.labels, undefined);
		const chosen = await useCredential(page, credential.name);
		expectLabels(await labelsIn(ndv), PANEL_TEXTS.cozeTrigger.labels, 'the Coze Trigger panel');
		const notices = await panelNotices(ndv);
		for (const part of PANEL_TEXTS.cozeTrigger.notices)
			check(notices.some((n) => n.includes(part)), `the Coze Trigger panel has no notice with ${JSON.stringify(part)}: ${JSON.stringify(notices)}`);
		await ndv.getByText('Webhook URLs').first().click();
		const urlText = flat(await ndv.locator('[data-test-id="node-parameters"]').innerText());
		const testUrl = /https?:\/\/\S+\/webhook-test\/\S+/.exec(urlText)?.[0];
		check(testUrl, `the panel shows no Test URL: ${urlText.slice(0, 300)}`);
		await ndv.locator('[data-test-id="node-execute-button"]').click();
		const [ownWords, header] = PANEL_TEXTS.cozeTrigger.listening;
		const listening = await waitFor('the panel to listen', 30_000, async () => {
			if (await ndv.getByText(header).count()) return header;
			if (await ndv.getByText(ownWords).count()) return ownWords;
			return undefined;
		}).catch(() => 'nothing about listening');
		const body = { executeId: '7500000000000000123', output: { answer: '你好，n8n' } };
		const answer = await waitFor('the Test URL to answer', 20_000, async () => {
			const sent = await httpRequest('POST', testUrl, {
				headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
				body: JSON.stringify(body),
			});
			return sent.status === 404 ? undefined : sent;
		});
		check(answer.status === 200, `the Test URL answered HTTP ${answer.status}: ${answer.body.slice(0, 200)}`);
		await ndv.locator('[data-test-id="output-panel"] [data-test-id="node-run-status-success"]').first().waitFor({ timeout: 30_000 });
		const items = await outputItems(ndv);
		triggerItem = items[0];
		check(items.length === 1 && JSON.stringify(triggerItem.body) === JSON.stringify(body), `the trigger's output is ${JSON.stringify(items).slice(0, 300)}`);
		const screenshot = await shot('from-scratch-coze-trigger.png');
		return `credential ${chosen} created in the panel; while listening the panel says "${listening}"; the test event arrived as {"body": …}; answer HTTP ${answer.status} ${String(answer.headers['content-type'])}; ${screenshot}`;
	});

	if (triggerDone) {
		await step(SCRATCH_STEPS.triggerHandOff, async () => {
			await closePanel(page);
			await addNodeAfter(page, 'Coze Trigger', 'OpenClaw', 'OpenClaw TaskFlow', PANEL_TEXTS.handOff.action);
			await ndv.waitFor();
			const chosen = openClawCredential
				? await useCredential(page, openClawCredential)
				: await useCredential(
						page,
						(
							await createCredentialInPanel(
								page,
								[
									{ name: 'gatewayUrl', value: env.gateway!.baseUrl },
									{ name: 'routePath', value: env.route!.path },
									{ name: 'secret', value: env.route!.secret },
								],
								PANEL_TEXTS.openClawCredential.labels,
								PANEL_TEXTS.openClawCredential.testPassed,
							)
						).name,
					);
			check(chosen, 'no OpenClaw credential is chosen');
			await executeStep(ndv);
			const items = await outputItems(ndv);
			const executeId = (triggerItem?.body as { executeId?: string } | undefined)?.executeId;
			check(items[0]?.created === true && items[0].idempotencyKey === executeId, `the output is ${JSON.stringify(items).slice(0, 300)}`);
			const screenshot = await shot('from-scratch-trigger-hand-off.png');
			return `Hand Off with its defaults created flow ${String(items[0].flowId)} for run ${String(executeId)}; ${screenshot}`;
		});
	}
}
