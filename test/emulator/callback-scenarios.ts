import type { CallbackMode, Knobs } from './knobs';
import type { ParameterSchema, ScriptContext, ScriptStep, WorkflowScenario } from './scenario-model';

// Workflows whose HTTP node, just before the End node, calls back the URL in their `callback_url`
// input (knob `callback`): an async run is still Running when the callback arrives and ends
// callbackToEndMs after the delivery has finished. Their output depends only on the inputs, so a
// callback-resumed item can be compared with a polled one.

export const CALLBACK_WORKFLOWS = {
  /** Calls back once, 6 s (Coze time) after the start; ends after the delivery. */
  end: '7400000000000000030',
  /** Calls back before the start request is answered; ends after the delivery. */
  early: '7400000000000000031',
  /** Calls back after 6 s, then again 1 s after that delivery started; ends after the first. */
  twice: '7400000000000000032',
  /** Ends after 6 s and never calls back. */
  never: '7400000000000000033',
  /** Calls back after 6 s, naming a non-existent execute ID. */
  wrongExecuteId: '7400000000000000034',
  /** Calls back once, 20 s after the start. */
  delayed: '7400000000000000035',
  /** Calls back with execute_status Fail after 6 s, then fails (error 5000). */
  fail: '7400000000000000036',
} as const;

/** Coze time an 'end' callback workflow works before its HTTP node: long enough for n8n to park its execution. */
const RUN_MS = 6000;
const DELAYED_RUN_MS = 20_000;

const INPUT: Record<string, ParameterSchema> = {
  callback_url: { type: 'string', required: true, description: 'URL the HTTP node before the End node POSTs to' },
  topic: { type: 'string', required: false, default_value: 'Coze' },
};

function topicOf(ctx: ScriptContext): string {
  const value = Object.hasOwn(ctx.parameters, 'topic') ? ctx.parameters['topic'] : undefined;
  return typeof value === 'string' && value !== '' ? value : 'Coze';
}

function reportSteps(runMs: number): ScriptStep[] {
  return [
    { kind: 'wait', ms: runMs },
    {
      kind: 'end',
      mode: 'variables',
      output: (ctx) => ({ answer: `Report on ${topicOf(ctx)}` }),
      usage: { input_count: 12, output_count: 8, token_count: 20 },
    },
  ];
}

function callbackWorkflow(id: string, name: string, callback: CallbackMode, script: ScriptStep[], knobs: Partial<Knobs> = {}): WorkflowScenario {
  return {
    id,
    name,
    description: `Async runs call back the callback_url input (${callback}).`,
    input: INPUT,
    output: { parameters: { answer: { type: 'string' } }, terminatePlan: 'return_variables' },
    knobs: { callback, ...knobs },
    script,
  };
}

/** The callback workflows of the built-in catalogue. */
export function callbackScenarios(): WorkflowScenario[] {
  const ids = CALLBACK_WORKFLOWS;
  return [
    callbackWorkflow(ids.end, 'Report with callback', 'end', reportSteps(RUN_MS)),
    callbackWorkflow(ids.early, 'Report with early callback', 'early', reportSteps(0)),
    callbackWorkflow(ids.twice, 'Report with double callback', 'twice', reportSteps(RUN_MS), { callbackRepeatDelayMs: 1000 }),
    callbackWorkflow(ids.never, 'Report without callback', 'never', reportSteps(RUN_MS)),
    callbackWorkflow(ids.wrongExecuteId, 'Report with wrong callback', 'wrongExecuteId', reportSteps(RUN_MS)),
    callbackWorkflow(ids.delayed, 'Slow report with callback', 'end', reportSteps(DELAYED_RUN_MS)),
    callbackWorkflow(ids.fail, 'Failing report with callback', 'end', [
      { kind: 'wait', ms: RUN_MS },
      { kind: 'fail', errorCode: 5000, errorMessage: (ctx) => `[720712000] report on ${topicOf(ctx)} failed` },
    ]),
  ];
}
