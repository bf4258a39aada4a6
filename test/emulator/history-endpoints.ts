import type { RequestContext, Route } from './context';
import type { ExecutionRecord } from './executions';
import { MSG } from './messages';
import type { PendingInterrupt } from './plan';
import type { RecordedRequest } from './types';

// Run histories: the cloud's GET /v1/workflows/{wid}/run_histories/{eid} (+ execute_nodes) and
// Coze Studio's GET /v1/workflow/get_run_history. Every execution is recorded, whatever the run
// mode, so stream and sync runs can be looked up too.

function errorCodeText(record: ExecutionRecord): string {
  const status = record.status;
  if (status === 'Running') return '';
  return status === 'Success' ? '0' : String(record.errorCode ?? '');
}

function interruptData(pending: PendingInterrupt): Record<string, unknown> {
  const data: Record<string, unknown> = { data: pending.data, event_id: pending.eventId, type: pending.interruptType };
  if (pending.requiredParameters) data['required_parameters'] = pending.requiredParameters;
  return data;
}

/** Status of the output (message) nodes that ran; `{}` while running (coze-studio #2453). */
function nodeExecuteStatus(record: ExecutionRecord): Record<string, unknown> {
  const statuses: Record<string, unknown> = {};
  if (record.status === 'Running') return statuses;
  for (const node of record.outputNodes) {
    // Keyed by node title; a node that ran more than once gets a distinct key.
    const key = node.node.title in statuses ? `${node.node.title}_${node.nodeExecuteUuid.slice(-6)}` : node.node.title;
    statuses[key] = { node_id: node.node.id, is_finish: true, update_time: record.updateTime, node_execute_uuid: node.nodeExecuteUuid };
  }
  return statuses;
}

/** One history item with every field the cloud's run_histories endpoint sends, as it sends it. */
function cloudHistoryItem(record: ExecutionRecord): Record<string, unknown> {
  const status = record.status;
  const item: Record<string, unknown> = {
    execute_id: record.executeId,
    execute_status: status,
    bot_id: record.botId,
    connector_id: record.connectorId,
    connector_uid: record.connectorUid,
    run_mode: record.runMode,
    logid: record.logid,
    create_time: record.createTime,
    update_time: record.updateTime,
    // Three JSON layers: the item's output is JSON whose Output is the End node's JSON text.
    output: JSON.stringify({ node_status: '{}', Output: status === 'Success' ? record.output : '' }),
    error_code: errorCodeText(record),
  };
  // error_message is absent while running (observed).
  if (status !== 'Running') item['error_message'] = status === 'Success' ? '' : (record.errorMessage ?? '');
  Object.assign(item, {
    debug_url: record.debugUrl,
    usage: record.usage,
    is_output_trimmed: status === 'Success' && record.outputTrimmed,
    node_execute_status: nodeExecuteStatus(record),
    token: '0',
  });
  const pending = record.pendingInterrupt;
  if (pending) item['interrupt_data'] = interruptData(pending);
  return item;
}

/** A numeric id as an int64 JSON number (written unquoted with all its digits). */
function int64(id: string): bigint {
  return /^\d+$/.test(id) ? BigInt(id) : 0n;
}

/** Studio's item (its IDL `WorkflowExecuteHistory`): int64 execute_id, bot_id and connector_id
 *  (bigint → unquoted digits), log_id, error_msg. */
function studioHistoryItem(record: ExecutionRecord): Record<string, unknown> {
  const status = record.status;
  return {
    execute_id: int64(record.executeId),
    execute_status: status,
    bot_id: int64(record.botId),
    connector_id: int64(record.connectorId),
    connector_uid: record.connectorUid,
    run_mode: record.runMode,
    log_id: record.logid,
    create_time: record.createTime,
    update_time: record.updateTime,
    debug_url: record.debugUrl,
    input: JSON.stringify(record.parameters),
    output: status === 'Success' ? record.output : '',
    token: record.usage.token_count,
    cost: '0.00000',
    cost_unit: '',
    ext: {},
    error_code: errorCodeText(record),
    error_msg: status === 'Fail' ? (record.errorMessage ?? '') : '',
  };
}

function findRecord(ctx: RequestContext, workflowId: string | undefined, executeId: string | undefined): ExecutionRecord | undefined {
  const record = executeId === undefined ? undefined : ctx.state.executions.get(executeId);
  if (!record || record.workflowId !== workflowId) {
    ctx.reply.error(4314, MSG.recordNotFound);
    return undefined;
  }
  return record;
}

function runHistory(ctx: RequestContext): void {
  const record = findRecord(ctx, ctx.params['wid'], ctx.params['eid']);
  if (!record) return;
  record.notePoll();
  ctx.reply.json({ code: 0, msg: '', data: [cloudHistoryItem(record)] });
}

function executeNode(ctx: RequestContext): void {
  const record = findRecord(ctx, ctx.params['wid'], ctx.params['eid']);
  if (!record) return;
  const node = record.outputNodes.find((n) => n.nodeExecuteUuid === ctx.params['uuid']);
  if (!node) return ctx.reply.error(4314, MSG.recordNotFound, { reason: 'no output node with this node_execute_uuid' });
  ctx.reply.json({ code: 0, msg: '', data: { is_finish: true, node_output: node.text } });
}

function studioRunHistory(ctx: RequestContext): void {
  const workflowId = ctx.query['workflow_id'];
  const executeId = ctx.query['execute_id'];
  if (!workflowId || !executeId) return ctx.reply.error(4000, MSG.paramError, { reason: 'workflow_id and execute_id are required' });
  const record = findRecord(ctx, workflowId, executeId);
  if (!record) return;
  record.notePoll();
  ctx.reply.json({ code: 0, msg: '', data: [studioHistoryItem(record)] });
}

/** Studio has no cloud run_histories path; it falls into its cookie-session auth (coze-studio #1871). */
function studioCookieAuthError(ctx: RequestContext): void {
  ctx.reply.error(700012006, MSG.studioCookieAuth, { status: 401 });
}

export const HISTORY_ROUTES: Route[] = [
  { method: 'GET', pattern: '/v1/workflows/:wid/run_histories/:eid', permission: 'listRunHistory', flavors: ['cloud'], handler: runHistory },
  {
    method: 'GET',
    pattern: '/v1/workflows/:wid/run_histories/:eid/execute_nodes/:uuid',
    permission: 'listRunHistory',
    flavors: ['cloud'],
    handler: executeNode,
  },
  { method: 'GET', pattern: '/v1/workflow/get_run_history', permission: 'listRunHistory', flavors: ['studio'], handler: studioRunHistory },
  { method: 'GET', pattern: '/v1/workflows/:wid/run_histories/:eid', permission: 'none', flavors: ['studio'], handler: studioCookieAuthError },
];

const CLOUD_HISTORY_PATH = /^\/v1\/workflows\/[^/]+\/run_histories\/([^/]+)$/;

/** GET requests for the run history of `executeId` (cloud path or Studio form), whatever their answer. */
export function countHistoryReads(requests: readonly RecordedRequest[], executeId: string): number {
  let reads = 0;
  for (const { method, path, query } of requests) {
    if (method !== 'GET') continue;
    const cloudId = CLOUD_HISTORY_PATH.exec(path)?.[1];
    const id = cloudId === undefined ? (path === '/v1/workflow/get_run_history' ? query['execute_id'] : undefined) : cloudId;
    if (id === executeId) reads += 1;
  }
  return reads;
}
