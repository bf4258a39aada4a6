/**
 * Debian's Chromium for the browser walk-through. playwright-core brings no browser of its own (and
 * `npx playwright install` needs the internet), so the harness installs Debian's package with apt
 * when /usr/bin/chromium is missing, and launches it with the flags this machine needs.
 */
import { existsSync } from 'node:fs';

import { chromium, type Browser } from 'playwright-core';

import { runToEnd } from '../test/support/processes';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Headless, as root (no sandbox), and none of Chromium's own connections: on this closed network
 * background networking, component updates and sync are refused, many at a time, and slow every start.
 */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

async function apt(args: string[], log: (line: string) => void): Promise<void> {
	log(`  apt-get ${args.join(' ')}`);
	const result = await runToEnd('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, keepChars: 4000 });
	if (result.code !== 0) {
		throw new Error(
			`apt-get ${args.join(' ')} failed (exit ${String(result.code)}), so Chromium could not be installed. ` +
				`Install Debian's package "chromium" (it provides ${CHROMIUM_PATH}) as root and run again.\n${result.output.slice(-1500)}`,
		);
	}
}

/** Installs Debian's chromium package unless /usr/bin/chromium is there; returns its path. */
export async function ensureChromium(options: { log: (line: string) => void }): Promise<string> {
	if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
	options.log(`${CHROMIUM_PATH} is missing: installing Debian's chromium package`);
	if (process.getuid?.() !== 0) {
		throw new Error(`${CHROMIUM_PATH} is missing and installing it needs root: run "apt-get install chromium" as root, then run again.`);
	}
	await apt(['update', '-q'], options.log);
	await apt(['install', '-y', '-q', '--no-install-recommends', 'chromium'], options.log);
	if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} is still missing`);
	const version = await runToEnd(CHROMIUM_PATH, ['--version']);
	options.log(`  installed ${version.output.trim()}`);
	return CHROMIUM_PATH;
}

/** Installs Chromium if needed and launches it headless with a fresh profile. */
export async function launchChromium(options: { log: (line: string) => void }): Promise<Browser> {
	const executablePath = await ensureChromium(options);
	return await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
