import type { IExecuteFunctions, ResourceMapperValue } from 'n8n-workflow';

import type { CozeWorkflowClient } from '../protocol/client';
import type { ParameterSchema } from '../protocol/discovery';
import { CozeAbortedError, CozeInputError } from '../protocol/errors';
import { coerceInput, fileParameter, inputFields, type FileSource, type InputField } from '../protocol/inputs';
import type { CozeConnection } from './connection';
import type { InputSchemas } from './inputSchemas';
import { readParametersJson } from './params';

/**
 * n8n drops the keys `__proto__`, `constructor` and `prototype` when it copies parameter values, so an
 * input of that name gets another field ID in the resource mapper. Coze input names are identifiers
 * (letters, digits, `_`), so an ID with a colon cannot be another input's name.
 */
const DROPPED_BY_N8N = new Set(['__proto__', 'constructor', 'prototype']);
const RENAMED_SUFFIX = ':input';

export function fieldIdOf(name: string): string {
	return DROPPED_BY_N8N.has(name) ? `${name}${RENAMED_SUFFIX}` : name;
}

/** The input a field ID stands for (see fieldIdOf). */
export function inputNameOf(fieldId: string): string {
	const name = fieldId.endsWith(RENAMED_SUFFIX) ? fieldId.slice(0, -RENAMED_SUFFIX.length) : fieldId;
	return DROPPED_BY_N8N.has(name) ? name : fieldId;
}

async function uploadBinary(context: IExecuteFunctions, itemIndex: number, client: CozeWorkflowClient, field: string, property: string): Promise<string> {
	const binary = context.getInputData()[itemIndex]?.binary?.[property];
	if (!binary) {
		throw new CozeInputError(
			field,
			`Input "${field}": the item has no binary field "${property}". Enter the name of a binary field, a URL (https://…) or a Coze file ID.`,
		);
	}
	const data = await context.helpers.getBinaryDataBuffer(itemIndex, property);
	const uploaded = await client.uploadFile({ fileName: binary.fileName ?? `${property}.bin`, mimeType: binary.mimeType, data });
	return fileParameter({ kind: 'fileId', id: uploaded.id });
}

async function fileValue(context: IExecuteFunctions, itemIndex: number, client: CozeWorkflowClient, field: string, source: FileSource): Promise<string> {
	return source.kind === 'binary' ? await uploadBinary(context, itemIndex, client, field, source.property) : fileParameter(source);
}

function checkAgainst(schema: Record<string, ParameterSchema>, parameters: Record<string, unknown>, exclude: ReadonlySet<string>): void {
	for (const field of inputFields(schema)) {
		if (exclude.has(field.name)) continue;
		const value = Object.hasOwn(parameters, field.name) ? parameters[field.name] : undefined;
		// A file in JSON is a URL or {"file_id": …}, as text or as an object: only its presence is checked.
		if (field.file && value !== undefined && value !== null && value !== '') continue;
		coerceInput(field, value);
	}
}

/**
 * Inputs (JSON) checked against the Start node like the input fields are, with the same messages:
 * required inputs present, values of the declared types. The JSON is sent as entered, so a schema
 * another execution read a moment ago can let it pass; a refusal is decided on a fresh read, as the
 * workflow may have changed since. When the schema cannot be read (a token without that
 * permission, Coze Studio), the run goes ahead unchecked and Coze's own answer tells.
 */
async function checkJsonInputs(
	connection: CozeConnection,
	workflowId: string,
	schemas: InputSchemas,
	parameters: Record<string, unknown>,
	exclude: ReadonlySet<string>,
): Promise<void> {
	const unreadable = (error: unknown) => {
		if (error instanceof CozeAbortedError) throw error;
		return undefined;
	};
	const recent = await schemas.recent(connection, workflowId).catch(unreadable);
	if (!recent) return;
	if (recent.cached) {
		try {
			checkAgainst(recent.schema, parameters, exclude);
			return;
		} catch {
			// Refused by the kept schema: decided below on the workflow's inputs as they are now.
		}
	}
	const schema = recent.cached ? await schemas.fresh(connection, workflowId).catch(unreadable) : recent.schema;
	if (schema) checkAgainst(schema, parameters, exclude);
}

/**
 * The run's `parameters`: from the JSON field, or from the input fields checked against the
 * workflow's input schema (every value first, so that a bad value is refused before any upload),
 * with binary files uploaded and passed as `{"file_id":"…"}`.
 */
export async function readRunParameters(
	context: IExecuteFunctions,
	itemIndex: number,
	connection: CozeConnection,
	workflowId: string,
	schemas: InputSchemas,
	/** Inputs the node fills itself (a chatflow's USER_INPUT is the message): neither asked for nor checked. */
	exclude: ReadonlySet<string> = new Set(),
): Promise<Record<string, unknown>> {
	const inputMode = context.getNodeParameter('inputMode', itemIndex, 'json') as string;
	if (inputMode !== 'fields') {
		const parameters = readParametersJson(context, itemIndex);
		// Version 1 nodes send the JSON unchecked, as they always did.
		if (context.getNode().typeVersion >= 1.1) await checkJsonInputs(connection, workflowId, schemas, parameters, exclude);
		return parameters;
	}
	const mapped = context.getNodeParameter('inputs', itemIndex, { mappingMode: 'defineBelow', value: null }) as ResourceMapperValue;
	const values = (mapped?.value ?? {}) as Record<string, unknown>;
	// Inputs may be named like properties of every object (constructor, toString, __proto__): only
	// the entered values count, read as own properties and written back with CreateDataProperty.
	const entered = (name: string): unknown => (Object.hasOwn(values, fieldIdOf(name)) ? values[fieldIdOf(name)] : undefined);
	// Values are coerced to the declared types and files uploaded by it: what is sent follows this
	// execution's own read, never a kept one.
	const fields = inputFields(await schemas.fresh(connection, workflowId)).filter((field) => !exclude.has(field.name));
	const known = new Map<string, InputField>(fields.map((f) => [f.name, f]));
	for (const name of Object.keys(values).map(inputNameOf)) {
		const value = entered(name);
		if (!known.has(name) && !exclude.has(name) && value !== undefined && value !== null && value !== '') {
			throw new CozeInputError(name, `Input "${name}" is not an input of this workflow any more: refresh the fields (the workflow's inputs changed).`);
		}
	}
	const checked = fields.map((field) => ({ field, coerced: coerceInput(field, entered(field.name)) }));
	const parameters: Array<[string, unknown]> = [];
	for (const { field, coerced } of checked) {
		if (coerced.kind === 'omit') continue;
		if (coerced.kind === 'value') {
			parameters.push([field.name, coerced.value]);
			continue;
		}
		const files: string[] = [];
		for (const source of coerced.sources) files.push(await fileValue(context, itemIndex, connection.client, field.name, source));
		parameters.push([field.name, coerced.array ? files : files[0]]);
	}
	return Object.fromEntries(parameters);
}
