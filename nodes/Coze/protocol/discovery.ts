import { idString, isPlainObject } from './json';

/** What Coze tells about workspaces, workflows, their inputs and versions (spec §6), typed. */

export interface Workspace {
	id: string;
	name: string;
	type?: string;
}

export interface WorkflowSummary {
	id: string;
	name: string;
	description?: string;
	workspaceId: string;
	workspaceName: string;
}

/** Coze's parameter types (OpenAPIParameter.type). */
export const FILE_TYPES = new Set(['file', 'image', 'svg', 'audio', 'video', 'voice', 'doc', 'ppt', 'excel', 'txt', 'code', 'zip']);

export interface ParameterSchema {
	type: string;
	required: boolean;
	description?: string;
	defaultValue?: string;
	items?: ParameterSchema;
	properties?: Record<string, ParameterSchema>;
}

export interface WorkflowVersion {
	version: string;
	description?: string;
	createdAt?: string;
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

export function readWorkspace(raw: unknown): Workspace | undefined {
	if (!isPlainObject(raw)) return undefined;
	const id = idString(raw.id);
	if (!id) return undefined;
	return { id, name: text(raw.name) ?? id, type: text(raw.workspace_type) };
}

export function readWorkflowSummary(raw: unknown, workspace: Workspace): WorkflowSummary | undefined {
	if (!isPlainObject(raw)) return undefined;
	const id = idString(raw.workflow_id);
	if (!id) return undefined;
	return { id, name: text(raw.workflow_name) ?? id, description: text(raw.description), workspaceId: workspace.id, workspaceName: workspace.name };
}

export function readParameterSchema(raw: unknown): ParameterSchema {
	const record = isPlainObject(raw) ? raw : {};
	const schema: ParameterSchema = {
		type: text(record.type) ?? 'string',
		required: record.required === true,
		description: text(record.description),
		defaultValue: text(record.default_value),
	};
	if (record.items !== undefined) schema.items = readParameterSchema(record.items);
	if (isPlainObject(record.properties)) {
		schema.properties = Object.fromEntries(Object.entries(record.properties).map(([name, value]) => [name, readParameterSchema(value)]));
	}
	return schema;
}

export function readInputSchema(data: unknown): Record<string, ParameterSchema> {
	const input = isPlainObject(data) && isPlainObject(data.input) ? data.input : {};
	const parameters = isPlainObject(input.parameters) ? input.parameters : {};
	return Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, readParameterSchema(value)]));
}

export function readVersion(raw: unknown): WorkflowVersion | undefined {
	if (!isPlainObject(raw)) return undefined;
	const version = text(raw.version);
	return version ? { version, description: text(raw.description), createdAt: text(raw.created_at) } : undefined;
}
