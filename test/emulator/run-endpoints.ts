import { debugUrlFor, type RequestContext, type Route } from './context';
import { ExecutionRecord, executeIdOfEvent, type RunMode } from './executions';
import { newId19 } from './ids';
import { MSG } from './messages';
import { compileResume, compileScript, type PendingInterrupt, type RunOutcome, type RunPlan } from './plan';
import { parseResumeRequest, parseRunRequest, type ResumeRequest, type RunRequest } from './run-requests';
import { PERSONAL_WORKSPACE_ID } from './scenarios';
import type { ScriptContext, WorkflowScenario } from './scenario-model';
import { streamWriterFor } from './sse';
import { StreamPlayer } from './stream-player';

// Running workflows: POST /v1/workflow/run (sync and async), /v1/workflow/stream_run, and the two
// resume endpoints. A run compiles the scenario's script once; streams play it, sync runs wait for
// its duration, async runs let the execution record settle later.

/** The cloud drops a sync run's connection after 90 s without a response. */
const SYNC_TIMEOUT_MS = 90_000;

function paramError(ctx: RequestContext, reason: string): void {
  ctx.reply.error(4000, MSG.paramError, { reason });
}

function scaled(ctx: RequestContext, cozeMs: number): number {
  return cozeMs * ctx.state.timeScale;
}

/** A published scenario, or undefined (unknown and draft workflows both answer 4200). */
function runnableScenario(ctx: RequestContext, workflowId: string): WorkflowScenario | undefined {
  const scenario = ctx.state.scenarios.get(workflowId);
  return scenario && scenario.publishStatus !== 'unpublished_draft' ? scenario : undefined;
}

function versionProblem(scenario: WorkflowScenario, version: string | undefined): string | undefined {
  if (version === undefined || version === '') return undefined;
  if (scenario.versions?.some((v) => v.version === version)) return undefined;
  return `workflow_version ${version} does not exist for this workflow`;
}

/** code 720701013: no run started, no execute_id field (only inside the debug_url). */
function transientFailure(ctx: RequestContext, scenario: WorkflowScenario): void {
  const debugUrl = debugUrlFor(ctx.state, {
    executeId: newId19('76'),
    spaceId: scenario.workspaceId ?? PERSONAL_WORKSPACE_ID,
    workflowId: scenario.id,
  });
  ctx.reply.error(720701013, MSG.transientFailure, { extra: { debug_url: debugUrl } });
}

function startExecution(ctx: RequestContext, scenario: WorkflowScenario, request: RunRequest, runMode: RunMode): { record: ExecutionRecord; plan: RunPlan } {
  const { state } = ctx;
  const executeId = scenario.executeId ?? newId19('76');
  const spaceId = scenario.workspaceId ?? PERSONAL_WORKSPACE_ID;
  const version = request.version || scenario.versions?.[scenario.versions.length - 1]?.version;
  const record = new ExecutionRecord({
    executeId,
    workflowId: scenario.id,
    spaceId,
    runMode,
    debugUrl: debugUrlFor(state, { executeId, spaceId, workflowId: scenario.id }),
    botId: request.botId || '0',
    connectorId: request.connectorId,
    connectorUid: request.ext['user_id'] ?? state.userId,
    parameters: request.parameters,
    version,
    outputTrimmed: ctx.knobs.trimOutput ?? false,
  });
  state.executions.set(executeId, record);
  state.startedRuns.push(scenario.id);
  const scriptCtx: ScriptContext = {
    workflowId: scenario.id,
    executeId,
    spaceId,
    parameters: request.parameters,
    version,
    resumeData: undefined,
    answers: [],
  };
  return { record, plan: compileScript(scenario.script, scriptCtx) };
}

function interruptData(pending: PendingInterrupt): Record<string, unknown> {
  const data: Record<string, unknown> = { data: pending.data };
  if (pending.requiredParameters) data['required_parameters'] = pending.requiredParameters;
  data['event_id'] = pending.eventId;
  data['type'] = pending.interruptType;
  return data;
}

/** The JSON answer of a finished sync run or sync resume. */
function syncResultBody(ctx: RequestContext, record: ExecutionRecord, outcome: RunOutcome): Record<string, unknown> {
  const studio = ctx.state.flavor === 'studio';
  switch (outcome.status) {
    case 'success': {
      if (studio) {
        return { code: 0, msg: '', data: outcome.output, token: outcome.usage.token_count, cost: '0.00000', debug_url: record.debugUrl, execute_id: record.executeId };
      }
      const legacy = ctx.knobs.legacyRunFields === true;
      const body: Record<string, unknown> = {
        code: 0,
        msg: legacy ? 'Success' : '',
        data: outcome.output,
        execute_id: record.executeId,
        debug_url: record.debugUrl,
        usage: outcome.usage,
      };
      if (legacy) Object.assign(body, { token: outcome.usage.token_count, cost: '0' });
      return body;
    }
    case 'fail':
      return { code: outcome.errorCode, msg: outcome.errorMessage, debug_url: record.debugUrl };
    case 'interrupt':
      return { code: 0, msg: '', debug_url: record.debugUrl, interrupt_data: interruptData(outcome.interrupt), execute_id: record.executeId };
  }
}

function asyncAcceptedBody(ctx: RequestContext, record: ExecutionRecord): Record<string, unknown> {
  return { code: 0, msg: ctx.state.flavor === 'studio' ? '' : 'Success', execute_id: record.executeId, debug_url: record.debugUrl };
}

/** How an async run ends: the script's outcome, unless failAsync says otherwise. */
function asyncOutcome(ctx: RequestContext, plan: RunPlan): RunOutcome {
  const { failAsync } = ctx.knobs;
  if (failAsync === undefined || failAsync === false) return plan.outcome;
  return { status: 'fail', errorCode: 720712000, errorMessage: failAsync === true ? MSG.asyncNodeFailed : failAsync };
}

/** Let an async execution finish later: after asyncPollsUntilDone polls or a duration. */
function settleAsync(ctx: RequestContext, record: ExecutionRecord, plan: RunPlan): void {
  const { knobs } = ctx;
  const outcome = asyncOutcome(ctx, plan);
  if (knobs.asyncPollsUntilDone !== undefined) {
    record.settleLater(outcome, plan.outputNodes, { polls: knobs.asyncPollsUntilDone });
  } else {
    const atMs = Date.now() + scaled(ctx, knobs.asyncDurationMs ?? plan.durationMs);
    record.settleLater(outcome, plan.outputNodes, { atMs });
    ctx.state.callbacks.settleAt(record, atMs);
  }
}

/** Start an async run. A callback workflow's HTTP node calls back when the outcome is due, and the
 *  run ends after it ('early': the first try is made before the start request is answered). */
async function startAsync(ctx: RequestContext, scenario: WorkflowScenario, request: RunRequest): Promise<void> {
  const { record, plan } = startExecution(ctx, scenario, request, 2);
  const earlyTry = ctx.state.callbacks.arm(record, ctx.knobs, asyncOutcome(ctx, plan));
  settleAsync(ctx, record, plan);
  await earlyTry;
  ctx.reply.json(asyncAcceptedBody(ctx, record));
}

/** Wait like a sync call (dropping the connection at 90 s), then answer with the outcome. */
async function answerSync(ctx: RequestContext, record: ExecutionRecord, plan: RunPlan, outcome: RunOutcome): Promise<void> {
  const durationMs = ctx.knobs.syncLatencyMs ?? plan.durationMs;
  record.settleLater(outcome, plan.outputNodes, { atMs: Date.now() + scaled(ctx, durationMs) });
  if (durationMs > SYNC_TIMEOUT_MS) {
    await ctx.sleep(SYNC_TIMEOUT_MS);
    ctx.reply.reset();
    return;
  }
  await ctx.sleep(durationMs);
  // Timers may fire a millisecond before Date.now() reaches atMs: the answer must not precede the
  // history's Success (a client reading the run right after the answer would see Running).
  record.settlePendingNow();
  ctx.reply.json(syncResultBody(ctx, record, outcome));
}

/** Play a plan as SSE and settle the execution with what actually happened. */
async function streamAndSettle(ctx: RequestContext, record: ExecutionRecord, plan: RunPlan): Promise<void> {
  const { knobs, state } = ctx;
  const writer = streamWriterFor(ctx);
  const player = new StreamPlayer({
    knobs,
    flavor: state.flavor,
    render: { variant: knobs.payloadVariant, flavor: state.flavor, debugUrl: record.debugUrl },
    writer,
    sleep: (ms) => ctx.sleep(ms),
    replyJson: async (body) => ctx.reply.json(body),
    jsonErrorText: (body) => ctx.reply.envelopeText(body),
  });
  const result = await player.play(plan);
  switch (result.kind) {
    case 'completed':
      record.settle(plan.outcome, plan.outputNodes);
      break;
    case 'failed':
      record.settle({ status: 'fail', errorCode: 5000, errorMessage: result.errorMessage }, plan.outputNodes);
      break;
    case 'cut':
    case 'gone':
      // The workflow keeps running server-side; a client can still poll its run history.
      record.settleLater(plan.outcome, plan.outputNodes, { atMs: Date.now() + scaled(ctx, plan.durationMs - result.consumedMs) });
      break;
  }
}

/** stream_run for an unknown/unpublished workflow: a single SSE Error (id 0), no Done. */
async function streamNotFound(ctx: RequestContext, workflowId: string): Promise<void> {
  const plan: RunPlan = {
    items: [
      {
        kind: 'emit',
        event: { kind: 'raw', event: 'Error', data: { node_execute_uuid: '', error_message: MSG.workflowNotFound, error_code: 4200 } },
      },
    ],
    outcome: { status: 'fail', errorCode: 4200, errorMessage: MSG.workflowNotFound },
    outputNodes: [],
    durationMs: 0,
  };
  // A throwaway record: it is never stored, so no run is counted.
  const record = new ExecutionRecord({
    executeId: '0',
    workflowId,
    spaceId: '0',
    runMode: 1,
    debugUrl: '',
    botId: '0',
    connectorId: '1024',
    connectorUid: ctx.state.userId,
    parameters: {},
    version: undefined,
    outputTrimmed: false,
  });
  await streamAndSettle(ctx, record, plan);
}

async function workflowRun(ctx: RequestContext): Promise<void> {
  const parsed = parseRunRequest(ctx.json, ctx.state.flavor);
  if (!parsed.ok) return paramError(ctx, parsed.reason);
  const request = parsed.value;
  const scenario = runnableScenario(ctx, request.workflowId);
  if (!scenario) return ctx.reply.error(4200, MSG.workflowNotFound);
  const versionIssue = versionProblem(scenario, request.version);
  if (versionIssue) return paramError(ctx, versionIssue);
  if (ctx.knobs.transientFailure) return transientFailure(ctx, scenario);

  if (request.isAsync) {
    if (!ctx.knobs.asyncAllowed) return ctx.reply.error(6003, MSG.asyncPremium);
    return startAsync(ctx, scenario, request);
  }

  const { record, plan } = startExecution(ctx, scenario, request, 0);
  let outcome = plan.outcome;
  // Only input nodes (type 5) can interrupt a sync run on the cloud; Studio refuses all.
  if (outcome.status === 'interrupt' && (ctx.state.flavor === 'studio' || outcome.interrupt.interruptType !== 5)) {
    outcome = { status: 'fail', errorCode: 6039, errorMessage: MSG.syncInterrupt };
  }
  await answerSync(ctx, record, plan, outcome);
}

async function streamRun(ctx: RequestContext): Promise<void> {
  const parsed = parseRunRequest(ctx.json, ctx.state.flavor);
  if (!parsed.ok) return paramError(ctx, parsed.reason);
  const request = parsed.value;
  const scenario = runnableScenario(ctx, request.workflowId);
  if (!scenario) {
    if (ctx.knobs.unknownWorkflowAs === 'json') return ctx.reply.error(4200, MSG.workflowNotFound);
    return streamNotFound(ctx, request.workflowId);
  }
  const versionIssue = versionProblem(scenario, request.version);
  if (versionIssue) return paramError(ctx, versionIssue);
  if (ctx.knobs.transientFailure) return transientFailure(ctx, scenario);
  const { record, plan } = startExecution(ctx, scenario, request, 1);
  await streamAndSettle(ctx, record, plan);
}

/** The execution and interrupt a resume refers to, or undefined after answering the error. */
function pendingFor(ctx: RequestContext, request: ResumeRequest): { record: ExecutionRecord; pending: PendingInterrupt } | undefined {
  const executeId = executeIdOfEvent(request.eventId);
  if (executeId === undefined) {
    paramError(ctx, 'event_id must look like <execute_id>/<event number>');
    return undefined;
  }
  const record = ctx.state.executions.get(executeId);
  if (!record || record.workflowId !== request.workflowId) {
    ctx.reply.error(4314, MSG.recordNotFound);
    return undefined;
  }
  const pending = record.pendingInterrupt;
  if (!pending) {
    if (record.finished) ctx.reply.error(4315, MSG.executionEnded);
    else ctx.reply.error(4314, MSG.recordNotFound, { reason: 'the execution is not waiting for a resume' });
    return undefined;
  }
  if (pending.eventId !== request.eventId) {
    ctx.reply.error(4314, MSG.recordNotFound, { reason: 'event_id is not the pending interrupt of this execution' });
    return undefined;
  }
  if (pending.interruptType !== request.interruptType) {
    paramError(ctx, `interrupt_type ${request.interruptType} does not match the pending interrupt (type ${pending.interruptType})`);
    return undefined;
  }
  return { record, pending };
}

async function streamResume(ctx: RequestContext): Promise<void> {
  const parsed = parseResumeRequest(ctx.json);
  if (!parsed.ok) return paramError(ctx, parsed.reason);
  const found = pendingFor(ctx, parsed.value);
  if (!found) return;
  const plan = compileResume(found.pending, parsed.value.resumeData);
  found.record.markRunning();
  await streamAndSettle(ctx, found.record, plan);
}

async function workflowsResume(ctx: RequestContext): Promise<void> {
  const parsed = parseResumeRequest(ctx.json);
  if (!parsed.ok) return paramError(ctx, parsed.reason);
  const found = pendingFor(ctx, parsed.value);
  if (!found) return;
  const { record, pending } = found;
  const plan = compileResume(pending, parsed.value.resumeData);
  record.markRunning();
  // A run started async is resumed async: poll run_histories for the result.
  if (record.runMode === 2) {
    settleAsync(ctx, record, plan);
    return ctx.reply.json(asyncAcceptedBody(ctx, record));
  }
  await answerSync(ctx, record, plan, plan.outcome);
}

export const RUN_ROUTES: Route[] = [
  { method: 'POST', pattern: '/v1/workflow/run', permission: 'run', flavors: ['cloud', 'studio'], handler: workflowRun },
  { method: 'POST', pattern: '/v1/workflow/stream_run', permission: 'run', flavors: ['cloud', 'studio'], handler: streamRun },
  { method: 'POST', pattern: '/v1/workflow/stream_resume', permission: 'run', flavors: ['cloud', 'studio'], handler: streamResume },
  { method: 'POST', pattern: '/v1/workflows/resume', permission: 'run', flavors: ['cloud'], handler: workflowsResume },
];
