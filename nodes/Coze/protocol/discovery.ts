import { idString, isPlainObject } from './json';
import type { CozeRequester } from './requester';

/** What the editor lists and asks about: workspaces, workflows, their inputs and versions, read from Coze and typed. */

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

/** Every workspace the token can see. */
export async function listWorkspaces(requester: CozeRequester, idleTimeoutMs = 30_000): Promise<Workspace[]> {
	const all: Workspace[] = [];
	for (let page = 1; page <= 20; page++) {
		const { data } = await requester.requestJson(
			{ method: 'GET', path: '/v1/workspaces', query: { page_num: page, page_size: 50 }, idleTimeoutMs },
			'read',
		);
		const items = Array.isArray(data.workspaces) ? data.workspaces : [];
		for (const raw of items) {
			const workspace = readWorkspace(raw);
			if (workspace) all.push(workspace);
		}
		const total = typeof data.total_count === 'number' ? data.total_count : undefined;
		if (items.length < 50 || (total !== undefined && all.length >= total)) break;
	}
	return all;
}

export interface ListWorkflowsOptions {
	publishStatus?: string;
	mode?: 'workflow' | 'chatflow';
	idleTimeoutMs?: number;
}

/** One page of a workspace's workflows (at most 30 per page, Coze's limit). */
export async function listWorkflows(
	requester: CozeRequester,
	workspace: Workspace,
	page: number,
	options: ListWorkflowsOptions = {},
): Promise<{ items: WorkflowSummary[]; hasMore: boolean }> {
	const { data } = await requester.requestJson(
		{
			method: 'GET',
			path: '/v1/workflows',
			query: {
				workspace_id: workspace.id,
				page_num: page,
				page_size: 30,
				publish_status: options.publishStatus ?? 'published_online',
				workflow_mode: options.mode,
			},
			idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
		},
		'read',
	);
	const items = (Array.isArray(data.items) ? data.items : []).flatMap((raw) => readWorkflowSummary(raw, workspace) ?? []);
	return { items, hasMore: data.has_more === true };
}

/** A workflow's input parameters, from its info with `include_input_output=true`. */
export async function getWorkflowInputs(requester: CozeRequester, workflowId: string, idleTimeoutMs = 30_000): Promise<Record<string, ParameterSchema>> {
	const { envelope } = await requester.requestJson(
		{ method: 'GET', path: `/v1/workflows/${encodeURIComponent(workflowId)}`, query: { include_input_output: true }, idleTimeoutMs },
		'read',
	);
	return readInputSchema(envelope.data);
}

/** A workflow's name and Coze description, from its info (`workflow_detail`). */
export async function getWorkflowInfo(requester: CozeRequester, workflowId: string, idleTimeoutMs = 30_000): Promise<{ name?: string; description?: string }> {
	const { data } = await requester.requestJson({ method: 'GET', path: `/v1/workflows/${encodeURIComponent(workflowId)}`, idleTimeoutMs }, 'read');
	const detail = isPlainObject(data.workflow_detail) ? data.workflow_detail : {};
	return { name: text(detail.workflow_name), description: text(detail.description)?.trim() || undefined };
}

/** The published versions of a workflow, newest first (resource-library workflows only). */
export async function listVersions(requester: CozeRequester, workflowId: string, idleTimeoutMs = 30_000): Promise<WorkflowVersion[]> {
	const all: WorkflowVersion[] = [];
	let pageToken: string | undefined;
	for (let page = 0; page < 10; page++) {
		const { data } = await requester.requestJson(
			{
				method: 'GET',
				path: `/v1/workflows/${encodeURIComponent(workflowId)}/versions`,
				query: { page_size: 30, page_token: pageToken },
				idleTimeoutMs,
			},
			'read',
		);
		for (const raw of Array.isArray(data.items) ? data.items : []) {
			const version = readVersion(raw);
			if (version) all.push(version);
		}
		pageToken = typeof data.next_page_token === 'string' && data.next_page_token ? data.next_page_token : undefined;
		if (data.has_more !== true || !pageToken) break;
	}
	return all;
}
