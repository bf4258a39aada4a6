/**
 * Renders docs/faults-openclaw.md from the cells, so that the page is the tests' own description of
 * themselves (faults.test.ts fails when the file differs).
 */
import { COVERED_ELSEWHERE, FAULT_CELLS, LIMITS, type FaultCell } from './cells';

export const FAULT_DOC_PATH = 'docs/faults-openclaw.md';

const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const shown = (template: string) =>
	template
		.replace(/\{route\}/g, '<route>')
		.replace(/\{n\}/g, 'N')
		.replace(/\{id\}/g, '<flowId>');

function errorText(errors: FaultCell['errors']): string {
	if (!errors) return 'none';
	return Object.entries(errors)
		.map(
			([step, e]) =>
				`${step}: ${e.class}${e.httpCode ? ` (HTTP ${e.httpCode})` : ''} "${shown(e.message)}"${e.description ? `; description "${e.description}"` : ''}`,
		)
		.join('<br>');
}

function flowsText(flows: FaultCell['flows']): string {
	return `${flows.before} → ${flows.after}${flows.afterRerun !== undefined ? ` → ${flows.afterRerun} after the re-run` : ''}`;
}

function requestsText(requests: FaultCell['requests']): string {
	if (!requests) return 'raw client: n/a';
	const parts = Object.entries(requests).map(([action, n]) => `${action} ×${n}`);
	return parts.length ? parts.join(', ') : 'none';
}

export function renderFaultDoc(): string {
	return [
		'# OpenClaw faults against the real gateway',
		'',
		'<!-- Generated from test/faults/openclaw/cells.ts. Do not edit by hand: change the data, then run',
		'     UPDATE_FAULT_DOCS=1 npm test -- test/faults/openclaw/faults.test.ts -->',
		'',
		'What the OpenClaw TaskFlow node does when the gateway (openclaw 2026.9.6, `webhooks` plugin) is stopped, killed,',
		'restarted, or held at one of its route limits. Each row is one test in',
		'[`test/faults/openclaw/faults.test.ts`](../test/faults/openclaw/faults.test.ts), named by its id; the test runs the node in',
		"n8n-core's engine against a real gateway of its own and checks what the row says. The test fails when this page",
		'and the data it is generated from differ.',
		'',
		'The ground rule: a retry never starts a second OpenClaw flow. The node never repeats a request that may have',
		'been carried out; Hand Off looks its flow up by its Idempotency Key before creating, so running an item again is',
		'safe; Create Flow has no key, and its errors say when the outcome is unknown.',
		'',
		'## Cells',
		'',
		'| Id | Fault | Client | Expected result | Error | Retried? | Flows on the route | Requests that reached the gateway |',
		'|---|---|---|---|---|---|---|---|',
		...FAULT_CELLS.map(
			(c) =>
				`| \`${c.id}\` | ${escape(c.fault)} | ${escape(c.client)} | ${escape(c.result)} | ${escape(errorText(c.errors))} | ${escape(c.retry)} | ${flowsText(c.flows)} | ${requestsText(c.requests)} |`,
		),
		'',
		'## How each fault is made',
		'',
		"The node's credential points at a fixed local address in front of the gateway (`test/faults/openclaw/front.ts`), so",
		'its Gateway URL stays the same while the gateway behind it is stopped, killed and restarted on the same state',
		"folder. While the gateway is down the address refuses connections, as the gateway's own port would. The same",
		'link holds request bodies or answers back where a cell needs it. Raw-client cells talk to the gateway directly.',
		'',
		...FAULT_CELLS.map((c) => `- \`${c.id}\`: ${c.how}`),
		'',
		'## What every cell checks',
		'',
		'- The result: the items, or the error (n8n class, message, description, HTTP code) exactly as above.',
		"- The flows on the cell's own route, read from the gateway before the fault, after it, and after a re-run: none",
		'  lost, none twice (each goal or idempotency key once).',
		'- The requests that reached the gateway, by action: a count above the expected one means something was repeated.',
		"- Secrets: the credential holds a canary secret (the link swaps it for the route's real one). Neither the canary",
		"  nor any real route secret may appear in an error (message, description, stack, cause), an item, n8n's debug log",
		"  or its logger's lines.",
		"- Nothing is left open: the process's active resources (`process.getActiveResourcesInfo()`: sockets, servers,",
		'  timers) are the same after the cell as before it (`test/support/leaks.ts`).',
		'',
		'## Covered by other test files',
		'',
		'| Fault | Result | Test |',
		'|---|---|---|',
		...COVERED_ELSEWHERE.map((c) => `| ${escape(c.fault)} | ${escape(c.result)} | ${escape(c.test)} |`),
		'',
		'## Route limits: spec vs the real gateway',
		'',
		'| Limit | Spec (`openclaw-webhooks.md`) | Measured on the real gateway | Cell |',
		'|---|---|---|---|',
		...LIMITS.map((l) => `| ${l.limit} | ${escape(l.spec)} | ${escape(l.measured)} | ${l.cell} |`),
		'',
	].join('\n');
}
