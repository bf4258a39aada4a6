/**
 * The Coze Workflow node as an AI Agent's tool in the editor: a workflow Chat Trigger → AI Agent with
 * an OpenAI Chat Model and the Coze Workflow tool, whose panel offers the Coze workflow's own
 * description as the tool description. Picking it saves it, which is what the model then reads.
 */
import type { Locator, Page } from 'playwright-core';

import { waitFor } from '../test/support/wait';
import type { Reporter } from './browser';
import { check } from './checks';
import { CREDENTIAL_IDS, type EditorEnv } from './editor-env';
import { agentToolWorkflow, cozeDescriptionOf, TOOL_NODE } from './tools';

export const AI_AGENT_TOOL_STEP =
	"Browser: AI Agent with the Coze Workflow tool: the tool's panel offers the Coze workflow's description as the Tool Description, and picking it saves it";

/** What a select shows: its input's value or, in newer Element Plus, the selected item's text. */
async function selectText(field: Locator): Promise<string> {
	const value = await field.locator('input').first().inputValue().catch(() => '');
	return (value || (await field.innerText())).replace(/\s+/g, ' ').trim();
}

async function rest<T>(env: EditorEnv, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
	const answer = await fetch(`${env.base}/rest/${path}`, {
		method: init.method ?? 'GET',
		headers: { 'content-type': 'application/json', cookie: env.cookie },
		...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
	});
	const text = await answer.text();
	check(answer.ok, `${init.method ?? 'GET'} /rest/${path}: HTTP ${answer.status} ${text.slice(0, 200)}`);
	return (JSON.parse(text) as { data: T }).data;
}

/** The workflow as a user has it before picking a description (or with `toolDescription` saved); its model credential is never called. */
async function createAgentWorkflow(env: EditorEnv, toolDescription?: string): Promise<string> {
	const model = await rest<{ id: string; name: string }>(env, 'credentials', {
		method: 'POST',
		body: { name: 'OpenAI (not called)', type: 'openAiApi', data: { apiKey: 'sk-not-called', url: 'http://127.0.0.1:9/v1' } },
	});
	const { id: _id, ...workflow } = agentToolWorkflow(CREDENTIAL_IDS.coze, toolDescription, { id: model.id, name: model.name }) as { id: string; name: string };
	const created = await rest<{ id: string }>(env, 'workflows', { method: 'POST', body: { ...workflow, name: 'AI Agent with the Coze Workflow tool' } });
	return created.id;
}

export async function aiAgentToolWalkthrough(page: Page, env: EditorEnv, step: Reporter, shot: (name: string) => Promise<string>): Promise<void> {
	await step(AI_AGENT_TOOL_STEP, async () => {
		const cozeDescription = await cozeDescriptionOf(env.emu);
		const workflowId = await createAgentWorkflow(env);
		await page.goto(`${env.base}/workflow/${workflowId}`);
		const toolNode = page.locator(`[data-test-id="canvas-node"][data-node-name="${TOOL_NODE}"]`);
		await toolNode.waitFor();
		const canvas = await shot('ai-agent-coze-tool-canvas.png');

		await toolNode.dblclick();
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.waitFor();
		const chosenType = await selectText(ndv.locator('[data-test-id="parameter-input-descriptionType"]'));
		check(chosenType === 'From the Coze Workflow', `Tool Description shows ${JSON.stringify(chosenType)}, not "From the Coze Workflow"`);
		const field = ndv.locator('[data-test-id="parameter-input-toolDescription"]');
		await field.click();
		const options = page.locator('[role="option"]:visible, .el-select-dropdown__item:visible');
		const offered = await waitFor('the Description list', 30_000, async () => {
			const texts = (await options.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
			return texts.some((t) => t.includes(cozeDescription)) ? texts : undefined;
		}).catch(async () => {
			throw new Error(`the Description list offers ${JSON.stringify(await options.allInnerTexts())}, not Coze's ${JSON.stringify(cozeDescription)}`);
		});
		// The list open: the Coze text in full (the field cuts it short).
		const panel = await shot('ai-agent-coze-tool.png');
		await options.filter({ hasText: cozeDescription }).first().click();
		const shown = await selectText(field);
		check(shown.includes(cozeDescription), `after picking, Description shows ${JSON.stringify(shown)}`);

		await page.locator('[data-test-id="ndv-close-button"], [data-test-id="back-to-canvas"]').first().click();
		const saved = page.waitForResponse((r) => r.url().includes(`/rest/workflows/${workflowId}`) && r.request().method() === 'PATCH', { timeout: 15_000 });
		await page.keyboard.press('Control+s');
		await saved;
		const stored = await rest<{ nodes: Array<{ name: string; parameters: Record<string, unknown> }> }>(env, `workflows/${workflowId}`);
		const parameters = stored.nodes.find((n) => n.name === TOOL_NODE)?.parameters ?? {};
		check(parameters.toolDescription === cozeDescription, `the saved tool's parameters: ${JSON.stringify(parameters).slice(0, 300)}`);

		// A description saved earlier that Coze no longer has (the workflow's changed since): n8n keeps and shows it.
		const older = 'An older description of the workflow';
		await page.goto(`${env.base}/workflow/${await createAgentWorkflow(env, older)}`);
		await toolNode.dblclick();
		await ndv.waitFor();
		const kept = await waitFor('the older description in the field', 30_000, async () => {
			const text = await selectText(field);
			return text.includes(older) ? text : undefined;
		}).catch(async () => {
			throw new Error(`with an older description saved, Description shows ${JSON.stringify(await selectText(field))}`);
		});
		// n8n marks a value not in the list with an issue icon (its tooltip: "The value … is not supported!"): count them.
		const issues = await ndv.locator('[data-test-id="parameter-issues"]:visible').count();
		return `Tool Description "${chosenType}"; the Description list offered ${JSON.stringify(offered)}; picked and saved ${JSON.stringify(cozeDescription)}; a description saved earlier and no longer in the list still shows (${JSON.stringify(kept)}), with ${issues} issue mark(s) in the panel; ${panel}, ${canvas}`;
	});
}
