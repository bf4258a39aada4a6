/**
 * Preloaded into every test process by scripts/test.mjs (`--import`). Node's test runner waits for
 * a test file's process to exit by itself, so a server, socket, timer or child process left open
 * by a test would hang `npm test` forever, or be noticed by nobody. This registers a root-level
 * `after()` hook: once the file's tests (and their own after hooks) have ended, the process has
 * a short grace period to exit; if it is still alive then, something keeps it alive, and the
 * process lists what and exits with code 1, which fails the file.
 *
 * Only test processes (NODE_TEST_CONTEXT=child…) are checked, not the runner that spawns them.
 * NO_OPEN_HANDLES_GRACE_MS changes the grace period (default 2000).
 */
import { after } from 'node:test';

import { activeResources, extraResources } from './leaks';

if (process.env.NODE_TEST_CONTEXT?.startsWith('child')) {
	// stdio pipes and TTYs exist before any test runs and do not keep the process alive.
	const atStart = activeResources();
	const graceMs = Number(process.env.NO_OPEN_HANDLES_GRACE_MS ?? 2000);
	after(() => {
		// Unref'd: it does not keep the process alive itself, so it fires only if something else does.
		setTimeout(() => {
			const left = extraResources(atStart);
			if (left.length === 0) return;
			const file = process.argv.find((arg) => /\.test\.[cm]?[jt]s$/.test(arg)) ?? process.argv[1];
			process.stderr.write(
				`\nOPEN HANDLES: ${file} was still running ${graceMs} ms after its tests ended, kept alive by: ${left.join(', ')}.\n` +
					'A test did not close a server, socket, timer or child process it started.\n',
			);
			process.exit(1);
		}, graceMs).unref();
	});
}
