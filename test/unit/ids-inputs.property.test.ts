/**
 * Property tests of IDs, workflow URLs and input names: 19-digit IDs stay exact through every parser,
 * every generated variant of each Coze URL form yields its workflow ID (in the node and in the
 * resource locator's patterns n8n applies), and inputs with any name, JavaScript property names
 * included, survive n8n's copy of the values and are checked and sent under their own names.
 * The seed is fixed; another can be tried with FC_SEED=<seed> (FC_PATH=<path> replays a failure).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';
import { deepCopy } from 'n8n-workflow';

import { workflowIdProperty } from '../../nodes/Coze/descriptions/common';
import { fieldIdOf, inputNameOf } from '../../nodes/Coze/n8n/inputValues';
import { workflowIdOf } from '../../nodes/Coze/n8n/params';
import { readInputSchema } from '../../nodes/Coze/protocol/discovery';
import { executeIdFromDebugUrl, idText, workflowIdFromUrl } from '../../nodes/Coze/protocol/ids';
import { coerceInput, inputFields } from '../../nodes/Coze/protocol/inputs';
import { parseJson } from '../../nodes/Coze/protocol/json';

const options = (numRuns: number): fc.Parameters<unknown> => ({
	numRuns,
	seed: Number(process.env.FC_SEED ?? 20261207),
	...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
});

const digit = fc.constantFrom(...'0123456789'.split(''));
/** A Coze-sized ID: 19 digits, no leading zero, mostly beyond 2^53. */
const idArb = fc.tuple(fc.constantFrom(...'123456789'.split('')), fc.array(digit, { minLength: 18, maxLength: 18 })).map(([first, rest]) => first + rest.join(''));

describe('ID properties', () => {
	it('a 19-digit ID round-trips exactly: as text, in JSON as a bare number, and as the Workflow parameter', () => {
		fc.assert(
			fc.property(idArb, (id) => {
				assert.deepEqual(idText(id), { ok: true, text: id });
				assert.deepEqual(parseJson(`{"execute_id": ${id}, "list": [${id}]}`), { execute_id: id, list: [id] });
				assert.equal(workflowIdOf({ __rl: true, mode: 'id', value: id }), id);
				assert.equal(workflowIdOf({ __rl: true, mode: 'id', value: ` ${id}\n` }), id);
			}),
			options(300),
		);
	});

	it('an ID that arrives as a number is refused when it may have lost digits, and kept when it cannot have', () => {
		fc.assert(
			fc.property(fc.oneof(idArb.map(Number), fc.maxSafeNat()), (value) => {
				const result = idText(value);
				if (Number.isSafeInteger(value)) assert.deepEqual(result, { ok: true, text: String(value) });
				else assert.deepEqual(result, { ok: false, problem: 'rounded', shown: String(value) });
				if (!Number.isSafeInteger(value)) assert.throws(() => workflowIdOf({ __rl: true, mode: 'id', value }), /Pass the ID as a string/);
			}),
			options(300),
		);
	});
});

// ---------- URLs ----------

const hostArb = fc.constantFrom('www.coze.cn', 'coze.cn', 'www.coze.com', 'coze.com', 'WWW.COZE.CN', 'api.coze.cn');
/** What joins query parameters in a pasted URL: as typed, as copied from HTML, as copied from a JSON debug_url. */
const ampArb = fc.constantFrom('&', '&amp;', '\\u0026');
const tailArb = fc.constantFrom('', '/', '#', '#/node/100001', '?', '/?from=space');
const otherParamArb = fc.tuple(fc.constantFrom('space_id', 'execute_id', 'execute_mode', 'from', 'node_id', 'ref_workflow_id', 'version'), fc.oneof(idArb, fc.constantFrom('2', 'bot', ''))).map(([k, v]) => `${k}=${v}`);

interface UrlCase {
	url: string;
	id: string;
}

/** The workflow editor and debug page: /work_flow with workflow_id among other parameters in any order. */
const editorUrlArb: fc.Arbitrary<UrlCase> = fc
	.record({ scheme: fc.constantFrom('https://', 'http://', ''), host: hostArb, id: idArb, others: fc.array(otherParamArb, { maxLength: 4 }), at: fc.nat(), amp: ampArb, tail: tailArb })
	.map(({ scheme, host, id, others, at, amp, tail }) => {
		const params = [...others];
		params.splice(at % (params.length + 1), 0, `workflow_id=${id}`);
		return { url: `${scheme}${host}/work_flow?${params.join(amp)}${tail}`, id };
	});

/** An app's (project's) editor: /space/<space>/project-ide/<app>/workflow/<id>. */
const projectUrlArb: fc.Arbitrary<UrlCase> = fc
	.record({ host: hostArb, space: idArb, app: idArb, id: idArb, tail: tailArb, query: fc.array(otherParamArb, { maxLength: 2 }), amp: ampArb })
	.map(({ host, space, app, id, tail, query, amp }) => ({
		url: `https://${host}/space/${space}/project-ide/${app}/workflow/${id}${tail}${query.length ? `${tail.includes('?') ? amp : '?'}${query.join(amp)}` : ''}`,
		id,
	}));

/** A debug URL as a run returns it (execute_id first), including the JSON-escaped form of streams. */
const debugUrlArb: fc.Arbitrary<UrlCase & { executeId: string }> = fc
	.record({ host: hostArb, space: idArb, id: idArb, executeId: idArb, amp: ampArb, mode: fc.boolean() })
	.map(({ host, space, id, executeId, amp, mode }) => ({
		url: `https://${host}/work_flow?execute_id=${executeId}${amp}space_id=${space}${amp}workflow_id=${id}${mode ? `${amp}execute_mode=2` : ''}`,
		id,
		executeId,
	}));

const urlMode = (workflowIdProperty.modes ?? []).find((m) => m.name === 'url')!;
/** What n8n does with the By URL mode: its validation regex (anchored) must pass, its extractValue regex yields group 1. */
function n8nAccepts(url: string): string | undefined {
	const validation = (urlMode.validation ?? []) as Array<string | { type: string; properties: { regex: string } }>;
	for (const rule of validation) {
		if (typeof rule !== 'string' && rule.type === 'regex' && !new RegExp(`^${rule.properties.regex}$`).test(url)) return undefined;
	}
	const extract = urlMode.extractValue;
	if (!extract || extract.type !== 'regex') return undefined;
	const match = new RegExp(extract.regex).exec(url);
	return match?.length === 2 ? match[1] : undefined;
}

describe('workflow URL properties', () => {
	for (const [form, arb] of [
		['the workflow editor', editorUrlArb],
		['an app (project) editor', projectUrlArb],
		['a debug page', debugUrlArb],
	] as const) {
		it(`every variant of ${form} URL gives its workflow ID, in the node and in n8n's By URL mode`, () => {
			fc.assert(
				fc.property(arb, ({ url, id }) => {
					assert.equal(workflowIdFromUrl(url), id, url);
					assert.equal(n8nAccepts(url), id, url);
					assert.equal(workflowIdOf({ __rl: true, mode: 'url', value: url }), id, url);
					assert.equal(workflowIdOf({ __rl: true, mode: 'id', value: url }), id, url);
				}),
				options(300),
			);
		});
	}

	it('a debug URL gives its execute ID, whichever way its parameters are joined', () => {
		fc.assert(
			fc.property(debugUrlArb, ({ url, executeId }) => assert.equal(executeIdFromDebugUrl(url), executeId, url)),
			options(200),
		);
	});

	it('a Coze URL without a workflow ID is refused by n8n\'s check and by the node, naming the field', () => {
		fc.assert(
			fc.property(
				fc.record({ host: hostArb, space: idArb, other: fc.array(otherParamArb.filter((p) => !p.includes('workflow_id')), { maxLength: 3 }), page: fc.constantFrom('work_flow', 'develop', 'bot', 'store/workflow') }),
				({ host, space, other, page }) => {
					const url = `https://${host}/space/${space}/${page}${other.length ? `?${other.join('&')}` : ''}`;
					assert.equal(n8nAccepts(url), undefined, url);
					assert.throws(() => workflowIdOf({ __rl: true, mode: 'url', value: url }), /Workflow: the URL holds no workflow ID/, url);
				},
			),
			options(200),
		);
	});
});

// ---------- input names ----------

const JS_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'prototype', 'isPrototypeOf', 'toLocaleString', '__defineGetter__', 'propertyIsEnumerable'];
const identifierArb = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/);
const nameArb = fc.oneof(identifierArb, fc.constantFrom(...JS_NAMES));

describe('input name properties', () => {
	it('inputs with any names, JavaScript property names included, are listed once each and keep their values through n8n', () => {
		fc.assert(
			fc.property(fc.uniqueArray(fc.tuple(nameArb, fc.string({ maxLength: 8 }), fc.boolean()), { selector: ([name]) => name, minLength: 1, maxLength: 8 }), (inputs) => {
				// The schema as Coze sends it: JSON text, so that __proto__ is a key like any other.
				const parameters = `{${inputs.map(([name, , required]) => `${JSON.stringify(name)}: {"type": "string", "required": ${required}}`).join(', ')}}`;
				const fields = inputFields(readInputSchema(parseJson(`{"input": {"parameters": ${parameters}}}`)));
				assert.deepEqual(fields.map((f) => f.name).sort(), inputs.map(([name]) => name).sort());

				// The values as the resource mapper keeps them, after n8n's copy of node parameters.
				const ids = fields.map((f) => fieldIdOf(f.name));
				assert.equal(new Set(ids).size, ids.length, 'field IDs are distinct');
				const copied = deepCopy(Object.fromEntries(inputs.map(([name, value]) => [fieldIdOf(name), `v:${value}`]))) as Record<string, unknown>;
				assert.deepEqual(Object.keys(copied).map(inputNameOf).sort(), inputs.map(([name]) => name).sort(), 'n8n keeps every field');

				const sent = Object.fromEntries(
					fields.map((field) => {
						const coerced = coerceInput(field, Object.hasOwn(copied, fieldIdOf(field.name)) ? copied[fieldIdOf(field.name)] : undefined);
						assert.equal(coerced.kind, 'value');
						return [field.name, coerced.kind === 'value' ? coerced.value : undefined];
					}),
				);
				const wire = JSON.parse(JSON.stringify(sent)) as Record<string, unknown>;
				for (const [name, value] of inputs) {
					assert.ok(Object.hasOwn(wire, name), name);
					assert.equal(wire[name], `v:${value}`, name);
				}
			}),
			options(300),
		);
	});

	it('an input named like a property of every object, left empty, counts as empty', () => {
		fc.assert(
			fc.property(fc.constantFrom(...JS_NAMES), fc.boolean(), (name, required) => {
				const [field] = inputFields(readInputSchema(parseJson(`{"input": {"parameters": {${JSON.stringify(name)}: {"type": "string", "required": ${required}}}}}`)));
				const values: Record<string, unknown> = {};
				const entered = Object.hasOwn(values, fieldIdOf(name)) ? values[fieldIdOf(name)] : undefined;
				if (required) assert.throws(() => coerceInput(field, entered), new RegExp(`Input "${name.replace(/[$]/g, '\\$')}" is required`));
				else assert.deepEqual(coerceInput(field, entered), { kind: 'omit' });
			}),
			options(50),
		);
	});
});
