import {
	NodeOperationError,
	type ILoadOptionsFunctions,
	type INodeListSearchResult,
	type INodePropertyOptions,
	type ResourceMapperField,
	type ResourceMapperFields,
} from 'n8n-workflow';

import type { ParameterSchema, Workspace } from '../protocol/discovery';
import { inputFields, type InputField } from '../protocol/inputs';
import { createCozeClient, type CozeAuthentication, type CozeConnection } from './connection';
import { editorErrorText, isWorkflowNotFound } from './errors';
import { CHATFLOW_MESSAGE_INPUT } from './chat';
import { fieldIdOf } from './inputValues';
import { workflowIdOf as parseWorkflowId } from './params';

/** What the editor lists: workflows across workspaces, a workflow's inputs, its versions. */

function authentication(context: ILoadOptionsFunctions): CozeAuthentication {
	return (context.getNodeParameter('authentication', 'accessToken') as CozeAuthentication) ?? 'accessToken';
}

/** The chosen workflow's ID, or '' while none is chosen or the entry holds none. */
function workflowIdOf(context: ILoadOptionsFunctions): string {
	try {
		return parseWorkflowId(context.getNodeParameter('workflowId', '', { extractValue: false }) as unknown);
	} catch {
		return '';
	}
}

interface ListCursor {
	/** The workspaces, listed once at the first page so that later pages do not list them again. */
	workspaces: Workspace[];
	/** Index into the workspaces, and the next page of that workspace's workflows. */
	workspace: number;
	page: number;
}

const RESULTS_PER_CALL = 30;

/** Chat lists chatflows, which only it can run; the other operations list workflows, which only Run can. */
function listedKind(context: ILoadOptionsFunctions): 'workflow' | 'chatflow' {
	return context.getNodeParameter('operation', 'run') === 'chat' ? 'chatflow' : 'workflow';
}

/** The input that receives the callback URL when a Run (Async) waits for its callback. */
function callbackInputOf(context: ILoadOptionsFunctions): string | undefined {
	const waits = context.getNodeParameter('operation', 'run') === 'run' && context.getNodeParameter('mode', 'stream') === 'async' && context.getNodeParameter('waitForCallback', false) === true;
	const name = waits ? context.getNodeParameter('callbackUrlInput', 'callback_url') : undefined;
	return typeof name === 'string' ? name.trim() : undefined;
}

/**
 * Published workflows (for Chat: chatflows, marked so) of every workspace the credential sees, name
 * and workspace shown. Coze pages by 30 and cannot filter by name, so the filter applies page by
 * page and the cursor says where to go on.
 */
export async function searchWorkflows(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const { client, endpoint, secrets } = await createCozeClient(this, authentication(this));
	try {
		return await listPage(client, listedKind(this), filter, paginationToken);
	} catch (error) {
		// The list shows only the message, so the hint (token, region) goes into it.
		throw new NodeOperationError(this.getNode(), editorErrorText(error, endpoint.host, secrets));
	}
}

async function listPage(
	client: CozeConnection['client'],
	kind: 'workflow' | 'chatflow',
	filter: string | undefined,
	paginationToken: string | undefined,
): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').trim().toLowerCase();
	let cursor: ListCursor = paginationToken
		? (JSON.parse(paginationToken) as ListCursor)
		: { workspaces: await client.listWorkspaces(), workspace: 0, page: 1 };
	const { workspaces } = cursor;
	const results: INodeListSearchResult['results'] = [];
	while (cursor.workspace < workspaces.length && results.length < RESULTS_PER_CALL) {
		const workspace = workspaces[cursor.workspace];
		const page = await client.listWorkflows(workspace, cursor.page, { mode: kind });
		for (const workflow of page.items) {
			if (needle && !workflow.name.toLowerCase().includes(needle) && !workflow.id.includes(needle)) continue;
			results.push({
				name: kind === 'chatflow' ? `${workflow.name} (chatflow) (${workflow.workspaceName})` : `${workflow.name} (${workflow.workspaceName})`,
				value: workflow.id,
				url: undefined,
				// Coze's description of the workflow, which is also a good start for the tool description when an AI agent uses the node.
				...(workflow.description ? { description: workflow.description } : {}),
			});
		}
		cursor = page.hasMore ? { ...cursor, page: cursor.page + 1 } : { ...cursor, workspace: cursor.workspace + 1, page: 1 };
	}
	return { results, paginationToken: cursor.workspace < workspaces.length ? JSON.stringify(cursor) : undefined };
}

/** A field's type in Coze's words, shown after its name: "p_audio (audio)", "tags (array of string)". */
function typeLabel(schema: ParameterSchema): string {
	return schema.type === 'array' && schema.items ? `array of ${schema.items.type}` : schema.type;
}

/** What an empty JSON field starts with, so that the editor shows valid JSON instead of a lint error. */
function defaultValueOf(field: InputField): string | undefined {
	if (field.schema.defaultValue !== undefined && field.schema.defaultValue !== '') return field.schema.defaultValue;
	if (field.mapperType === 'object') return '{}';
	if (field.mapperType === 'array') return '[]';
	return field.schema.defaultValue;
}

/**
 * The resource mapper's fields: one per input of the workflow's Start node, named and typed as in Coze.
 * Nothing chosen yet, or a workflow Coze cannot find, gives no fields and a notice saying why: the
 * editor shows the notice in the inputs area (a thrown error would read as "no inputs").
 */
export async function getWorkflowInputs(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const workflowId = workflowIdOf(this);
	if (!/^\d+$/.test(workflowId)) return { fields: [], emptyFieldsNotice: 'Choose a workflow first: its inputs appear here.' };
	const { client, endpoint, secrets } = await createCozeClient(this, authentication(this));
	let schema: Record<string, ParameterSchema>;
	try {
		schema = await client.getWorkflowInputs(workflowId);
	} catch (error) {
		const notice = isWorkflowNotFound(error)
			? `Workflow ${workflowId} was not found or is not published. Publish it in Coze, or choose another workflow.`
			: `Could not read the workflow's inputs. ${editorErrorText(error, endpoint.host, secrets)}`;
		return { fields: [], emptyFieldsNotice: notice };
	}
	// A chatflow's USER_INPUT is the message of Chat, and a run that waits for its callback gets the URL: not inputs to fill.
	const filledByNode = listedKind(this) === 'chatflow' ? CHATFLOW_MESSAGE_INPUT : callbackInputOf(this);
	const fields: ResourceMapperField[] = inputFields(schema)
		.filter((field) => field.name !== filledByNode)
		.map((field) => {
			const defaultValue = defaultValueOf(field);
			return {
				id: fieldIdOf(field.name),
				displayName: `${field.name} (${typeLabel(field.schema)})`,
				required: field.schema.required,
				defaultMatch: false,
				canBeUsedToMatch: false,
				display: true,
				type: field.mapperType,
				...(defaultValue !== undefined ? { defaultValue } : {}),
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

/**
 * What the Coze Workflow Tool can tell the model about itself: Coze's description of the chosen
 * workflow, or its name when Coze has none, and last the node's own description (saved empty).
 */
export async function getToolDescriptions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const own: INodePropertyOptions = { name: "The Node's Own Description", value: '', description: "As Set Automatically: the node's description" };
	const workflowId = workflowIdOf(this);
	if (!/^\d+$/.test(workflowId)) return [own];
	const { client, endpoint, secrets } = await createCozeClient(this, authentication(this));
	let info: { name?: string; description?: string };
	try {
		info = await client.getWorkflowInfo(workflowId);
	} catch (error) {
		const text = isWorkflowNotFound(error) ? `Workflow ${workflowId} was not found or is not published` : editorErrorText(error, endpoint.host, secrets);
		throw new NodeOperationError(this.getNode(), `Description: could not read the workflow's description from Coze. ${text}`);
	}
	const kind = listedKind(this) === 'chatflow' ? 'Chats with the Coze chatflow' : 'Runs the Coze workflow';
	const text = info.description ?? `${kind} "${info.name ?? workflowId}"`;
	const source = info.description ? "Coze's description of the workflow" : 'Coze has no description of this workflow: its name';
	return [{ name: text, value: text, description: source }, own];
}

/** Published agents of every workspace the credential sees, name and workspace shown. */
export async function searchAgents(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const { chat, endpoint, secrets } = await createCozeClient(this, authentication(this));
	try {
		const agents = await chat.listAgentsAcrossWorkspaces(filter?.trim() || undefined);
		return {
			results: agents.map((agent) => ({
				name: `${agent.name}${agent.workspaceName ? ` (${agent.workspaceName})` : ''}${agent.isPublished === false ? ' (not published)' : ''}`,
				value: agent.id,
				url: undefined,
			})),
		};
	} catch (error) {
		throw new NodeOperationError(this.getNode(), editorErrorText(error, endpoint.host, secrets));
	}
}
