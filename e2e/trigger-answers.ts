/**
 * What the Coze Trigger answers in real n8n, per Respond mode: the status, content type and body of an
 * accepted request and of the refused ones (wrong secret, not JSON, too large, broken JSON), and
 * how many executions they started. The expected answers are the tables below: the node's texts
 * live there and nowhere else in the suite.
 */
import { httpRequest, type HttpAnswer } from '../test/support/http';
import { check } from './checks';
import { readExecutions, type N8nSetup } from './n8n';
import { waitFor } from '../test/support/wait';

export interface RespondMode {
	/** The option's name in the panel, used in the scenario name. */
	label: string;
	value: 'onReceived' | 'lastNode' | 'responseNode';
	workflowId: string;
	/** The production webhook path: `<webhookId>/coze`. */
	path: string;
	/** What an accepted request gets; `body` is the exact JSON, or a check of the parsed JSON returning what is wrong. */
	accepted: { status: number; body: unknown } | { status: number; check: (json: Record<string, unknown>) => string | undefined };
}

/** The three Respond modes, each with a workflow whose trigger uses it and the default Max Body Size (1024 KB). */
export const RESPOND_MODES: RespondMode[] = [
	{
		label: 'Immediately',
		value: 'onReceived',
		workflowId: 'cozeTriggerRun01',
		path: '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a03/coze',
		accepted: { status: 200, body: { received: true } },
	},
	{
		label: 'When Last Node Finishes',
		value: 'lastNode',
		workflowId: 'cozeTriggerReply',
		path: '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a02/coze',
		// The last node is a Coze Workflow run: its item is the answer.
		accepted: {
			status: 200,
			check: (json) =>
				json.status === 'succeeded' && typeof json.executeId === 'string' && /^\d{19}$/.test(json.executeId)
					? undefined
					: 'expected the Coze Workflow\'s item (status "succeeded", a 19-digit executeId)',
		},
	},
	{
		label: 'Using Respond to Webhook Node',
		value: 'responseNode',
		workflowId: 'e2eCozeTrigResp1',
		path: '5b0e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a04/coze',
		accepted: { status: 200, body: { answeredBy: 'Respond to Webhook', name: 'e2e' } },
	},
];

const TOO_LARGE_BYTES = 1024 * 1024 + 1024;

/** The refused requests and the trigger's fixed answers (the node's texts). */
export const REFUSALS: Array<{ what: string; contentType: string; secret: 'wrong' | 'right'; body: () => string; status: number[]; answer?: unknown }> = [
	{ what: 'wrong secret', contentType: 'application/json', secret: 'wrong', body: () => '{"name":"x"}', status: [401], answer: { received: false, error: 'The secret does not match.' } },
	{
		what: 'not JSON',
		contentType: 'text/plain',
		secret: 'right',
		body: () => 'name=x',
		status: [415],
		answer: { received: false, error: 'The body must be JSON (Content-Type: application/json).' },
	},
	{
		what: 'over 1024 KB',
		contentType: 'application/json',
		secret: 'right',
		body: () => JSON.stringify({ pad: 'x'.repeat(TOO_LARGE_BYTES) }),
		status: [413],
		answer: { received: false, error: 'The body is larger than 1024 KB.' },
	},
	// n8n (2.41 and 1.123) parses JSON before the node and answers 422 itself; 400 would be the node's answer.
	{ what: 'broken JSON', contentType: 'application/json', secret: 'right', body: () => '{"name":', status: [400, 422] },
];

/** A workflow for the third mode: Coze Trigger → Respond to Webhook, answering a fixed JSON with the request's name. */
export function respondNodeWorkflow(credentialId: string): object {
	const mode = RESPOND_MODES[2];
	return {
		id: mode.workflowId,
		name: 'e2e: Coze Trigger → Respond to Webhook',
		nodes: [
			{
				id: '7d1a0c30-0000-4000-8000-000000000041',
				name: 'Coze Trigger',
				type: 'n8n-nodes-coze-openclaw.cozeTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { authentication: 'header', headerName: 'Authorization', responseMode: mode.value, options: {} },
				credentials: { cozeWebhookSecretApi: { id: credentialId, name: 'Coze push secret' } },
				webhookId: mode.path.split('/')[0],
			},
			{
				id: '7d1a0c30-0000-4000-8000-000000000042',
				name: 'Respond to Webhook',
				type: 'n8n-nodes-base.respondToWebhook',
				// Versions from 1.1 refuse to run unless one of n8n's own webhook nodes started the workflow.
				typeVersion: 1,
				position: [240, 0],
				parameters: { respondWith: 'json', responseBody: '={{ JSON.stringify({ answeredBy: "Respond to Webhook", name: $json.body.name }) }}', options: {} },
			},
		],
		connections: { 'Coze Trigger': { main: [[{ node: 'Respond to Webhook', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** "HTTP 200, text/html; charset=utf-8, body firstEntryJson": what a failure message shows. */
function describe(answer: HttpAnswer): string {
	const body = answer.body.length > 300 ? `${answer.body.slice(0, 300)}… (${answer.body.length} characters)` : answer.body;
	return `HTTP ${answer.status}, ${String(answer.headers['content-type'] ?? 'no content type')}, body ${body}`;
}

function expectJsonAnswer(what: string, answer: HttpAnswer, status: number[], expected: unknown, test?: (json: Record<string, unknown>) => string | undefined): void {
	const wrong = (why: string) => `${what}: ${why}; got ${describe(answer)}`;
	check(status.includes(answer.status), wrong(`expected HTTP ${status.join(' or ')}`));
	if (expected === undefined && !test) return;
	check(/^application\/json\b/.test(String(answer.headers['content-type'] ?? '')), wrong('expected application/json'));
	let json: Record<string, unknown>;
	try {
		json = JSON.parse(answer.body) as Record<string, unknown>;
	} catch {
		throw new Error(wrong('the body is not JSON'));
	}
	if (expected !== undefined) check(JSON.stringify(json) === JSON.stringify(expected), wrong(`expected the body ${JSON.stringify(expected)}`));
	const problem = test?.(json);
	check(!problem, wrong(problem ?? ''));
}

/**
 * Sends one accepted request and the refused ones to a published workflow's Production URL and
 * checks every answer and that exactly one execution started; returns what it saw (without secrets).
 */
export async function checkTriggerAnswers(setup: N8nSetup, base: string, mode: RespondMode, secret: string): Promise<string> {
	const url = `${base}/webhook/${mode.path}`;
	const wrongSecret = 'wrong-secret-e2e-0000000000';
	const before = (await readExecutions(setup, mode.workflowId)).length;
	const send = async (contentType: string, which: 'wrong' | 'right', body: string) =>
		await httpRequest('POST', url, { headers: { 'content-type': contentType, authorization: `Bearer ${which === 'right' ? secret : wrongSecret}` }, body });

	const good = await send('application/json', 'right', '{"name":"e2e"}');
	const seen: string[] = [];
	const refused: HttpAnswer[] = [];
	const problems: string[] = [];
	try {
		const accepted = mode.accepted;
		expectJsonAnswer('the accepted request', good, [accepted.status], 'body' in accepted ? accepted.body : undefined, 'check' in accepted ? accepted.check : undefined);
		seen.push(`accepted: ${good.status} ${good.body.length > 80 ? `${good.body.slice(0, 80)}…` : good.body}`);
	} catch (error) {
		problems.push((error as Error).message);
	}
	for (const refusal of REFUSALS) {
		const answer = await send(refusal.contentType, refusal.secret, refusal.body());
		refused.push(answer);
		try {
			expectJsonAnswer(refusal.what, answer, refusal.status, refusal.answer);
			seen.push(`${refusal.what}: ${answer.status}`);
		} catch (error) {
			problems.push((error as Error).message);
		}
	}
	for (const answer of [good, ...refused])
		if (answer.body.includes(secret) || answer.body.includes(wrongSecret)) problems.push('an answer echoed the secret of the request');
	// The Immediately mode answers before the execution ends: wait for it to finish.
	const executions = await waitFor(
		'the execution of the accepted request',
		60_000,
		async () => {
			const rows = (await readExecutions(setup, mode.workflowId)).slice(before);
			return rows.length >= 1 && rows.every((r) => r.status !== 'running' && r.status !== 'new') ? rows : undefined;
		},
		1000,
	).catch(async () => (await readExecutions(setup, mode.workflowId)).slice(before));
	// Refusals start nothing; give a wrongly started execution time to show up.
	await new Promise((resolve) => setTimeout(resolve, 1000));
	const all = (await readExecutions(setup, mode.workflowId)).slice(before);
	if (all.length !== 1 || executions[0]?.status !== 'success')
		problems.push(`${all.length} executions (${all.map((e) => e.status).join(', ')}) for 1 accepted and ${REFUSALS.length} refused requests`);
	if (problems.length) throw new Error(problems.join(' | '));
	return `${seen.join('; ')}; 1 execution`;
}
