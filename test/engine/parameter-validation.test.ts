/**
 * Parameter validation, table-driven: every parameter of every node, given each
 * of its invalid values, makes the node fail with an error that names the parameter by its display
 * name and says what to do, before any request is sent. Runs through n8n-core's engine; the Coze
 * nodes talk to the emulator, the OpenClaw nodes to a loopback server that only records requests.
 *
 * Parameters that cannot be invalid are listed as comments in the tables, with why.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { startEmulator, type CozeEmulator } from '../emulator';
import { accessTokenCredentials, callWebhook, pollTrigger, runNode, TestCredentialsHelper } from '../harness/engine';
import { IDS, TIME_SCALE, workflow } from './helpers';

interface Row {
	/** The parameter's display name, which the error must contain. */
	parameter: string;
	/** The invalid value, as the test names it. */
	value: string;
	/** The node's parameters (a valid base with the invalid value put in). */
	parameters: INodeParameters;
	/** What the message must also say (the way out). */
	says: RegExp;
	typeVersion?: number;
	inputItems?: INodeExecutionData[];
	/** Input fields are checked against the workflow's input schema, which is read (GET) first; nothing else may be sent. */
	readsSchema?: boolean;
	/** The message comes from n8n's own check of the field and is shown next to it, so it need not name it. */
	namedByPlacement?: boolean;
}

const expr = (code: string) => `={{ ${code} }}`;

// ---------- Coze Workflow ----------

const RUN: INodeParameters = {
	operation: 'run',
	mode: 'stream',
	inputMode: 'json',
	workflowId: workflow(IDS.story),
	parametersJson: '{}',
	options: {},
};
const RUN_FIELDS: INodeParameters = {
	operation: 'run',
	mode: 'stream',
	inputMode: 'fields',
	workflowId: workflow(IDS.allTypes),
	inputs: { mappingMode: 'defineBelow', value: { p_string: 'hi', p_integer: 7 } },
	options: {},
};
const RESUME: INodeParameters = {
	operation: 'resume',
	workflowId: workflow(IDS.tripQuestion),
	eventId: '7404830425073352713/2769808280134765896',
	interruptType: 2,
	resumeData: 'Paris, tomorrow',
	resumeVia: 'stream',
	options: {},
};
const GET_RUN: INodeParameters = {
	operation: 'getRun',
	workflowId: workflow(IDS.story),
	executeId: '7404830425073352713',
	waitForCompletion: false,
	options: {},
};
const UPLOAD: INodeParameters = { operation: 'uploadFile', binaryPropertyName: 'data', options: {} };

const withOptions = (base: INodeParameters, options: IDataObject): INodeParameters => ({
	...base,
	options: { ...(base.options as IDataObject), ...options } as INodeParameters,
});
const withInputs = (values: IDataObject): INodeParameters => ({
	...RUN_FIELDS,
	inputs: { mappingMode: 'defineBelow', value: { p_string: 'hi', p_integer: 7, ...values } },
});

const FILE_ITEM: INodeExecutionData[] = [
	{ json: {}, binary: { data: { data: Buffer.from('hello').toString('base64'), mimeType: 'text/plain', fileName: 'hello.txt' } } },
];

const workflowRows = (base: INodeParameters): Row[] => [
	// Empty as typed: n8n's own check of required parameters refuses to start; empty from an expression: the node's.
	{ parameter: 'Workflow', value: 'empty', parameters: { ...base, workflowId: workflow('') }, says: /is required/ },
	{
		parameter: 'Workflow',
		value: 'empty from an expression',
		parameters: { ...base, workflowId: workflow(expr('""')) },
		says: /enter the ID of a published Coze workflow/,
	},
	{ parameter: 'Workflow', value: 'not digits', parameters: { ...base, workflowId: workflow('my-workflow') }, says: /digits only/ },
	{
		parameter: 'Workflow',
		value: 'an object from an expression',
		parameters: { ...base, workflowId: workflow(expr('{ id: 1 }')) },
		says: /Coze workflow ID|enter the ID/,
	},
	{
		parameter: 'Workflow',
		value: 'a URL without workflow_id',
		parameters: { ...base, workflowId: { __rl: true, mode: 'url', value: 'https://www.coze.com/work_flow?space_id=7300000000000000001' } },
		says: /contains workflow_id=/,
		// n8n's check of the mode's `validation`: its text is shown under the field, and does not repeat the name.
		namedByPlacement: true,
	},
	{
		parameter: 'Workflow',
		value: 'a URL without a workflow ID, from an expression',
		parameters: { ...base, workflowId: { __rl: true, mode: 'url', value: expr('"https://www.coze.cn/work_flow?space_id=7300000000000000001"') } },
		says: /holds no workflow ID.*workflow_id=… or \/workflow\/<ID>/,
	},
	{
		parameter: 'Workflow',
		value: 'a URL without a workflow ID, entered By ID',
		parameters: { ...base, workflowId: workflow('https://www.coze.com/space/7300000000000000001/develop') },
		says: /holds no workflow ID/,
	},
	{
		parameter: 'Workflow',
		value: 'a number beyond 2^53 from an expression',
		parameters: { ...base, workflowId: workflow(expr('7400000000000000011')) },
		says: /too large to be exact.*Pass the ID as a string/,
	},
];

/** The fields under which an operation lists each group of options: n8n drops the value of an option it does not list. */
interface OptionBases {
	streamed?: INodeParameters;
	polled?: INodeParameters;
	requested?: INodeParameters;
}

const optionRows = (base: INodeParameters, { streamed, polled, requested }: OptionBases): Row[] => [
	{ parameter: 'Concurrency', value: '0', parameters: withOptions(base, { concurrency: 0 }), says: /whole number from 1 to 50/ },
	{ parameter: 'Concurrency', value: '51', parameters: withOptions(base, { concurrency: 51 }), says: /whole number from 1 to 50/ },
	{ parameter: 'Concurrency', value: '2.5', parameters: withOptions(base, { concurrency: 2.5 }), says: /whole number from 1 to 50/ },
	{
		parameter: 'Concurrency',
		value: 'text from an expression',
		parameters: withOptions(base, { concurrency: expr('"many"') }),
		says: /whole number from 1 to 50/,
	},
	{ parameter: 'Requests per Second', value: '0', parameters: withOptions(base, { requestsPerSecond: 0 }), says: /positive number/ },
	{ parameter: 'Requests per Second', value: 'text', parameters: withOptions(base, { requestsPerSecond: expr('"fast"') }), says: /positive number/ },
	...(streamed
		? [
				{ parameter: 'Idle Timeout', value: '0', parameters: withOptions(streamed, { idleTimeout: 0 }), says: /positive number of seconds/ },
				{ parameter: 'Idle Timeout', value: 'text', parameters: withOptions(streamed, { idleTimeout: expr('"long"') }), says: /positive number of seconds/ },
				{ parameter: 'Total Timeout', value: '-5', parameters: withOptions(streamed, { totalTimeout: -5 }), says: /positive number of seconds/ },
				{ parameter: 'Max Event Size', value: '0', parameters: withOptions(streamed, { maxEventSize: 0 }), says: /number of MB from 1 to 512/ },
				{ parameter: 'Max Event Size', value: 'text', parameters: withOptions(streamed, { maxEventSize: expr('"big"') }), says: /number of MB from 1 to 512/ },
			]
		: []),
	...(requested
		? [
				{
					parameter: 'Request Timeout',
					value: 'text',
					parameters: withOptions(requested, { requestTimeout: expr('"2 min"') }),
					says: /positive number of seconds/,
				},
			]
		: []),
	...(polled
		? [
				{ parameter: 'Max Wait Time', value: '0', parameters: withOptions(polled, { maxWaitTime: 0 }), says: /positive number of seconds/ },
				{ parameter: 'Max Wait Time', value: 'more than 24 h', parameters: withOptions(polled, { maxWaitTime: 90_000 }), says: /at most 86400 seconds/ },
				{ parameter: 'Poll Initial Interval', value: '0', parameters: withOptions(polled, { pollInitialInterval: 0 }), says: /positive number of seconds/ },
				{
					parameter: 'Poll Max Interval',
					value: 'text',
					parameters: withOptions(polled, { pollMaxInterval: expr('"often"') }),
					says: /positive number of seconds/,
				},
				{
					parameter: 'Poll Max Interval',
					value: 'shorter than the initial interval',
					parameters: withOptions(polled, { pollInitialInterval: 10, pollMaxInterval: 2 }),
					says: /must not be shorter than Poll Initial Interval/,
				},
			]
		: []),
	// Stream to Response, Include Events, Include Messages, Parse Output, Fall Back to Stream When Async Is Not Allowed:
	// booleans, anything else reads as their default. Streamed Nodes: an options list, anything but "end" means every node.
];

const COZE_ROWS: Record<string, Row[]> = {
	run: [
		...workflowRows(RUN),
		{ parameter: 'Mode', value: 'unknown, from an expression', parameters: { ...RUN, mode: expr('"fast"') }, says: /stream, async or sync/ },
		{ parameter: 'Inputs (JSON)', value: 'malformed JSON', parameters: { ...RUN, parametersJson: '{"topic": "rain",}' }, says: /not valid JSON/ },
		{ parameter: 'Inputs (JSON)', value: 'an array', parameters: { ...RUN, parametersJson: '["rain"]' }, says: /must be a JSON object/ },
		{
			parameter: 'Inputs (JSON)',
			value: 'a number from an expression',
			parameters: { ...RUN, parametersJson: expr('42') },
			says: /must be a JSON object/,
		},
		{
			parameter: 'p_integer',
			value: 'not a whole number',
			parameters: withInputs({ p_integer: 'seven' }),
			says: /whole number/,
			typeVersion: 1.1,
			readsSchema: true,
		},
		{
			parameter: 'p_integer',
			value: 'beyond 2^53',
			parameters: withInputs({ p_integer: '90071992547409930' }),
			says: /too large/,
			typeVersion: 1.1,
			readsSchema: true,
		},
		{
			parameter: 'p_string',
			value: 'required, empty',
			parameters: withInputs({ p_string: '' }),
			says: /required by the workflow.*enter a value/,
			typeVersion: 1.1,
			readsSchema: true,
		},
		{
			parameter: 'p_number',
			value: 'not a number',
			parameters: withInputs({ p_number: 'pi' }),
			says: /must be a number/,
			typeVersion: 1.1,
			readsSchema: true,
		},
		{
			parameter: 'p_boolean',
			value: 'not true or false',
			parameters: withInputs({ p_boolean: 'maybe' }),
			says: /true or false/,
			typeVersion: 1.1,
			readsSchema: true,
		},
		{
			parameter: 'p_object',
			value: 'malformed JSON',
			parameters: withInputs({ p_object: '{"name": }' }),
			says: /JSON object/,
			typeVersion: 1.1,
			readsSchema: true,
		},
		{
			parameter: 'p_object',
			value: 'an array',
			parameters: withInputs({ p_object: '[1]' }),
			says: /JSON object/,
			typeVersion: 1.1,
			readsSchema: true,
		},
		{
			parameter: 'p_array',
			value: 'not an array',
			parameters: withInputs({ p_array: '{"a":1}' }),
			says: /JSON array/,
			typeVersion: 1.1,
			readsSchema: true,
		},
		{
			parameter: 'p_time',
			value: 'an object',
			parameters: withInputs({ p_time: expr('{ at: 1 }') }),
			says: /must be text/,
			typeVersion: 1.1,
			readsSchema: true,
		},
		{
			parameter: 'p_file',
			value: 'a binary field the item does not have',
			parameters: withInputs({ p_file: 'attachment' }),
			says: /no binary field "attachment".*Enter the name of a binary field/,
			typeVersion: 1.1,
			readsSchema: true,
		},
		{
			parameter: 'retired_input',
			value: 'an input the workflow no longer has',
			parameters: withInputs({ retired_input: 'x' }),
			says: /refresh the fields/,
			typeVersion: 1.1,
			readsSchema: true,
		},
		{
			parameter: 'p_doc',
			value: 'a file ID as a number beyond 2^53',
			parameters: withInputs({ p_doc: expr('7400000000000009999') }),
			says: /too large to be exact.*passed as a string/,
			typeVersion: 1.1,
			readsSchema: true,
		},
		{
			parameter: 'p_string',
			value: 'an ID as a number beyond 2^53',
			parameters: withInputs({ p_string: expr('7400000000000009999') }),
			says: /too large to be exact.*passed as a string/,
			typeVersion: 1.1,
			readsSchema: true,
		},
		{
			parameter: 'Bot ID',
			value: 'a number beyond 2^53 from an expression',
			parameters: withOptions(RUN, { botId: expr('7400000000000000101') }),
			says: /too large to be exact.*Pass the ID as a string/,
		},
		{
			parameter: 'App ID',
			value: 'a number beyond 2^53 from an expression',
			parameters: withOptions(RUN, { appId: expr('7400000000000000201') }),
			says: /too large to be exact.*Pass the ID as a string/,
		},
		{ parameter: 'Bot ID', value: 'not digits', parameters: withOptions(RUN, { botId: 'my-bot' }), says: /digits only/ },
		{ parameter: 'App ID', value: 'not digits', parameters: withOptions(RUN, { appId: '7400-app' }), says: /digits only/ },
		{
			parameter: 'Bot ID',
			value: 'set together with App ID',
			parameters: withOptions(RUN, { botId: '7400000000000000100', appId: '7400000000000000200' }),
			says: /either Bot ID or App ID/,
		},
		{
			parameter: 'User ID',
			value: 'an object from an expression',
			parameters: withOptions(RUN, { userId: expr('{ id: 1 }') }),
			says: /must be text/,
		},
		{
			parameter: 'Workflow Version',
			value: 'an object from an expression',
			parameters: withOptions(RUN, { workflowVersion: expr('{ v: 1 }') }),
			says: /must be text/,
		},
		...optionRows(RUN, { streamed: RUN, polled: { ...RUN, mode: 'async' }, requested: { ...RUN, mode: 'sync' } }),
	],
	resume: [
		...workflowRows(RESUME),
		{ parameter: 'Event ID', value: 'empty', parameters: { ...RESUME, eventId: '' }, says: /is required/ },
		{
			parameter: 'Event ID',
			value: 'empty from an expression',
			parameters: { ...RESUME, eventId: expr('$json.interrupt?.eventId') },
			says: /use the interrupt's event ID/,
		},
		{
			parameter: 'Event ID',
			value: 'only an execute ID',
			parameters: { ...RESUME, eventId: '7404830425073352713' },
			says: /<execute_id>\/<interrupt_id>/,
		},
		{ parameter: 'Event ID', value: 'not digits', parameters: { ...RESUME, eventId: 'abc/def' }, says: /<execute_id>\/<interrupt_id>/ },
		{
			parameter: 'Event ID',
			value: 'a number beyond 2^53 from an expression',
			parameters: { ...RESUME, eventId: expr('7404830425073352713') },
			says: /too large to be exact.*Pass the ID as a string/,
		},
		{ parameter: 'Interrupt Type', value: '0', parameters: { ...RESUME, interruptType: 0 }, says: /positive whole number/ },
		{ parameter: 'Interrupt Type', value: '2.5', parameters: { ...RESUME, interruptType: 2.5 }, says: /positive whole number/ },
		{
			parameter: 'Interrupt Type',
			value: 'text from an expression',
			parameters: { ...RESUME, interruptType: expr('"question"') },
			says: /positive whole number/,
		},
		{ parameter: 'Answer', value: 'empty', parameters: { ...RESUME, resumeData: '' }, says: /is required/ },
		{
			parameter: 'Answer',
			value: 'empty from an expression',
			parameters: { ...RESUME, resumeData: expr('$json.answer ?? ""') },
			says: /needs an answer/,
		},
		{ parameter: 'Answer', value: 'blank', parameters: { ...RESUME, resumeData: '   ' }, says: /needs an answer/ },
		{
			parameter: 'Resume Via',
			value: 'unknown, from an expression',
			parameters: { ...RESUME, resumeVia: expr('"webhook"') },
			says: /Stream or Non-Stream/,
		},
		...optionRows(RESUME, { streamed: RESUME, polled: { ...RESUME, resumeVia: 'nonStream' }, requested: { ...RESUME, resumeVia: 'nonStream' } }),
	],
	getRun: [
		...workflowRows(GET_RUN),
		{ parameter: 'Execute ID', value: 'empty', parameters: { ...GET_RUN, executeId: '' }, says: /is required/ },
		{
			parameter: 'Execute ID',
			value: 'empty from an expression',
			parameters: { ...GET_RUN, executeId: expr('$json.executeId') },
			says: /use the run's executeId/,
		},
		{ parameter: 'Execute ID', value: 'not digits', parameters: { ...GET_RUN, executeId: 'run-1' }, says: /digits only/ },
		{
			parameter: 'Execute ID',
			value: 'a number that JSON.parse rounded, from an expression',
			parameters: { ...GET_RUN, executeId: expr('JSON.parse(\'{"executeId": 7404830425073352713}\').executeId') },
			says: /too large to be exact.*Pass the ID as a string/,
		},
		{
			parameter: 'Execute ID',
			value: 'an event ID',
			parameters: { ...GET_RUN, executeId: '7404830425073352713/2769808280134765896' },
			says: /digits only/,
		},
		// Wait for Completion: a boolean.
		...optionRows(GET_RUN, { polled: { ...GET_RUN, waitForCompletion: true }, requested: GET_RUN }),
	],
	uploadFile: [
		{
			parameter: 'Input Binary Field',
			value: 'empty',
			parameters: { ...UPLOAD, binaryPropertyName: '' },
			says: /is required/,
			inputItems: FILE_ITEM,
		},
		{
			parameter: 'Input Binary Field',
			value: 'empty from an expression',
			parameters: { ...UPLOAD, binaryPropertyName: expr('""') },
			says: /Enter the name of the input's binary field/,
			inputItems: FILE_ITEM,
		},
		{
			parameter: 'Input Binary Field',
			value: 'a field the item does not have',
			parameters: { ...UPLOAD, binaryPropertyName: 'attachment' },
			says: /no binary field "attachment".*Enter the name of the input's binary field/,
			inputItems: FILE_ITEM,
		},
		{ parameter: 'Input Binary Field', value: 'an item without binary data', parameters: UPLOAD, says: /no binary field "data"/ },
		// Upload File lists and reads Concurrency, Requests per Second and its two timeouts of the Options.
		...optionRows(UPLOAD, {}).map((row) => ({ ...row, inputItems: FILE_ITEM })),
		{ parameter: 'Idle Timeout', value: '0', parameters: withOptions(UPLOAD, { idleTimeout: 0 }), says: /positive number of seconds/, inputItems: FILE_ITEM },
		{ parameter: 'Request Timeout', value: 'text', parameters: withOptions(UPLOAD, { requestTimeout: expr('"10 min"') }), says: /positive number of seconds/, inputItems: FILE_ITEM },
	],
};
// Authentication and Operation: option lists without expressions (Operation has noDataExpression); an unknown
// operation is still refused by name, below.

/** Whatever the message says must also say what to do; these words do. */
const ACTIONABLE = /\b(must|enter|use|set|choose|pick|check|refresh|needs?|required|paste)\b/i;

describe('parameter validation: Coze Workflow', () => {
	let emu: CozeEmulator;
	before(async () => {
		emu = await startEmulator({ timeScale: TIME_SCALE });
	});
	after(async () => {
		await emu?.close();
	});

	for (const [operation, rows] of Object.entries(COZE_ROWS)) {
		for (const row of rows) {
			it(`${operation}: ${row.parameter} = ${row.value}`, async () => {
				emu.requests.length = 0;
				const runsBefore = emu.runsStarted();
				const error = await failureOf(
					runNode({
						parameters: row.parameters,
						credentials: accessTokenCredentials(emu.baseUrl, emu.token),
						typeVersion: row.typeVersion,
						inputItems: row.inputItems,
					}),
				);
				assertNamedFailure(error, row);
				assert.equal(emu.runsStarted(), runsBefore, 'a run was started');
				const sent = emu.requests.filter((r) => !(row.readsSchema && r.method === 'GET'));
				assert.deepEqual(
					sent.map((r) => `${r.method} ${r.path}`),
					[],
					'requests reached Coze',
				);
			});
		}
	}

	it('an unknown operation is refused by name', async () => {
		emu.requests.length = 0;
		const result = await runNode({
			parameters: { operation: 'deleteWorkflow', options: {} },
			credentials: accessTokenCredentials(emu.baseUrl, emu.token),
		});
		assert.match(result.error?.message ?? '', /Operation "deleteWorkflow" is not one of Run, Chat, Resume, Get Run or Upload File/);
		assert.equal(emu.requests.length, 0);
	});

	it('is not vacuous: the valid base parameters of each operation do reach Coze', async () => {
		for (const base of [RUN, GET_RUN]) {
			emu.requests.length = 0;
			await runNode({ parameters: base, credentials: accessTokenCredentials(emu.baseUrl, emu.token) });
			assert.ok(emu.requests.length > 0, `${String(base.operation)} sent nothing`);
		}
		emu.requests.length = 0;
		const upload = await runNode({ parameters: UPLOAD, credentials: accessTokenCredentials(emu.baseUrl, emu.token), inputItems: FILE_ITEM });
		assert.equal(upload.error, undefined, upload.error?.message);
	});
});

/**
 * The node's error, or n8n's refusal to start a workflow whose node has issues (a required parameter
 * left empty as typed), which is checked before the node runs.
 */
async function failureOf(
	run: Promise<{ error?: { message: string; description?: string | null } }>,
): Promise<{ message: string; description?: string | null } | undefined> {
	try {
		return (await run).error;
	} catch (error) {
		// "The 'Coze Workflow' node has issues: …": without the node's name, which could pass for the parameter's.
		if ((error as Error).name === 'WorkflowHasIssuesError')
			return { message: (error as Error).message.replace(/^The '[^']*' node has issues:/, '').trim() };
		throw error;
	}
}

function assertNamedFailure(error: { message: string; description?: string | null } | undefined, row: Row): void {
	assert.ok(error, `the node accepted ${row.parameter} = ${row.value}`);
	const text = `${error.message}\n${error.description ?? ''}`;
	if (!row.namedByPlacement) assert.ok(error.message.includes(row.parameter), `the message does not name "${row.parameter}": ${error.message}`);
	assert.match(text, row.says);
	assert.match(text, ACTIONABLE, `the message does not say what to do: ${text}`);
}

// ---------- Coze Trigger ----------

const SECRET = 'whsec_0123456789abcdef0123456789abcdef';
const TRIGGER: INodeParameters = {
	authentication: 'hmac',
	signatureHeader: 'x-coze-signature',
	timestampHeader: 'x-coze-timestamp',
	toleranceSeconds: 300,
	responseMode: 'onReceived',
	options: {},
};

const TRIGGER_ROWS: Row[] = [
	{
		parameter: 'Tolerance (Seconds)',
		value: 'text from an expression',
		parameters: { ...TRIGGER, toleranceSeconds: expr('"five minutes"') },
		says: /from 10 to 3600/,
	},
	{ parameter: 'Tolerance (Seconds)', value: '0', parameters: { ...TRIGGER, toleranceSeconds: 0 }, says: /from 10 to 3600/ },
	{ parameter: 'Tolerance (Seconds)', value: 'a day', parameters: { ...TRIGGER, toleranceSeconds: 86_400 }, says: /from 10 to 3600/ },
	{ parameter: 'Signature Header', value: 'empty', parameters: { ...TRIGGER, signatureHeader: '  ' }, says: /Enter the header/ },
	{ parameter: 'Timestamp Header', value: 'empty', parameters: { ...TRIGGER, timestampHeader: '' }, says: /Enter the header/ },
	{
		parameter: 'Max Body Size (KB)',
		value: 'text from an expression',
		parameters: { ...TRIGGER, options: { maxBodySizeKb: expr('"1 MB"') } },
		says: /from 1 to 16384/,
	},
	{ parameter: 'Max Body Size (KB)', value: '0', parameters: { ...TRIGGER, options: { maxBodySizeKb: 0 } }, says: /from 1 to 16384/ },
	// Authentication and Respond: option lists. Header Name: empty means Authorization (documented). Decode Nested
	// JSON, Include Headers, Include Query: booleans.
];

describe('parameter validation: Coze Trigger', () => {
	for (const row of TRIGGER_ROWS) {
		it(`${row.parameter} = ${row.value}`, async () => {
			const body = Buffer.from('{"executeId":"7400000000000000123"}');
			const timestamp = String(Math.floor(Date.now() / 1000));
			const { createHmac } = await import('node:crypto');
			const signature = createHmac('sha256', SECRET).update(`${timestamp}.`).update(body).digest('hex');
			const outcome = await callWebhook({
				node: 'cozeTrigger',
				parameters: row.parameters,
				credentials: new TestCredentialsHelper({ cozeWebhookSecretApi: { secret: SECRET } }),
				credentialTypes: ['cozeWebhookSecretApi'],
				headers: { 'content-type': 'application/json', 'x-coze-signature': signature, 'x-coze-timestamp': timestamp },
				rawBody: body,
			}).then(
				(value) => ({ value, error: undefined }),
				(error: Error & { description?: string }) => ({ value: undefined, error }),
			);
			assert.equal(outcome.value?.result.workflowData, undefined, 'an execution started');
			assertNamedFailure(outcome.error, row);
		});
	}
});

// ---------- OpenClaw ----------

/** A loopback server that records every request and refuses it: no request may reach it in these tests. */
async function startRecorder(): Promise<{ server: Server; url: string; requests: string[] }> {
	const requests: string[] = [];
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
		req.on('end', () => {
			requests.push(`${req.method} ${req.url} ${body}`);
			res
				.writeHead(400, { 'content-type': 'application/json' })
				.end('{"ok":false,"error":"the parameter-validation recorder refuses every request"}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const FLOW = { __rl: true, mode: 'id', value: '7afdcf98-f58a-46cd-848c-845233772f87' };
const OC = {
	createFlow: { operation: 'createFlow', goal: 'Review the Coze result', status: 'queued', notifyPolicy: 'done_only', createFields: {}, options: {} },
	getFlow: { operation: 'getFlow', flowId: FLOW, options: {} },
	getTaskSummary: { operation: 'getTaskSummary', flowId: FLOW, options: {} },
	cancelFlow: { operation: 'cancelFlow', flowId: FLOW, options: {} },
	listFlows: { operation: 'listFlows', returnAll: false, limit: 50, filters: {}, options: {} },
	findLatestFlow: { operation: 'findLatestFlow', options: {} },
	resolveFlow: { operation: 'resolveFlow', flowOrSessionKey: 'agent:main:main', options: {} },
	setWaiting: { operation: 'setWaiting', flowId: FLOW, revision: 'current', waitingFields: {}, options: {} },
	resumeFlow: { operation: 'resumeFlow', flowId: FLOW, revision: 'current', resumeStatus: 'queued', resumeFields: {}, options: {} },
	finishFlow: { operation: 'finishFlow', flowId: FLOW, revision: 'current', finishFields: {}, options: {} },
	failFlow: { operation: 'failFlow', flowId: FLOW, revision: 'current', failFields: {}, options: {} },
	requestCancel: { operation: 'requestCancel', flowId: FLOW, revision: 'current', options: {} },
	runTask: { operation: 'runTask', flowId: FLOW, runtime: 'subagent', task: 'Summarise', taskStatus: 'queued', taskFields: {}, options: {} },
	handOff: {
		operation: 'handOff',
		goal: 'Follow up',
		idempotencyKey: '7400000000000000123',
		result: '{"answer":"ok"}',
		executeId: '7400000000000000123',
		debugUrl: '',
		addTask: false,
		thenWait: false,
		handOffFields: {},
		options: {},
	},
} satisfies Record<string, INodeParameters>;

const REVISED = ['setWaiting', 'resumeFlow', 'finishFlow', 'failFlow', 'requestCancel'] as const;
const WITH_FLOW = ['getFlow', 'getTaskSummary', 'cancelFlow', 'runTask', ...REVISED] as const;

const OPENCLAW_ROWS: Row[] = [
	...WITH_FLOW.flatMap((op): Row[] => [
		{ parameter: 'Flow', value: `empty (${op})`, parameters: { ...OC[op], flowId: { ...FLOW, value: '' } }, says: /is required/ },
		{
			parameter: 'Flow',
			value: `blank from an expression (${op})`,
			parameters: { ...OC[op], flowId: { ...FLOW, value: expr('"  "') } },
			says: /pick a flow from the list or enter its ID/,
		},
	]),
	...REVISED.flatMap((op): Row[] => [
		{
			parameter: 'Expected Revision',
			value: `-1 (${op})`,
			parameters: { ...OC[op], revision: 'expected', expectedRevision: -1 },
			says: /whole number of 0 or more/,
		},
		{
			parameter: 'Expected Revision',
			value: `1.5 (${op})`,
			parameters: { ...OC[op], revision: 'expected', expectedRevision: 1.5 },
			says: /whole number of 0 or more/,
		},
		{
			parameter: 'Expected Revision',
			value: `text (${op})`,
			parameters: { ...OC[op], revision: 'expected', expectedRevision: expr('"latest"') },
			says: /whole number of 0 or more/,
		},
		{
			parameter: 'Max Revision Retries',
			value: `0 (${op})`,
			parameters: { ...OC[op], options: { onRevisionConflict: 'retry', maxRevisionRetries: 0 } },
			says: /whole number from 1 to 20/,
		},
		{
			parameter: 'Max Revision Retries',
			value: `text (${op})`,
			parameters: { ...OC[op], options: { onRevisionConflict: 'retry', maxRevisionRetries: expr('"a few"') } },
			says: /whole number from 1 to 20/,
		},
	]),
	...(['createFlow', 'getFlow', 'listFlows', 'handOff'] as const).flatMap((op): Row[] => [
		{ parameter: 'Timeout', value: `0 (${op})`, parameters: { ...OC[op], options: { timeout: 0 } }, says: /positive number of seconds/ },
		{
			parameter: 'Timeout',
			value: `text (${op})`,
			parameters: { ...OC[op], options: { timeout: expr('"slow"') } },
			says: /positive number of seconds/,
		},
		{
			parameter: 'Rate Limit Max Wait',
			value: `-1 (${op})`,
			parameters: { ...OC[op], options: { rateLimitMaxWait: -1 } },
			says: /0 or more seconds/,
		},
	]),
	// Create Flow
	{ parameter: 'Goal', value: 'empty', parameters: { ...OC.createFlow, goal: '' }, says: /is required/ },
	{ parameter: 'Goal', value: 'blank', parameters: { ...OC.createFlow, goal: '   ' }, says: /must not be empty/ },
	{
		parameter: 'Status',
		value: 'unknown, from an expression',
		parameters: { ...OC.createFlow, status: expr('"done"') },
		says: /must be one of queued, running/,
	},
	{
		parameter: 'Notify Policy',
		value: 'unknown, from an expression',
		parameters: { ...OC.createFlow, notifyPolicy: expr('"always"') },
		says: /must be one of/,
	},
	{
		parameter: 'State (JSON)',
		value: 'malformed JSON',
		parameters: { ...OC.createFlow, createFields: { stateJson: '{"step": 1,' } },
		says: /not valid JSON: check quotes/,
	},
	{
		parameter: 'Wait (JSON)',
		value: 'malformed JSON',
		parameters: { ...OC.createFlow, createFields: { waitJson: "{'kind': 'reply'}" } },
		says: /not valid JSON: check quotes/,
	},
	// Controller ID, Current Step: text; empty is left out (the gateway refuses empty strings).
	// Resolve Flow
	{ parameter: 'Flow ID or Session Key', value: 'empty', parameters: { ...OC.resolveFlow, flowOrSessionKey: '' }, says: /is required/ },
	{
		parameter: 'Flow ID or Session Key',
		value: 'empty from an expression',
		parameters: { ...OC.resolveFlow, flowOrSessionKey: expr('$json.sessionKey ?? ""') },
		says: /must not be empty/,
	},
	// List Flows
	{ parameter: 'Limit', value: '0', parameters: { ...OC.listFlows, limit: 0 }, says: /whole number of 1 or more/ },
	{ parameter: 'Limit', value: 'text', parameters: { ...OC.listFlows, limit: expr('"ten"') }, says: /whole number of 1 or more/ },
	{
		parameter: 'Status',
		value: 'an unknown status filter',
		parameters: { ...OC.listFlows, filters: { status: expr('["done"]') } },
		says: /must be one of/,
	},
	// Return All: a boolean. Find Latest Flow: no parameters of its own.
	// Set Waiting, Resume Flow, Finish Flow, Fail Flow
	{
		parameter: 'State (JSON)',
		value: 'malformed (setWaiting)',
		parameters: { ...OC.setWaiting, waitingFields: { stateJson: '{' } },
		says: /not valid JSON/,
	},
	{
		parameter: 'Wait (JSON)',
		value: 'malformed (setWaiting)',
		parameters: { ...OC.setWaiting, waitingFields: { waitJson: 'reply please' } },
		says: /not valid JSON/,
	},
	{
		parameter: 'State (JSON)',
		value: 'malformed (resumeFlow)',
		parameters: { ...OC.resumeFlow, resumeFields: { stateJson: '{a:1}' } },
		says: /not valid JSON/,
	},
	{
		parameter: 'Status',
		value: 'unknown, from an expression (resumeFlow)',
		parameters: { ...OC.resumeFlow, resumeStatus: expr('"paused"') },
		says: /must be one of/,
	},
	{
		parameter: 'State (JSON)',
		value: 'malformed (finishFlow)',
		parameters: { ...OC.finishFlow, finishFields: { stateJson: '[1,' } },
		says: /not valid JSON/,
	},
	{
		parameter: 'State (JSON)',
		value: 'malformed (failFlow)',
		parameters: { ...OC.failFlow, failFields: { stateJson: 'nope' } },
		says: /not valid JSON/,
	},
	{
		parameter: 'State (JSON)',
		value: 'NaN from an expression (failFlow)',
		parameters: { ...OC.failFlow, failFields: { stateJson: expr('{ score: NaN }') } },
		says: /NaN or Infinity/,
	},
	// Current Step, Blocked Task ID, Blocked Summary: text, left out when empty. Revision: an option list.
	// Run Task
	{ parameter: 'Task', value: 'empty', parameters: { ...OC.runTask, task: '' }, says: /is required/ },
	{ parameter: 'Task', value: 'empty from an expression', parameters: { ...OC.runTask, task: expr('""') }, says: /must not be empty/ },
	{ parameter: 'Runtime', value: 'unknown, from an expression', parameters: { ...OC.runTask, runtime: expr('"docker"') }, says: /must be one of/ },
	{
		parameter: 'Status',
		value: 'unknown, from an expression (runTask)',
		parameters: { ...OC.runTask, taskStatus: expr('"later"') },
		says: /must be one of/,
	},
	{
		parameter: 'Started At',
		value: 'text',
		parameters: { ...OC.runTask, taskStatus: 'running', taskFields: { startedAt: expr('"now"') } },
		says: /is not a date and time/,
	},
	{
		parameter: 'Last Event At',
		value: 'negative',
		parameters: { ...OC.runTask, taskStatus: 'running', taskFields: { lastEventAt: -5 } },
		says: /is not a date and time/,
	},
	{
		parameter: 'Started At',
		value: 'set while Status is queued',
		parameters: { ...OC.runTask, taskFields: { startedAt: 1_700_000_000_000 } },
		says: /only be set when Status is running/,
	},
	{
		parameter: 'Notify Policy',
		value: 'unknown, from an expression (runTask)',
		parameters: { ...OC.runTask, taskFields: { notifyPolicy: expr('"always"') } },
		says: /must be one of/,
	},
	// Agent ID, Child Session Key, Label, Parent Task ID, Progress Summary, Run ID, Source ID: text, left out when empty.
	// Prefer Metadata: a boolean.
	// Hand Off
	{ parameter: 'Goal', value: 'empty (handOff)', parameters: { ...OC.handOff, goal: '' }, says: /is required/ },
	{
		parameter: 'Goal',
		value: 'empty from an expression (handOff)',
		parameters: { ...OC.handOff, goal: expr('$json.goal ?? ""') },
		says: /must not be empty/,
	},
	{ parameter: 'Idempotency Key', value: 'empty', parameters: { ...OC.handOff, idempotencyKey: '' }, says: /is required/ },
	{
		parameter: 'Idempotency Key',
		value: 'empty from an expression',
		parameters: { ...OC.handOff, idempotencyKey: expr('$json.executeId') },
		says: /identifies the result/,
	},
	{ parameter: 'Task', value: 'empty with Add Child Task on', parameters: { ...OC.handOff, addTask: true, taskText: '' }, says: /is required/ },
	{
		parameter: 'Task',
		value: 'empty from an expression, Add Child Task on',
		parameters: { ...OC.handOff, addTask: true, taskText: expr('""') },
		says: /must not be empty/,
	},
	{
		parameter: 'Runtime',
		value: 'unknown, from an expression',
		parameters: { ...OC.handOff, addTask: true, taskText: 'Do it', taskRuntime: expr('"docker"') },
		says: /must be one of/,
	},
	{
		parameter: 'Wait (JSON)',
		value: 'malformed with Then Wait on',
		parameters: { ...OC.handOff, thenWait: true, waitJson: '{"kind":' },
		says: /not valid JSON/,
	},
	// Result: JSON or, failing that, kept as text (a Coze result may be plain text). Execute ID, Debug URL, Task Label,
	// Waiting Step: text. Additional Fields: text and option lists, checked like Create Flow's.
];

describe('parameter validation: OpenClaw TaskFlow and its trigger', () => {
	let recorder: Awaited<ReturnType<typeof startRecorder>>;
	const credentials = () =>
		new TestCredentialsHelper({
			openClawWebhookApi: {
				gatewayUrl: recorder.url,
				routePath: '/plugins/webhooks/n8n',
				secret: 'parameter-validation-secret-0123456789',
				headerStyle: 'bearer',
			},
		});
	before(async () => {
		recorder = await startRecorder();
	});
	after(async () => {
		await new Promise((resolve) => recorder?.server.close(resolve));
	});

	for (const row of OPENCLAW_ROWS) {
		it(`${String(row.parameters.operation)}: ${row.parameter} = ${row.value}`, async () => {
			recorder.requests.length = 0;
			const error = await failureOf(
				runNode({ node: 'openClawTaskFlow', parameters: row.parameters, credentials: credentials(), credentialTypes: ['openClawWebhookApi'] }),
			);
			assertNamedFailure(error, row);
			assert.deepEqual(recorder.requests, [], 'requests reached the gateway');
		});
	}

	it('is not vacuous: valid parameters do reach the recorder', async () => {
		recorder.requests.length = 0;
		await runNode({ node: 'openClawTaskFlow', parameters: OC.getFlow, credentials: credentials(), credentialTypes: ['openClawWebhookApi'] });
		assert.equal(recorder.requests.length, 1);
	});

	const TRIGGER_BASE: INodeParameters = { events: ['succeeded'], filters: {}, options: {} };
	const POLL_ROWS: Row[] = [
		{ parameter: 'Events', value: 'none chosen', parameters: { ...TRIGGER_BASE, events: [] }, says: /choose at least one/ },
		{
			parameter: 'Events',
			value: 'an unknown event, from an expression',
			parameters: { ...TRIGGER_BASE, events: expr('["finished"]') },
			says: /choose from/,
		},
		{
			parameter: 'State Field',
			value: 'empty while State Field Equals is set',
			parameters: { ...TRIGGER_BASE, filters: { stateFieldEquals: '7400000000000000123' } },
			says: /Enter the state field/,
		},
		// Controller ID, Goal Contains, State Field: free text. Emit Existing Flows on Activation: a boolean.
	];
	for (const row of POLL_ROWS) {
		it(`trigger: ${row.parameter} = ${row.value}`, async () => {
			recorder.requests.length = 0;
			const error = await pollTrigger({
				node: 'openClawTaskFlowTrigger',
				parameters: row.parameters,
				credentials: credentials(),
				credentialTypes: ['openClawWebhookApi'],
			}).then(
				() => undefined,
				(e: Error & { description?: string }) => e,
			);
			assertNamedFailure(error, row);
			assert.deepEqual(recorder.requests, [], 'requests reached the gateway');
		});
	}
});
