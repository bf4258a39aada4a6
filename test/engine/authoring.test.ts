// The Coze Workflow node's authoring help against the emulator: the workflow picker, inputs from
// the workflow's schema (fields, types, files), versions and the upload operation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
	displayParameter,
	getNodeParameters,
	type INode,
	type INodeListSearchResult,
	type INodeParameters,
	type INodeProperties,
	type INodePropertyOptions,
	type ResourceMapperFields,
} from 'n8n-workflow';

import { accessTokenCredentials, callEditorMethod, nodeType, runNode } from '../harness/engine';
import { IDS, withEmulator, workflow } from './helpers';

const ALL_TYPES = IDS.allTypes;

function runDescription(): INodeProperties[] {
	return nodeType('cozeWorkflow').description.properties;
}

function fieldsRun(values: Record<string, unknown>, extra: INodeParameters = {}): INodeParameters {
	return {
		operation: 'run',
		mode: 'sync',
		workflowId: workflow(ALL_TYPES),
		inputMode: 'fields',
		inputs: { mappingMode: 'defineBelow', value: values, matchingColumns: [], schema: [] } as unknown as INodeParameters,
		options: {},
		...extra,
	};
}

describe('Coze Workflow authoring: the workflow picker', () => {
	it('pages through more than 30 workflows in two workspaces, and filters by name across pages', async () => {
		await withEmulator(async (emu) => {
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			const search = async (filter?: string, token?: string) =>
				(await callEditorMethod({ node: 'cozeWorkflow', kind: 'listSearch', method: 'searchWorkflows', parameters: { operation: 'run' }, credentials, args: [filter, token] })) as INodeListSearchResult;
			const seen: INodeListSearchResult['results'] = [];
			let token: string | undefined;
			let calls = 0;
			do {
				const page = await search(undefined, token);
				seen.push(...page.results);
				token = page.paginationToken as string | undefined;
				calls++;
			} while (token && calls < 10);
			const workspaces = new Set(seen.map((r) => /\(([^)]+)\)$/.exec(r.name)?.[1]));
			assert.ok(seen.length > 30, `${seen.length} workflows listed`);
			assert.ok(workspaces.size >= 2, `workspaces: ${[...workspaces].join(', ')}`);
			assert.ok(calls >= 2, 'more than one page of results');
			assert.ok(!seen.some((r) => r.value === '7400000000000000019'), 'the chatflow is left out');
			assert.ok(!seen.some((r) => r.value === '7400000000000000018'), 'the unpublished draft is left out');
			const pages = emu.requests.filter((r) => r.path === '/v1/workflows').map((r) => r.query.page_size);
			assert.ok(pages.every((size) => size === '30'), 'pages of at most 30');

			const filtered: INodeListSearchResult['results'] = [];
			token = undefined;
			do {
				const page = await search('story', token);
				filtered.push(...page.results);
				token = page.paginationToken as string | undefined;
			} while (token);
			assert.deepEqual(
				filtered.map((r) => r.value),
				['7400000000000000010'],
			);
		});
	});
});

describe('Coze Workflow authoring: inputs from the schema', () => {
	it('turns a schema with every parameter type into typed fields, required first', async () => {
		await withEmulator(async (emu) => {
			const mapper = (await callEditorMethod({
				node: 'cozeWorkflow',
				kind: 'resourceMapping',
				method: 'getWorkflowInputs',
				parameters: { operation: 'run', workflowId: workflow(ALL_TYPES) },
				credentials: accessTokenCredentials(emu.baseUrl, emu.token),
			})) as ResourceMapperFields;
			const byId = Object.fromEntries(mapper.fields.map((f) => [f.id, f]));
			assert.deepEqual(
				mapper.fields.slice(0, 2).map((f) => [f.id, f.required]),
				[
					['p_integer', true],
					['p_string', true],
				],
			);
			assert.equal(byId.p_integer.type, 'number');
			assert.equal(byId.p_number.type, 'number');
			assert.equal(byId.p_boolean.type, 'boolean');
			assert.equal(byId.p_time.type, 'string');
			assert.equal(byId.p_object.type, 'object');
			assert.equal(byId.p_array.type, 'array');
			assert.equal(byId.p_string.defaultValue, 'hello');
			for (const file of ['p_file', 'p_image', 'p_doc', 'p_audio', 'p_video', 'p_voice', 'p_ppt', 'p_excel', 'p_txt', 'p_code', 'p_zip', 'p_svg']) {
				assert.equal(byId[file].type, 'string', file);
			}
			assert.equal(mapper.fields.length, 20);
		});
	});

	it('labels each field with its name and Coze type, short enough to show whole; file help stands above the fields', async () => {
		await withEmulator(async (emu) => {
			const mapper = (await callEditorMethod({
				node: 'cozeWorkflow',
				kind: 'resourceMapping',
				method: 'getWorkflowInputs',
				parameters: { operation: 'run', workflowId: workflow(ALL_TYPES) },
				credentials: accessTokenCredentials(emu.baseUrl, emu.token),
			})) as ResourceMapperFields;
			const label = Object.fromEntries(mapper.fields.map((f) => [f.id, f.displayName]));
			assert.equal(label.p_audio, 'p_audio (audio)');
			assert.equal(label.p_integer, 'p_integer (integer)');
			assert.equal(label.p_number, 'p_number (number)');
			assert.equal(label.p_time, 'p_time (time)');
			assert.equal(label.p_array, 'p_array (array of string)');
			assert.ok(mapper.fields.every((f) => f.displayName.length <= 28), 'labels fit the field');
			const notice = runDescription().find((p) => p.name === 'inputsNotice');
			assert.equal(notice?.type, 'notice');
			assert.match(notice!.displayName, /file input takes the name of a binary field .* a URL, or a Coze file ID/);
			assert.deepEqual(notice!.displayOptions?.show?.inputMode, ['fields']);
		});
	});

	it('prefills empty JSON inputs with [] and {} (or the workflow\'s default), so the editor shows valid JSON', async () => {
		await withEmulator(async (emu) => {
			const mapper = (await callEditorMethod({
				node: 'cozeWorkflow',
				kind: 'resourceMapping',
				method: 'getWorkflowInputs',
				parameters: { operation: 'run', workflowId: workflow(ALL_TYPES) },
				credentials: accessTokenCredentials(emu.baseUrl, emu.token),
			})) as ResourceMapperFields;
			const byId = Object.fromEntries(mapper.fields.map((f) => [f.id, f]));
			assert.equal(byId.p_array.defaultValue, '[]');
			assert.equal(byId.p_object.defaultValue, '{}');
			assert.equal(byId.p_integer.defaultValue, '42', "Coze's default is kept");
		});
	});

	it('a workflow Coze cannot find shows why in the inputs area; nothing chosen yet shows no error', async () => {
		await withEmulator(async (emu) => {
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			const inputsOf = async (workflowId: INodeParameters) =>
				(await callEditorMethod({ node: 'cozeWorkflow', kind: 'resourceMapping', method: 'getWorkflowInputs', parameters: { operation: 'run', workflowId }, credentials })) as ResourceMapperFields;
			const missing = await inputsOf(workflow('7400000000000099999'));
			assert.deepEqual(missing.fields, []);
			assert.match(missing.emptyFieldsNotice ?? '', /^Workflow 7400000000000099999 was not found or is not published\. Publish it in Coze/);
			const none = await inputsOf({ __rl: true, mode: 'list', value: '' } as unknown as INodeParameters);
			assert.deepEqual(none.fields, []);
			assert.equal(none.emptyFieldsNotice, 'Choose a workflow first: its inputs appear here.');
			const wrongToken = (await callEditorMethod({
				node: 'cozeWorkflow',
				kind: 'resourceMapping',
				method: 'getWorkflowInputs',
				parameters: { operation: 'run', workflowId: workflow(ALL_TYPES) },
				credentials: accessTokenCredentials(emu.baseUrl, 'pat_wrong'),
			})) as ResourceMapperFields;
			assert.match(wrongToken.emptyFieldsNotice ?? '', /^Could not read the workflow's inputs\. Coze refused the request \(4100\).*switch the region/);
			// n8n's own red "No inputs found" line stays away while the notice explains.
			const mapperOptions = runDescription().find((p) => p.name === 'inputs')?.typeOptions?.resourceMapper;
			assert.equal(mapperOptions?.hideNoDataError, true);
		});
	});

	it('offers no automatic mapping: the inputs are set field by field, or as JSON', () => {
		const mapperOptions = runDescription().find((p) => p.name === 'inputs')?.typeOptions?.resourceMapper;
		assert.equal(mapperOptions?.supportAutoMap, false);
	});

	it('sends typed values: numbers from text, JSON objects and arrays, files as URL or file ID', async () => {
		await withEmulator(async (emu) => {
			const result = await runNode({
				parameters: fieldsRun({
					p_string: 'text',
					p_integer: '7',
					p_number: 2.5,
					p_boolean: 'false',
					p_time: '2026-11-21 08:00:00',
					p_object: '{"name":"Ada","age":36}',
					p_array: ['a', 'b'],
					p_image: 'https://example.com/cat.png',
					p_doc: '7400000000000009999',
				}),
				credentials: accessTokenCredentials(emu.baseUrl, emu.token),
				typeVersion: 1.1,
			});
			assert.equal(result.status, 'success', result.error?.message);
			const sent = emu.requests.find((r) => r.path === '/v1/workflow/run')!.body as { parameters: Record<string, unknown> };
			assert.deepEqual(sent.parameters, {
				p_string: 'text',
				p_integer: 7,
				p_number: 2.5,
				p_boolean: false,
				p_time: '2026-11-21 08:00:00',
				p_object: { name: 'Ada', age: 36 },
				p_array: ['a', 'b'],
				p_image: 'https://example.com/cat.png',
				p_doc: '{"file_id":"7400000000000009999"}',
			});
		});
	});

	it('uploads a binary input with a non-ASCII file name and passes its file ID', async () => {
		await withEmulator(async (emu) => {
			const content = Buffer.from('%PDF-1.4 报告内容 report');
			const result = await runNode({
				parameters: fieldsRun({ p_string: 'x', p_integer: 1, p_doc: 'report' }),
				credentials: accessTokenCredentials(emu.baseUrl, emu.token),
				typeVersion: 1.1,
				inputItems: [{ json: {}, binary: { report: { data: content.toString('base64'), mimeType: 'application/pdf', fileName: '季度报告 Q3 "final".pdf' } } }],
			});
			assert.equal(result.status, 'success', result.error?.message);
			const files = [...emu.files.values()];
			assert.equal(files.length, 1);
			assert.equal(files[0].fileName, '季度报告 Q3 "final".pdf', 'the name arrives whole, quotes included');
			assert.deepEqual(files[0].bytes, content);
			const sent = emu.requests.find((r) => r.path === '/v1/workflow/run')!.body as { parameters: Record<string, unknown> };
			assert.equal(sent.parameters.p_doc, JSON.stringify({ file_id: files[0].id }));
		});
	});

	it('refuses invalid values before any request, naming the input', async () => {
		await withEmulator(async (emu) => {
			const cases: Array<[Record<string, unknown>, RegExp]> = [
				[{ p_string: 'x' }, /Input "p_integer" is required by the workflow \(integer\)/],
				[{ p_string: 'x', p_integer: '7.5' }, /Input "p_integer" must be a whole number/],
				[{ p_string: 'x', p_integer: 1, p_number: 'many' }, /Input "p_number" must be a number/],
				[{ p_string: 'x', p_integer: 1, p_boolean: 'yes' }, /Input "p_boolean" must be true or false/],
				[{ p_string: 'x', p_integer: 1, p_object: '[1]' }, /Input "p_object" must be a JSON object/],
				[{ p_string: 'x', p_integer: 1, p_array: '{"a":1}' }, /Input "p_array" must be a JSON array/],
				[{ p_string: 'x', p_integer: 1, p_image: 'photo' }, /Input "p_image": the item has no binary field "photo"/],
			];
			for (const [values, message] of cases) {
				const result = await runNode({ parameters: fieldsRun(values), credentials: accessTokenCredentials(emu.baseUrl, emu.token), typeVersion: 1.1 });
				assert.equal(result.status, 'error', JSON.stringify(values));
				assert.match(result.error!.message, message);
			}
			assert.equal(emu.runsStarted(), 0, 'no run started');
			assert.ok(!emu.requests.some((r) => r.path === '/v1/files/upload'), 'nothing uploaded');
		});
	});
});

describe('Coze Workflow authoring: Inputs (JSON) against the Start node', () => {
	const jsonRun = (json: string): INodeParameters => ({ operation: 'run', mode: 'sync', workflowId: workflow(ALL_TYPES), inputMode: 'json', parametersJson: json, options: {} });

	it('refuses a missing required input and a value of the wrong type with the words of the input fields, before any run', async () => {
		await withEmulator(async (emu) => {
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			const cases: Array<[string, RegExp]> = [
				['{"p_string": "hi"}', /^Input "p_integer" is required by the workflow \(integer\); enter a value/],
				['{"p_string": "hi", "p_integer": "seven"}', /^Input "p_integer" must be a whole number/],
				['{"p_string": "hi", "p_integer": 1, "p_object": [1]}', /^Input "p_object" must be a JSON object/],
				['{"p_string": {"a": 1}, "p_integer": 1}', /^Input "p_string" must be text/],
			];
			for (const [json, message] of cases) {
				const result = await runNode({ parameters: jsonRun(json), credentials, typeVersion: 1.1 });
				assert.equal(result.status, 'error', json);
				assert.match(result.error!.message, message, json);
			}
			assert.equal(emu.runsStarted(), 0, 'no run started');
		});
	});

	it('sends valid JSON as entered (a file as {"file_id"}, an input the Start node does not list), reading the inputs once per execution', async () => {
		await withEmulator(async (emu) => {
			const json = '{"p_string": "hi", "p_integer": "7", "p_image": {"file_id": "7400000000000009999"}, "extra": true}';
			const result = await runNode({ parameters: jsonRun(json), credentials: accessTokenCredentials(emu.baseUrl, emu.token), typeVersion: 1.1, items: [{}, {}] });
			assert.equal(result.status, 'success', result.error?.message);
			const sent = emu.requests.filter((r) => r.path === '/v1/workflow/run').map((r) => (r.body as { parameters: unknown }).parameters);
			assert.deepEqual(sent, [JSON.parse(json), JSON.parse(json)]);
			assert.equal(emu.requests.filter((r) => r.path === `/v1/workflows/${ALL_TYPES}`).length, 1);
		});
	});

	it('runs unchecked when the inputs cannot be read, and in version 1 nodes as before', async () => {
		await withEmulator(async (emu) => {
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			emu.setKnobs({ httpStatus: 403, httpBody: '{"code":4101,"msg":"the token has no permission for this"}' }, { path: `/v1/workflows/${ALL_TYPES}` });
			const unreadable = await runNode({ parameters: jsonRun('{"p_string": "hi"}'), credentials, typeVersion: 1.1 });
			assert.equal(unreadable.status, 'success', unreadable.error?.message);
			emu.clearKnobs();
			const v1 = await runNode({ parameters: jsonRun('{"p_string": "hi"}'), credentials, typeVersion: 1 });
			assert.equal(v1.status, 'success', v1.error?.message);
			assert.equal(emu.runsStarted(), 2);
		});
	});
});

describe('Coze Workflow authoring: the workflow list with a wrong token', () => {
	it('says what the run error says: the code, and to check the token, its expiry and the region', async () => {
		await withEmulator(async (emu) => {
			await assert.rejects(
				callEditorMethod({
					node: 'cozeWorkflow',
					kind: 'listSearch',
					method: 'searchWorkflows',
					parameters: { operation: 'run' },
					credentials: accessTokenCredentials(emu.baseUrl, 'pat_wrong'),
					args: [undefined, undefined],
				}),
				(error: Error) => {
					assert.match(error.message, /Coze refused the request \(4100\)/);
					assert.match(error.message, /has not expired/);
					assert.match(error.message, /switch the region in the credential/);
					assert.ok(!error.message.includes('pat_wrong'), 'no token in the message');
					return true;
				},
			);
		});
	});
});

describe('Coze Workflow authoring: the panel', () => {
	const description = nodeType('cozeWorkflow').description;
	const options = description.properties.find((p) => p.name === 'options')!.options as INodeProperties[];

	/**
	 * The options listed for these fields. n8n checks the rules against the fields shown (the editor)
	 * or against the defaults of all fields (when the node runs): both must list the same.
	 */
	function listedOptions(parameters: INodeParameters): string[] {
		const node = { typeVersion: 1.1, parameters } as unknown as INode;
		const lists = [false, true].map((withHiddenDefaults) => {
			const root = getNodeParameters(description.properties, parameters, true, withHiddenDefaults, node, description)!;
			return options.filter((option) => displayParameter({}, option, node, description, root)).map((option) => option.displayName);
		});
		assert.deepEqual(lists[1], lists[0], `${JSON.stringify(parameters)}: shown fields only vs the defaults of all fields`);
		return lists[0];
	}

	it('lists its options alphabetically', () => {
		const names = [...new Set(options.map((o) => o.displayName))];
		assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
	});

	it('lists only the options the chosen operation and mode read', () => {
		const everywhere = ['Concurrency', 'Requests per Second'];
		const runOnly = ['App ID', 'Bot ID', 'User ID', 'Workflow Version Name or ID'];
		const streamed = ['Idle Timeout (Seconds)', 'Include Events', 'Max Event Size (MB)', 'Stream to Response', 'Streamed Nodes', 'Total Timeout (Seconds)'];
		const polled = ['Max Wait Time (Seconds)', 'Poll Initial Interval (Seconds)', 'Poll Max Interval (Seconds)'];
		const sorted = (...groups: string[][]) => groups.flat().sort((a, b) => a.localeCompare(b));
		const cases: Array<[string, INodeParameters, string[]]> = [
			['Run, Stream', { operation: 'run', mode: 'stream' }, sorted(everywhere, runOnly, streamed, ['Include Messages', 'Parse Output'])],
			[
				'Run, Async',
				{ operation: 'run', mode: 'async' },
				sorted(everywhere, runOnly, polled, ['Fall Back to Stream When Async Is Not Allowed', 'Include Messages', 'Parse Output', 'Request Timeout (Seconds)']),
			],
			['Run, Sync', { operation: 'run', mode: 'sync' }, sorted(everywhere, runOnly, ['Parse Output', 'Request Timeout (Seconds)'])],
			['Resume via Stream', { operation: 'resume', resumeVia: 'stream' }, sorted(everywhere, streamed, ['Include Messages', 'Parse Output'])],
			[
				'Resume via Non-Stream',
				{ operation: 'resume', resumeVia: 'nonStream' },
				sorted(everywhere, polled, ['Include Messages', 'Parse Output', 'Request Timeout (Seconds)']),
			],
			['Get Run', { operation: 'getRun' }, sorted(everywhere, ['Include Messages', 'Parse Output', 'Request Timeout (Seconds)'])],
			[
				'Get Run, Wait for Completion',
				{ operation: 'getRun', waitForCompletion: true },
				sorted(everywhere, polled, ['Include Messages', 'Parse Output', 'Request Timeout (Seconds)']),
			],
			['Upload File', { operation: 'uploadFile' }, sorted(everywhere, ['Idle Timeout (Seconds)', 'Request Timeout (Seconds)'])],
		];
		for (const [name, parameters, expected] of cases) assert.deepEqual(listedOptions(parameters), expected, name);
	});

	it('speaks of streamed runs and answers, not of Coze endpoints', () => {
		const texts: string[] = [];
		const collect = (value: unknown): void => {
			if (Array.isArray(value)) value.forEach(collect);
			else if (value && typeof value === 'object') {
				for (const [key, inner] of Object.entries(value)) {
					if (['displayName', 'name', 'description', 'hint', 'action'].includes(key) && typeof inner === 'string') texts.push(inner);
					else collect(inner);
				}
			}
		};
		collect(description.properties);
		const apiWords = texts.filter((text) => /stream_run|stream_resume|is_async|\/v1\/|6003/i.test(text) && !/\(Coze code 6003\)\.?$/.test(text));
		assert.deepEqual(apiWords, []);
	});
});

describe('Coze Workflow authoring: hints', () => {
	it('a stream run that arrives as one chunk gets a hint; a streamed one does not', async () => {
		await withEmulator(async (emu) => {
			const credentials = accessTokenCredentials(emu.baseUrl, emu.token);
			const single = await runNode({ parameters: { operation: 'run', mode: 'stream', workflowId: workflow(IDS.variablesOnly), parametersJson: '{}', options: {} }, credentials });
			assert.ok(single.hints.some((h) => /whole output as one chunk/.test(h.message)), JSON.stringify(single.hints));
			const streamed = await runNode({ parameters: { operation: 'run', mode: 'stream', workflowId: workflow(IDS.answerText), parametersJson: '{"question":"q"}', options: {} }, credentials });
			assert.equal(streamed.status, 'success', streamed.error?.message);
			assert.ok(!streamed.hints.some((h) => /one chunk/.test(h.message)));
		});
	});
});

describe('Coze Workflow authoring: versions and upload', () => {
	it('lists a workflow\'s versions after "Latest"', async () => {
		await withEmulator(async (emu) => {
			const options = (await callEditorMethod({
				node: 'cozeWorkflow',
				kind: 'loadOptions',
				method: 'getWorkflowVersions',
				parameters: { operation: 'run', workflowId: workflow(IDS.versioned) },
				credentials: accessTokenCredentials(emu.baseUrl, emu.token),
			})) as INodePropertyOptions[];
			assert.deepEqual(
				options.map((o) => o.value),
				['', 'v0.0.2', 'v0.0.1'],
			);
		});
	});

	it('Upload File returns the file ID and the value a file input takes', async () => {
		await withEmulator(async (emu) => {
			const result = await runNode({
				parameters: { operation: 'uploadFile', binaryPropertyName: 'data', options: {} },
				credentials: accessTokenCredentials(emu.baseUrl, emu.token),
				typeVersion: 1.1,
				inputItems: [{ json: {}, binary: { data: { data: Buffer.from('hello').toString('base64'), mimeType: 'text/plain', fileName: 'hello.txt' } } }],
			});
			assert.equal(result.status, 'success', result.error?.message);
			const json = result.items[0].json;
			assert.match(String(json.fileId), /^\d+$/);
			assert.equal(json.fileName, 'hello.txt');
			assert.equal(json.fileParameter, JSON.stringify({ file_id: json.fileId }));
		});
	});
});
