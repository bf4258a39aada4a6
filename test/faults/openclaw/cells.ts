/**
 * The OpenClaw fault matrix as data: one cell per fault of the real gateway, each with the result
 * the node (or, for the gateway's own limits, a raw client) must get. `faults.test.ts` runs one
 * test per cell and checks it against these values; `docs/faults-openclaw.md` is rendered from the
 * same data (`doc.ts`), and a test fails when the file differs.
 *
 * Message templates: `{route}` is the route URL the node was given, `{n}` any whole number.
 */

/** The error an n8n execution ends with. */
export interface ErrorExpectation {
	class: 'NodeApiError' | 'NodeOperationError';
	message: string;
	/** The error's description (n8n shows it under the message). */
	description?: string;
	httpCode?: string;
}

export interface FaultCell {
	/** Test name and route id: each cell has a route (and so a session and a rate budget) of its own. */
	id: string;
	fault: string;
	/** How the test makes the fault. */
	how: string;
	/** The node's operation, or the raw client. */
	client: string;
	/** The expected result, in words. */
	result: string;
	/** Errors the cell's executions must end with, by step. */
	errors?: Record<string, ErrorExpectation>;
	/** Whether anything is sent again, by the node or by running the item again. */
	retry: string;
	/** Flows on the cell's route: before the fault, after it, and after the re-run (if any). */
	flows: { before: number; after: number; afterRerun?: number };
	/** The node's requests that reached the gateway in the whole cell, by action (omitted actions: none). */
	requests?: Record<string, number>;
}

const RESET = 'The connection to the OpenClaw gateway at {route} broke: the connection was reset; the request may or may not have been carried out.';
const OUTCOME_UNKNOWN =
	'The outcome is unknown. Hand Off finds its flow again when the item runs again; for other operations, check the flow before repeating.';
const LOOK_UP_FAILED =
	' Hand Off could not look the flow up by its Idempotency Key afterwards either: run the item again once the gateway answers; it finds the flow if it was created, and creates it otherwise.';

export const FAULT_CELLS: FaultCell[] = [
	{
		id: 'sigterm-in-flight',
		fault: 'Gateway stopped (SIGTERM) while a Create Flow is in flight; a second Create Flow arrives while it drains',
		how: 'The link sends the headers (Expect: 100-continue) and 10 bytes of the first request, then holds the body; once the gateway has answered 100 Continue it gets SIGTERM; once it logs it, a second execution runs; after two refusals the link holds new requests, lets the first body through, and the gateway is restarted (same state folder).',
		client: 'Create Flow',
		result:
			'The gateway finishes the request it had admitted before it exits: the first execution gets its flow (HTTP 200). While it drains it refuses new requests with HTTP 503 `gateway_unavailable` (JSON, `Retry-After: 1`, not the plugin\'s envelope), before reading them: the second execution waits 1 s and sends again, within Rate Limit Max Wait, and gets its flow from the restarted gateway.',
		retry: 'The node sends a request refused with 503 and Retry-After again (nothing was done); it never repeats the admitted one.',
		flows: { before: 0, after: 2 },
		requests: { create_flow: 4 },
	},
	{
		id: 'sigkill-body-in-flight',
		fault: "Gateway killed (SIGKILL) while a Hand Off's create is in flight, its body still arriving",
		how: 'The link holds the create_flow body after the headers; the gateway is SIGKILLed; its address refuses connections until it is restarted (same state folder).',
		client: 'Hand Off',
		result:
			'The connection breaks before any answer: the outcome is unknown. The node does not create again; it looks the flow up by its key after 1 s, which the stopped gateway refuses, and fails saying both. Nothing was created (the body was never complete). Run again after the restart, the item creates exactly one flow.',
		errors: { first: { class: 'NodeOperationError', message: RESET + LOOK_UP_FAILED, description: OUTCOME_UNKNOWN } },
		retry: 'The create is not repeated by the node; running the item again (same Idempotency Key) looks first and creates the one flow.',
		flows: { before: 0, after: 0, afterRerun: 1 },
		requests: { list_flows: 3, create_flow: 2 },
	},
	{
		id: 'sigkill-answer-lost-handoff',
		fault: "Gateway killed (SIGKILL) after a Hand Off's create was carried out, before the answer reached n8n",
		how: "The link forwards create_flow, keeps the gateway's 200 back, SIGKILLs the gateway and breaks the connection.",
		client: 'Hand Off',
		result:
			'The same error as above: outcome unknown, look-up refused. The flow exists and survives the kill and restart. Run again after the restart, the item finds it by its key: `created: false`, the same flowId; no second flow.',
		errors: { first: { class: 'NodeOperationError', message: RESET + LOOK_UP_FAILED, description: OUTCOME_UNKNOWN } },
		retry: 'The create is not repeated, by the node or by the re-run (it finds the flow).',
		flows: { before: 0, after: 1, afterRerun: 1 },
		requests: { list_flows: 2, create_flow: 1, get_flow: 1 },
	},
	{
		id: 'sigkill-answer-lost-create',
		fault: 'Gateway killed (SIGKILL) after a Create Flow was carried out, before the answer reached n8n',
		how: 'As above, with the Create Flow operation.',
		client: 'Create Flow',
		result:
			'Error: outcome unknown, with the advice to check the flow before repeating. Create Flow has no idempotency key, so the node sends it once and never again; the one flow survives the restart.',
		errors: { first: { class: 'NodeOperationError', message: RESET, description: OUTCOME_UNKNOWN } },
		retry: 'Not repeated by the node. Running it again would create a second flow: use Hand Off where a repeat must not.',
		flows: { before: 0, after: 1 },
		requests: { create_flow: 1 },
	},
	{
		id: 'restart-between-calls',
		fault: 'Gateway restarted (SIGTERM, start again on the same state) between two calls',
		how: 'A flow is created and set waiting (revision 1); the gateway is stopped; Finish Flow at revision 1 runs while it is down, then after the restart, then once more.',
		client: 'Finish Flow (Expected Revision 1)',
		result:
			'While down: connection refused, nothing reaches the gateway. After the restart the flows are all there, unchanged, and Finish Flow at revision 1 applies once (revision 2, succeeded). Repeating it with revision 1 is refused with `revision_conflict`, naming the current revision.',
		errors: {
			whileDown: {
				class: 'NodeOperationError',
				message: 'Could not connect to the OpenClaw gateway at {route}: the connection was refused. Check Gateway URL in the credential.',
			},
			stale: {
				class: 'NodeApiError',
				message:
					'TaskFlow {id} changed since revision 1: it is now at revision 2 (succeeded) (revision_conflict). Use the current revision, or set On Revision Conflict to Retry.',
				httpCode: '409',
			},
		},
		retry:
			'The refused call is not repeated by the node (safe to run again: it never arrived); the revision check makes a repeat after success harmless.',
		flows: { before: 1, after: 1 },
		requests: { create_flow: 1, set_waiting: 1, finish_flow: 2 },
	},
	{
		id: 'inflight-node',
		fault: '12 executions at once against the in-flight limit of 8, over a slow link',
		how: 'Twelve Create Flow executions start together; the link holds each body for 1.5 s after its headers, so requests overlap at the gateway.',
		client: 'Create Flow ×12',
		result:
			"The node's per-route gate keeps at most 8 requests at the gateway (the peak is exactly 8); the other 4 wait for a free slot. The gateway answers no 429; all 12 get their flow, each once.",
		retry: 'Nothing is refused, so nothing is repeated.',
		flows: { before: 0, after: 12 },
		requests: { create_flow: 12 },
	},
	{
		id: 'inflight-raw',
		fault: 'A raw client with 8 requests in flight sends a 9th',
		how: '8 create_flow requests send their headers and 10 bytes of body; a 9th create_flow follows; then the 8 bodies are completed.',
		client: 'raw HTTP client',
		result:
			'The 9th gets HTTP 429 `Too Many Requests` (plain text, the same answer as the rate limit) and creates nothing; the 8 then get 200 and create their flows.',
		retry: '—',
		flows: { before: 0, after: 8 },
	},
	{
		id: 'inflight-other-client',
		fault: 'Another client holds all 8 in-flight slots when the node sends',
		how: 'A raw client keeps 8 request bodies open; Create Flow runs; when the gateway has answered it 429, the 8 bodies are completed.',
		client: 'Create Flow',
		result:
			"The node cannot know of the other client, so its request gets 429. It waits 1 s (the 429 has no Retry-After) and sends it again, now successfully: one flow from the node, plus the other client's 8.",
		retry: 'Yes, by the node: a 429 from the in-flight guard is given before the body is read, so nothing was done.',
		flows: { before: 0, after: 9 },
		requests: { create_flow: 2 },
	},
	{
		id: 'body-timeout-raw',
		fault: 'A raw client sends the headers and part of the body, then nothing',
		how: 'create_flow with Content-Length set, 10 bytes sent, the rest never; at the same time a second one whose body comes a byte every 0.5 s (it would take 30 s).',
		client: 'raw HTTP client',
		result:
			'15 s after the request arrived the gateway answers HTTP 408 `Request body timeout` (plain text, `Connection: close`). The 15 s count from the start, not from the last byte: a body still trickling in (a byte every 0.5 s) gets the same 408. Nothing is created.',
		retry: '—',
		flows: { before: 0, after: 0 },
	},
	{
		id: 'body-timeout-node',
		fault: "The node's upload is held back longer than the gateway's body timeout",
		how: 'The link forwards the headers of Create Flow and keeps the body back.',
		client: 'Create Flow',
		result: "The gateway's 408 reaches the node, which fails with a message naming the 15 s limit. Nothing is created.",
		errors: {
			first: {
				class: 'NodeApiError',
				message:
					'The gateway gave up reading the request body after 15 s (408) at {route}: the connection to the gateway is too slow, or a proxy holds the upload back.',
				httpCode: '408',
			},
		},
		retry: 'Not repeated (a slow link would be slow again); running it again is safe, as the body was never read.',
		flows: { before: 0, after: 0 },
		requests: { create_flow: 1 },
	},
	{
		id: 'size-at-limit',
		fault: 'A request body of exactly 256 KiB (262 144 bytes)',
		how: 'Create Flow with a Goal long enough for the JSON body to be 262 144 bytes.',
		client: 'Create Flow',
		result: 'Sent and accepted: the flow holds the whole goal.',
		retry: '—',
		flows: { before: 0, after: 1 },
		requests: { create_flow: 1 },
	},
	{
		id: 'size-over-limit',
		fault: 'A request body of 256 KiB + 1 byte',
		how: 'The same Create Flow with a Goal one byte longer.',
		client: 'Create Flow',
		result: 'Refused by the node before sending, naming the field to make smaller.',
		errors: {
			first: {
				class: 'NodeOperationError',
				message: "The request would be 257 KiB, over the gateway's 256 KiB limit, so it was not sent: Goal is the biggest part; make it smaller.",
				description: 'Check the field "Goal".',
			},
		},
		retry: 'Nothing is sent.',
		flows: { before: 0, after: 0 },
		requests: {},
	},
	{
		id: 'size-over-handoff',
		fault: 'A Hand Off whose Result makes the body larger than 256 KiB',
		how: 'Hand Off with a 270 000-character Result.',
		client: 'Hand Off',
		result: 'Refused by the node before the create, naming Result (the Hand Off field, not the State (JSON) it is stored in).',
		errors: {
			first: {
				class: 'NodeOperationError',
				message: "The request would be {n} KiB, over the gateway's 256 KiB limit, so it was not sent: Result is the biggest part; make it smaller.",
				description: 'Check the field "Result".',
			},
		},
		retry: 'No create is sent (only the look-up by key).',
		flows: { before: 0, after: 0 },
		requests: { list_flows: 1 },
	},
	{
		id: 'size-raw',
		fault: 'A raw client sends 262 144 and then 262 145 bytes',
		how: 'create_flow bodies with a goal of the right length.',
		client: 'raw HTTP client',
		result: '262 144 bytes: 200, flow created. 262 145 bytes: HTTP 413 `Payload too large` (plain text, `Connection: close`), nothing created.',
		retry: '—',
		flows: { before: 0, after: 1 },
	},
];

/** Faults of the matrix that other test files already cover (referenced, not repeated). */
export const COVERED_ELSEWHERE: Array<{ fault: string; result: string; test: string }> = [
	{
		fault: 'The answer to a Hand Off create is lost while the gateway stays up',
		result: 'The look-up after 1 s finds the flow: success with `recoveredAfterLostAnswer: true`; create_flow sent once.',
		test: 'test/openclaw/retry.test.ts: "a create whose answer is lost is found again by its key, not repeated"',
	},
	{
		fault: 'Create and look-up both time out; the item is run again',
		result: 'Error "did not answer within 1 s", outcome unknown; the re-run finds the flow (`created: false`).',
		test: 'test/openclaw/retry.test.ts: "a hand-off retried after it failed on a timeout …"',
	},
	{
		fault: 'The answer to a revision-checked change or a child task is lost',
		result: 'Recognised by reading the flow: applied once (`recoveredAfterLostAnswer`), no second task.',
		test: 'test/openclaw/retry.test.ts',
	},
	{
		fault: 'The rate limit (120 requests per 60 s per route)',
		result: '150 hand-offs from one execution all succeed, exactly 150 flows, waiting for the next window.',
		test: 'test/openclaw/burst.test.ts',
	},
	{
		fault: 'State (JSON) over 256 KiB on Create Flow',
		result: 'Refused before sending, naming State (JSON).',
		test: 'test/openclaw/errors.test.ts: "a body over 256 KiB is refused before sending, naming the biggest field"',
	},
];

/** The route limits as the spec states them and as the cells measure them on the real gateway. */
export const LIMITS: Array<{ limit: string; spec: string; measured: string; cell: string }> = [
	{
		limit: 'In flight per route and client address',
		spec: '8, then 429 `Too Many Requests`',
		measured: 'The same: the 9th gets 429 (plain text)',
		cell: 'inflight-raw',
	},
	{
		limit: 'Body size',
		spec: '262 144 bytes; more is 413 `Payload too large`, `Connection: close`',
		measured: 'The same: 262 144 B accepted, 262 145 B refused',
		cell: 'size-raw',
	},
	{
		limit: 'Body timeout',
		spec: '15 000 ms; 408 `Request body timeout`, `Connection: close`',
		measured: "The same, 15.0 s; the time counts from the request's start, so a trickling body is cut off too (not in the spec)",
		cell: 'body-timeout-raw',
	},
	{
		limit: 'SIGTERM',
		spec: 'Stops in 0.2–4 s when idle; nothing said of requests in flight',
		measured:
			'Admitted requests are finished first (a held body is waited for, up to the 15 s body timeout); new requests get 503 JSON `{"error":{…,"code":"gateway_unavailable"}}` with `Retry-After: 1` (not in the spec); then connections are refused',
		cell: 'sigterm-in-flight',
	},
	{
		limit: 'Flows across restarts',
		spec: 'Persisted (verified after SIGTERM)',
		measured: 'Persisted after SIGTERM and after SIGKILL, including a flow whose answer was lost in the kill',
		cell: 'sigkill-answer-lost-handoff, restart-between-calls',
	},
];
