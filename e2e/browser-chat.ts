/**
 * n8n's own chat panel in the editor, on the example Chat Trigger → Coze Workflow (Chat) on the
 * emulator's memory chatflow: two messages typed into the panel, each answer appearing as it
 * streams (the page shows it growing), and the second answer remembering the first.
 */
import type { Page } from 'playwright-core';

import { waitFor } from '../test/support/wait';
import type { Reporter } from './browser';
import { CHATFLOW_CHAT } from './chat';
import { check } from './checks';

export const CHAT_PANEL_STEP =
	'Browser: chat panel: the Chat Trigger → Coze Workflow chat example streams each answer into the panel, and the second answer remembers the first';

const BOT_MESSAGE = '.chat-message.chat-message-from-bot:not([data-test-id="chat-message-typing"]) .chat-message-markdown';

/**
 * Records, for each bot message of the panel (by its position), every text the page shows for it,
 * as the page renders it: a MutationObserver, so no state between two polls is missed.
 */
const RECORD_BOT_TEXTS = `(() => {
	const seen = (window.__cozeChatTexts = []);
	const record = () => {
		const messages = document.querySelectorAll(${JSON.stringify(BOT_MESSAGE)});
		if (!messages.length) return;
		const index = messages.length - 1;
		const text = messages[index].innerText.trim();
		const last = seen[seen.length - 1];
		if (text && (!last || last.index !== index || last.text !== text)) seen.push({ index, text });
	};
	new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

interface SeenText {
	index: number;
	text: string;
}

async function botTexts(page: Page): Promise<string[]> {
	return await page.locator(BOT_MESSAGE).allInnerTexts().then((texts) => texts.map((t) => t.trim()));
}

/** Types a message into the panel and waits for the new bot message to read `expected`; returns the texts it showed on the way. */
async function sendAndWatch(page: Page, message: string, expected: string): Promise<string[]> {
	const before = (await botTexts(page)).length;
	await page.locator('[data-test-id="chat-input"]').fill(message);
	await page.keyboard.press('Enter');
	const shown = await waitFor(`the answer to "${message}" in the chat panel`, 60_000, async () => {
		const texts = await botTexts(page);
		return texts.length > before && texts[before] === expected ? texts : undefined;
	}).catch(async () => {
		throw new Error(`"${message}": the panel's bot messages are ${JSON.stringify(await botTexts(page))}, expected a new one reading ${JSON.stringify(expected)}`);
	});
	check(shown.length === before + 1, `"${message}": ${shown.length - before} new bot messages: ${JSON.stringify(shown.slice(before))}`);
	const seen = (await page.evaluate('window.__cozeChatTexts')) as SeenText[];
	return seen.filter((s) => s.index === before).map((s) => s.text);
}

/** The texts a message showed must all be beginnings of its answer, and more than one: it grew. */
function expectGrowth(message: string, texts: string[], expected: string): void {
	check(texts.at(-1) === expected, `"${message}": the last text shown is ${JSON.stringify(texts.at(-1))}`);
	const strays = texts.filter((t) => !expected.startsWith(t));
	check(strays.length === 0, `"${message}": the panel showed ${JSON.stringify(strays)}, which is not the beginning of ${JSON.stringify(expected)}`);
	check(texts.length > 1, `"${message}": the answer appeared at once (${JSON.stringify(texts)}), not as it streamed`);
}

export async function chatPanelWalkthrough(page: Page, base: string, step: Reporter, shot: (name: string) => Promise<string>): Promise<void> {
	await step(CHAT_PANEL_STEP, async () => {
		await page.goto(`${base}/workflow/${CHATFLOW_CHAT.workflowId}`);
		await page.locator('[data-test-id="workflow-chat-button"]').click();
		await page.locator('[data-test-id="chat-input"]').waitFor();
		await page.evaluate(RECORD_BOT_TEXTS);
		const turns = [
			{ message: 'remember the blue door', expected: 'OK, I will remember: the blue door.' },
			{ message: 'what did I ask you to remember?', expected: 'You asked me to remember: the blue door.' },
		];
		const grew: string[] = [];
		for (const turn of turns) {
			const texts = await sendAndWatch(page, turn.message, turn.expected);
			expectGrowth(turn.message, texts, turn.expected);
			grew.push(`"${turn.expected}" shown in ${texts.length} growing steps (${JSON.stringify(texts[0])} first)`);
		}
		const screenshot = await shot('chat-panel.png');
		return `${grew.join('; ')}; ${screenshot}`;
	});
}
