import type { IExecuteFunctions, ResourceMapperValue } from 'n8n-workflow';

import type { CozeWorkflowClient } from '../protocol/client';
import type { ParameterSchema } from '../protocol/discovery';
import { CozeInputError } from '../protocol/errors';
import { coerceInput, fileParameter, inputFields, type FileSource, type InputField } from '../protocol/inputs';
import { setOwn } from '../protocol/json';
import { readParametersJson } from './params';

/** Input schemas fetched during one execution, by workflow ID: one request per workflow, not per item. */
export type SchemaCache = Map<string, Promise<Record<string, ParameterSchema>>>;

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

/**
 * The run's `parameters`: from the JSON field, or from the input fields checked against the
 * workflow's input schema (every value first, so that a bad value is refused before any upload),
 * with binary files uploaded and passed as `{"file_id":"…"}`.
 */
export async function readRunParameters(
	context: IExecuteFunctions,
	itemIndex: number,
	client: CozeWorkflowClient,
	workflowId: string,
	schemas: SchemaCache,
): Promise<Record<string, unknown>> {
	const inputMode = context.getNodeParameter('inputMode', itemIndex, 'json') as string;
	if (inputMode !== 'fields') return readParametersJson(context, itemIndex);
	const mapped = context.getNodeParameter('inputs', itemIndex, { mappingMode: 'defineBelow', value: null }) as ResourceMapperValue;
	const values = (mapped?.value ?? {}) as Record<string, unknown>;
	let schema = schemas.get(workflowId);
	if (!schema) {
		schema = client.getWorkflowInputs(workflowId);
		schemas.set(workflowId, schema);
	}
	const fields = inputFields(await schema);
	const known = new Map<string, InputField>(fields.map((f) => [f.name, f]));
	for (const name of Object.keys(values)) {
		if (!known.has(name) && values[name] !== undefined && values[name] !== null && values[name] !== '') {
			throw new CozeInputError(name, `Input "${name}" is not an input of this workflow any more: refresh the fields (the workflow's inputs changed).`);
		}
	}
	const checked = fields.map((field) => ({ field, coerced: coerceInput(field, values[field.name]) }));
	const parameters: Record<string, unknown> = {};
	for (const { field, coerced } of checked) {
		if (coerced.kind === 'omit') continue;
		if (coerced.kind === 'value') {
			setOwn(parameters, field.name, coerced.value);
			continue;
		}
		const files: string[] = [];
		for (const source of coerced.sources) files.push(await fileValue(context, itemIndex, client, field.name, source));
		setOwn(parameters, field.name, coerced.array ? files : files[0]);
	}
	return parameters;
}
