import type { RequestContext, Route } from './context';
import { MSG } from './messages';
import { EMULATOR_USER, PERSONAL_WORKSPACE_ID, WORKSPACES } from './scenarios';
import type { WorkflowScenario } from './scenario-model';

// Discovery endpoints used to build the n8n UI: workspaces, workflow list, workflow info with its
// input/output schema, and versions. Studio only has the workflow info endpoint, which
// there returns nothing but the chatflow role.

const DEFAULT_CREATED_AT = 1752060786;
const ICON_URL = 'https://www.coze.cn/static/emulator/workflow.png';

/** An integer query parameter within [min, max], its default when absent, or undefined if invalid. */
function intQuery(ctx: RequestContext, name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const raw = ctx.query[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= min && value <= max ? value : undefined;
}

function paramError(ctx: RequestContext, reason: string): void {
  ctx.reply.error(4000, MSG.paramError, { reason });
}

function createdAt(scenario: WorkflowScenario, index: number): number {
  return scenario.createdAt ?? DEFAULT_CREATED_AT + index * 60;
}

function updatedAt(scenario: WorkflowScenario, index: number): number {
  return scenario.updatedAt ?? createdAt(scenario, index) + 30;
}

function scenarioIndex(ctx: RequestContext, scenario: WorkflowScenario): number {
  return [...ctx.state.scenarios.keys()].indexOf(scenario.id);
}

function listWorkspaces(ctx: RequestContext): void {
  const pageNum = intQuery(ctx, 'page_num', 1, 1, Number.MAX_SAFE_INTEGER);
  const pageSize = intQuery(ctx, 'page_size', 20, 1, 50);
  if (pageNum === undefined) return paramError(ctx, 'page_num must be an integer >= 1');
  if (pageSize === undefined) return paramError(ctx, 'page_size must be an integer from 1 to 50');
  const start = (pageNum - 1) * pageSize;
  ctx.reply.json({
    code: 0,
    msg: '',
    data: { workspaces: WORKSPACES.slice(start, start + pageSize), total_count: WORKSPACES.length },
  });
}

const PUBLISH_FILTERS = ['all', 'published_online', 'unpublished_draft', 'published_draft'];

function listWorkflows(ctx: RequestContext): void {
  const workspaceId = ctx.query['workspace_id'];
  if (!workspaceId) return paramError(ctx, 'workspace_id is required');
  const pageNum = intQuery(ctx, 'page_num', undefined, 1, Number.MAX_SAFE_INTEGER);
  if (pageNum === undefined) return paramError(ctx, 'page_num is required and must be an integer >= 1');
  const pageSize = intQuery(ctx, 'page_size', 10, 1, 30);
  if (pageSize === undefined) return paramError(ctx, 'page_size must be an integer from 1 to 30');
  const mode = ctx.query['workflow_mode'] ?? '';
  if (!['', 'workflow', 'chatflow'].includes(mode)) return paramError(ctx, 'workflow_mode must be workflow or chatflow');
  const publishStatus = ctx.query['publish_status'] || 'published_online';
  if (!PUBLISH_FILTERS.includes(publishStatus)) return paramError(ctx, `publish_status must be one of ${PUBLISH_FILTERS.join(', ')}`);
  const appId = ctx.query['app_id'];

  const matching = [...ctx.state.scenarios.values()].filter((s) => {
    const status = s.publishStatus ?? 'published_online';
    return (
      (s.workspaceId ?? PERSONAL_WORKSPACE_ID) === workspaceId &&
      (mode === '' || (s.mode ?? 'workflow') === mode) &&
      // No emulator workflow has unpublished changes, so published_draft lists nothing.
      (publishStatus === 'all' || status === publishStatus) &&
      // Without app_id only the resource library is listed; with it, only that app's workflows.
      (appId === undefined || appId === '' || appId === '0' ? s.appId === undefined : s.appId === appId)
    );
  });
  const start = (pageNum - 1) * pageSize;
  const items = matching.slice(start, start + pageSize).map((s) => {
    const index = scenarioIndex(ctx, s);
    return {
      workflow_id: s.id,
      workflow_name: s.name,
      description: s.description ?? '',
      icon_url: s.iconUrl ?? ICON_URL,
      app_id: s.appId ?? '0',
      created_at: String(createdAt(s, index)),
      updated_at: String(updatedAt(s, index)),
      creator: s.creator ?? EMULATOR_USER,
    };
  });
  ctx.reply.json({ code: 0, msg: '', data: { has_more: start + pageSize < matching.length, items } });
}

function inputSchema(scenario: WorkflowScenario): Record<string, unknown> {
  return { parameters: scenario.input ?? {} };
}

function outputSchema(scenario: WorkflowScenario): Record<string, unknown> {
  const output = scenario.output ?? { parameters: {}, terminatePlan: 'return_variables' as const };
  const schema: Record<string, unknown> = { parameters: output.parameters, terminate_plan: output.terminatePlan };
  if (output.content !== undefined) schema['content'] = output.content;
  return schema;
}

function includeInputOutput(ctx: RequestContext): boolean {
  return ctx.query['include_input_output'] === 'true';
}

function workflowInfo(ctx: RequestContext): void {
  const scenario = ctx.state.scenarios.get(ctx.params['wid'] ?? '');
  if (!scenario) return ctx.reply.error(4200, MSG.workflowNotFound);
  if (ctx.state.flavor === 'studio') {
    const role = scenario.mode === 'chatflow' ? { workflow_id: scenario.id, name: scenario.name, description: scenario.description ?? '' } : undefined;
    return ctx.reply.json({ code: 0, msg: '', data: role ? { role } : {} });
  }
  const index = scenarioIndex(ctx, scenario);
  const data: Record<string, unknown> = {
    workflow_detail: {
      workflow_id: scenario.id,
      workflow_name: scenario.name,
      description: scenario.description ?? '',
      icon_url: scenario.iconUrl ?? ICON_URL,
      app_id: scenario.appId ?? '0',
      created_at: createdAt(scenario, index),
      updated_at: updatedAt(scenario, index),
      creator: scenario.creator ?? EMULATOR_USER,
    },
  };
  if (includeInputOutput(ctx)) {
    data['input'] = inputSchema(scenario);
    data['output'] = outputSchema(scenario);
  }
  ctx.reply.json({ code: 0, msg: '', data });
}

/** Versions, newest first; page_token is the created_at (ms) of the last item already returned. */
function workflowVersions(ctx: RequestContext): void {
  const scenario = ctx.state.scenarios.get(ctx.params['wid'] ?? '');
  if (!scenario) return ctx.reply.error(4200, MSG.workflowNotFound);
  const pageSize = intQuery(ctx, 'page_size', 10, 1, 30);
  if (pageSize === undefined) return paramError(ctx, 'page_size must be an integer from 1 to 30');
  const token = ctx.query['page_token'];
  if (token !== undefined && token !== '' && !/^\d+$/.test(token)) return paramError(ctx, 'page_token is not a token returned by this endpoint');
  const publishStatus = ctx.query['publish_status'];
  if (publishStatus !== undefined && publishStatus !== '' && !PUBLISH_FILTERS.includes(publishStatus)) {
    return paramError(ctx, `publish_status must be one of ${PUBLISH_FILTERS.join(', ')}`);
  }

  const newestFirst = [...(scenario.versions ?? [])].sort((a, b) => b.createdAt - a.createdAt);
  const after = token ? newestFirst.filter((v) => v.createdAt * 1000 < Number(token)) : newestFirst;
  const page = after.slice(0, pageSize);
  const last = page[page.length - 1];
  const items = page.map((v) => {
    const item: Record<string, unknown> = {
      workflow_id: scenario.id,
      version: v.version,
      description: v.description ?? '',
      created_at: String(v.createdAt),
      updated_at: String(v.createdAt),
      creator: scenario.creator ?? EMULATOR_USER,
    };
    if (includeInputOutput(ctx)) {
      item['input'] = inputSchema(scenario);
      item['output'] = outputSchema(scenario);
    }
    return item;
  });
  ctx.reply.json({
    code: 0,
    msg: '',
    data: { has_more: after.length > page.length, next_page_token: last ? String(last.createdAt * 1000) : '', items },
  });
}

export const DISCOVERY_ROUTES: Route[] = [
  { method: 'GET', pattern: '/v1/workspaces', permission: 'listWorkspace', flavors: ['cloud'], handler: listWorkspaces },
  { method: 'GET', pattern: '/v1/workflows', permission: 'listWorkflow', flavors: ['cloud'], handler: listWorkflows },
  { method: 'GET', pattern: '/v1/workflows/:wid', permission: 'getMetaData', flavors: ['cloud', 'studio'], handler: workflowInfo },
  { method: 'GET', pattern: '/v1/workflows/:wid/versions', permission: 'getMetaData', flavors: ['cloud'], handler: workflowVersions },
];
