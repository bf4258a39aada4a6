/**
 * Debian's Chromium for the browser walk-through. playwright-core brings no browser of its own (and
 * `npx playwright install` needs the internet), so the harness installs Debian's package with apt
 * when /usr/bin/chromium is missing, and launches it with the flags this machine needs. The emulator's
 * workflows have Chinese names: without a CJK font they show as empty boxes in the screenshots, so
 * Debian's fonts-wqy-zenhei is installed the same way when fontconfig knows no Chinese font.
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

/** The Debian package that gives the screenshots readable Chinese (about 7 MB; fonts-noto-cjk is 60 MB). */
export const CJK_FONT_PACKAGE = 'fonts-wqy-zenhei';

async function apt(args: string[], log: (line: string) => void, what: string): Promise<void> {
	log(`  apt-get ${args.join(' ')}`);
	const result = await runToEnd('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, keepChars: 4000 });
	if (result.code !== 0) {
		throw new Error(
			`apt-get ${args.join(' ')} failed (exit ${String(result.code)}), so ${what} could not be installed. ` +
				`Install Debian's package "${what}" as root and run again.\n${result.output.slice(-1500)}`,
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
	await apt(['update', '-q'], options.log, 'chromium');
	await apt(['install', '-y', '-q', '--no-install-recommends', 'chromium'], options.log, 'chromium');
	if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} is still missing`);
	const version = await runToEnd(CHROMIUM_PATH, ['--version']);
	options.log(`  installed ${version.output.trim()}`);
	return CHROMIUM_PATH;
}

/** The font families fontconfig offers for Chinese (empty when fontconfig is missing). */
async function chineseFonts(): Promise<string[]> {
	const result = await runToEnd('fc-list', [':lang=zh', 'family']).catch(() => undefined);
	if (!result || result.code !== 0) return [];
	return result.output.split('\n').map((line) => line.trim()).filter(Boolean);
}

/** Installs a CJK font with apt unless fontconfig already knows a Chinese one; returns the families. */
export async function ensureCjkFonts(options: { log: (line: string) => void }): Promise<string[]> {
	const present = await chineseFonts();
	if (present.length) return present;
	options.log(`no Chinese font is installed (fc-list :lang=zh is empty): installing Debian's ${CJK_FONT_PACKAGE}`);
	if (process.getuid?.() !== 0) {
		throw new Error(
			`No Chinese font is installed, so the screenshots would show Chinese names as empty boxes, and installing one needs root: ` +
				`run "apt-get install ${CJK_FONT_PACKAGE}" as root, then run again.`,
		);
	}
	// The machine's package lists may be missing or stale: refresh them only when the install needs it.
	const install = ['install', '-y', '-q', '--no-install-recommends', CJK_FONT_PACKAGE];
	await apt(install, options.log, CJK_FONT_PACKAGE).catch(async () => {
		await apt(['update', '-q'], options.log, CJK_FONT_PACKAGE);
		await apt(install, options.log, CJK_FONT_PACKAGE);
	});
	const installed = await chineseFonts();
	if (!installed.length) throw new Error(`apt-get installed ${CJK_FONT_PACKAGE}, but fc-list :lang=zh still lists no font`);
	options.log(`  installed ${installed.join(', ')}`);
	return installed;
}

/** Installs Chromium and a CJK font if needed and launches it headless with a fresh profile. */
export async function launchChromium(options: { log: (line: string) => void }): Promise<Browser> {
	const executablePath = await ensureChromium(options);
	await ensureCjkFonts(options);
	return await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
