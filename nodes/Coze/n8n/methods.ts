import type {
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodePropertyOptions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import type { Workspace } from '../protocol/discovery';
import { inputFields } from '../protocol/inputs';
import { createCozeClient, type CozeAuthentication } from './connection';

/** What the editor lists: workflows across workspaces, a workflow's inputs, its versions. */

function authentication(context: ILoadOptionsFunctions): CozeAuthentication {
	return (context.getNodeParameter('authentication', 'accessToken') as CozeAuthentication) ?? 'accessToken';
}

function workflowIdOf(context: ILoadOptionsFunctions): string {
	const raw = context.getNodeParameter('workflowId', '', { extractValue: true }) as unknown;
	return typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
}

interface ListCursor {
	/** The workspaces, listed once at the first page so that later pages do not list them again. */
	workspaces: Workspace[];
	/** Index into the workspaces, and the next page of that workspace's workflows. */
	workspace: number;
	page: number;
}

const RESULTS_PER_CALL = 30;

/**
 * Published workflows of every workspace the credential sees, name and workspace shown. Coze pages
 * by 30 and cannot filter by name, so the filter applies page by page and the cursor says where to
 * go on. Chatflows are left out: they do not run through the Run operation.
 */
export async function searchWorkflows(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const { client } = await createCozeClient(this, authentication(this));
	const needle = (filter ?? '').trim().toLowerCase();
	let cursor: ListCursor = paginationToken
		? (JSON.parse(paginationToken) as ListCursor)
		: { workspaces: await client.listWorkspaces(), workspace: 0, page: 1 };
	const { workspaces } = cursor;
	const results: INodeListSearchResult['results'] = [];
	while (cursor.workspace < workspaces.length && results.length < RESULTS_PER_CALL) {
		const workspace = workspaces[cursor.workspace];
		const page = await client.listWorkflows(workspace, cursor.page, { mode: 'workflow' });
		for (const workflow of page.items) {
			if (needle && !workflow.name.toLowerCase().includes(needle) && !workflow.id.includes(needle)) continue;
			results.push({
				name: `${workflow.name} (${workflow.workspaceName})`,
				value: workflow.id,
				url: undefined,
			});
		}
		cursor = page.hasMore ? { ...cursor, page: cursor.page + 1 } : { ...cursor, workspace: cursor.workspace + 1, page: 1 };
	}
	return { results, paginationToken: cursor.workspace < workspaces.length ? JSON.stringify(cursor) : undefined };
}

/** The resource mapper's fields: one per input of the workflow's Start node, with its type. */
export async function getWorkflowInputs(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const workflowId = workflowIdOf(this);
	if (!/^\d+$/.test(workflowId)) return { fields: [], emptyFieldsNotice: 'Choose a workflow first: its inputs appear here.' };
	const { client } = await createCozeClient(this, authentication(this));
	const schema = await client.getWorkflowInputs(workflowId);
	const fields: ResourceMapperField[] = inputFields(schema).map((field) => {
		const fileHint = field.file ? ' (a binary field name, a URL or a Coze file ID' + (field.file === 'array' ? '; several: comma-separated' : '') + ')' : '';
		return {
			id: field.name,
			displayName: `${field.name}${fileHint}`,
			required: field.schema.required,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			type: field.mapperType,
			...(field.schema.defaultValue !== undefined ? { defaultValue: field.schema.defaultValue } : {}),
		};
	});
	return { fields, emptyFieldsNotice: 'This workflow has no inputs.' };
}

/** The workflow's published versions, newest first, after "Latest". */
export async function getWorkflowVersions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const latest: INodePropertyOptions = { name: 'Latest', value: '', description: 'The newest published version' };
	const workflowId = workflowIdOf(this);
	if (!/^\d+$/.test(workflowId)) return [latest];
	const { client } = await createCozeClient(this, authentication(this));
	const versions = await client.listVersions(workflowId);
	return [latest, ...versions.map((v) => ({ name: v.version, value: v.version, description: v.description }))];
}
