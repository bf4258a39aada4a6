/**
 * Open-handle checks: what a test started (servers, sockets, timers, child processes) must be gone
 * when it ends. `process.getActiveResourcesInfo()` lists every resource that keeps the event loop
 * alive (unref'd timers are not listed); a test takes a snapshot before it starts anything and
 * asserts afterwards that no resource type is more numerous than before.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';

export type ResourceCounts = ReadonlyMap<string, number>;

/** How many resources of each type (TCPSocketWrap, TCPServerWrap, Timeout, …) are active now. */
export function activeResources(): ResourceCounts {
	const counts = new Map<string, number>();
	for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
	return counts;
}

/**
 * A snapshot to compare against later, taken once the resources stop changing: just after a server
 * or socket was closed it is still listed for a moment, and a snapshot then would hide a leak.
 */
export async function settledResources(maxMs = 1000): Promise<ResourceCounts> {
	const deadline = Date.now() + maxMs;
	let previous = activeResources();
	for (;;) {
		await delay(20);
		const now = activeResources();
		if (extraResources(now, previous).length === 0 && extraResources(previous, now).length === 0) return now;
		if (Date.now() >= deadline) return now;
		previous = now;
	}
}

/** The resources active now beyond those of `before`, e.g. `["TCPSocketWrap ×2", "Timeout"]`. */
export function extraResources(before: ResourceCounts, now: ResourceCounts = activeResources()): string[] {
	const extra: string[] = [];
	for (const [name, count] of now) {
		const more = count - (before.get(name) ?? 0);
		if (more > 0) extra.push(more === 1 ? name : `${name} ×${more}`);
	}
	return extra.sort();
}

/** Sockets and servers among the active handles, in words (the resource list names only types). */
function describeHandles(): string[] {
	const getHandles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
	if (typeof getHandles !== 'function') return [];
	const described: string[] = [];
	for (const handle of getHandles.call(process)) {
		const socket = handle as {
			remoteAddress?: string;
			remotePort?: number;
			localPort?: number;
			address?: () => unknown;
			listening?: boolean;
			constructor?: { name?: string };
		};
		const kind = socket.constructor?.name ?? 'handle';
		if (kind === 'WriteStream' || kind === 'ReadStream') continue; // stdio
		if (kind === 'Socket' && socket.remotePort === undefined && !socket.listening) continue; // stdio pipes
		if (socket.remotePort !== undefined) described.push(`${kind} ${socket.remoteAddress}:${socket.remotePort} (local port ${socket.localPort})`);
		else if (typeof socket.address === 'function') described.push(`${kind} listening on ${JSON.stringify(socket.address())}`);
		else described.push(kind);
	}
	return described;
}

/**
 * Fails unless, within `settleMs`, every resource started since `before` is gone. Closing a socket
 * or server completes on a later turn of the event loop, hence the short settle loop (this is not
 * a timing assertion: a leak stays for good, the wait only ends early when nothing leaked).
 */
export async function assertNoLeaks(before: ResourceCounts, options: { label?: string; settleMs?: number } = {}): Promise<void> {
	const deadline = Date.now() + (options.settleMs ?? 3000);
	let extra = extraResources(before);
	while (extra.length > 0 && Date.now() < deadline) {
		await delay(20);
		extra = extraResources(before);
	}
	const handles = extra.length > 0 ? describeHandles() : [];
	assert.deepEqual(
		extra,
		[],
		`${options.label ?? 'the test'} left resources open: ${extra.join(', ')}${handles.length ? `\nactive handles: ${handles.join('; ')}` : ''}`,
	);
}

/** Runs `fn`, then checks that it left nothing open (also when it failed: its own error wins). */
export async function withLeakCheck<T>(label: string, fn: () => Promise<T>, settleMs?: number): Promise<T> {
	const before = await settledResources();
	const result = await fn();
	await assertNoLeaks(before, { label, settleMs });
	return result;
}
