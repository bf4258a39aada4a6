import { newId19 } from './ids';
import type {
  Dynamic,
  InterruptStep,
  NodeRef,
  ParameterSchema,
  ScriptContext,
  ScriptStep,
  Usage,
} from './scenario-model';

// Compiles a scenario script into a run plan: the abstract stream events with the Coze-time waits
// between them, and the outcome (output, failure or interrupt). The stream player renders the
// events; sync/async runs and run histories only use the outcome and the total duration.

export const END_NODE: NodeRef = { id: '900001', type: 'End', title: 'End' };

export type StreamEvent =
  | {
      kind: 'message';
      node: NodeRef;
      content: string;
      seq: number;
      isFinish: boolean;
      /** From the End node (carries usage on its last chunk). */
      isEnd: boolean;
      usage?: Usage;
    }
  | { kind: 'error'; code: number; message: string }
  | {
      kind: 'interrupt';
      nodeTitle: string;
      interruptType: number;
      eventId: string;
      data: string;
      requiredParameters?: Record<string, ParameterSchema>;
    }
  /** `data` overrides the variant's Done payload; `afterError` Done is dropped unless doneAfterError. */
  | { kind: 'done'; data?: unknown; afterError?: boolean }
  | { kind: 'raw'; event: string; data: unknown };

export type PlanItem = { kind: 'wait'; ms: number } | { kind: 'emit'; event: StreamEvent };

/** Full text of an Output (message) node, for node_execute_status and execute_nodes. */
export interface OutputNodeText {
  node: NodeRef;
  nodeExecuteUuid: string;
  text: string;
}

/** An interrupt waiting for stream_resume / workflows/resume. */
export interface PendingInterrupt {
  /** `<execute_id>/<n>`, passed back verbatim by the client. */
  eventId: string;
  interruptType: number;
  nodeTitle: string;
  data: string;
  requiredParameters?: Record<string, ParameterSchema>;
  step: InterruptStep;
  ctx: ScriptContext;
  /** Unsatisfactory answers so far. */
  failedAttempts: number;
}

export type RunOutcome =
  | { status: 'success'; output: string; usage: Usage }
  | { status: 'fail'; errorCode: number; errorMessage: string }
  | { status: 'interrupt'; interrupt: PendingInterrupt };

export interface RunPlan {
  items: PlanItem[];
  outcome: RunOutcome;
  outputNodes: OutputNodeText[];
  /** Sum of the waits, Coze-time ms. */
  durationMs: number;
}

export function resolve<T>(value: Dynamic<T>, ctx: ScriptContext): T {
  return typeof value === 'function' ? (value as (c: ScriptContext) => T)(ctx) : value;
}

const DEFAULT_MAX_ATTEMPTS = 3;

/** Rough but deterministic token counts, so usage is never all zeros. */
export function estimateUsage(parameters: Record<string, unknown>, output: string): Usage {
  const input = 20 + Math.ceil(Buffer.byteLength(JSON.stringify(parameters)) / 4);
  const out = 1 + Math.ceil(output.length / 2);
  return { input_count: input, output_count: out, token_count: input + out };
}

/** The `data` of a sync run (and history Output) for an End node in answer-text mode. */
export function answerWrapper(answer: string): string {
  return JSON.stringify({ content_type: 1, data: answer, original_result: null, type_for_model: 2 });
}

class PlanBuilder {
  readonly items: PlanItem[] = [];
  readonly outputNodes: OutputNodeText[] = [];
  durationMs = 0;

  wait(ms: number): void {
    if (ms <= 0) return;
    this.items.push({ kind: 'wait', ms });
    this.durationMs += ms;
  }

  emit(event: StreamEvent): void {
    this.items.push({ kind: 'emit', event });
  }

  /** Chunks of one node with waits between them; returns the joined text. */
  chunks(node: NodeRef, chunks: string[], delayMs: number, isEnd: boolean, usage?: Usage): string {
    chunks.forEach((content, seq) => {
      if (seq > 0) this.wait(delayMs);
      const isFinish = seq === chunks.length - 1;
      const event: StreamEvent = { kind: 'message', node, content, seq, isFinish, isEnd };
      if (isEnd && isFinish && usage) event.usage = usage;
      this.emit(event);
    });
    return chunks.join('');
  }

  fail(errorCode: number, errorMessage: string): RunOutcome {
    this.emit({ kind: 'error', code: errorCode, message: errorMessage });
    this.emit({ kind: 'done', afterError: true });
    return { status: 'fail', errorCode, errorMessage };
  }

  interrupt(step: InterruptStep, ctx: ScriptContext, eventNumber: string, question: string | undefined, failedAttempts: number): RunOutcome {
    if (question !== undefined) this.chunks(step.node, [question], 0, false);
    const pending: PendingInterrupt = {
      eventId: `${ctx.executeId}/${eventNumber}`,
      interruptType: step.interruptType,
      nodeTitle: step.node.title,
      data: step.data ?? '',
      step,
      ctx,
      failedAttempts,
    };
    if (step.requiredParameters) pending.requiredParameters = step.requiredParameters;
    const event: StreamEvent = {
      kind: 'interrupt',
      nodeTitle: pending.nodeTitle,
      interruptType: pending.interruptType,
      eventId: pending.eventId,
      data: pending.data,
    };
    if (pending.requiredParameters) event.requiredParameters = pending.requiredParameters;
    this.emit(event);
    return { status: 'interrupt', interrupt: pending };
  }

  finish(outcome: RunOutcome): RunPlan {
    return { items: this.items, outcome, outputNodes: this.outputNodes, durationMs: this.durationMs };
  }
}

/** Compile `steps` for one response (a run, or the continuation after a resume). */
export function compileScript(steps: ScriptStep[], ctx: ScriptContext): RunPlan {
  const plan = new PlanBuilder();
  let output = '';
  let usage: Usage | undefined;

  for (const step of steps) {
    switch (step.kind) {
      case 'wait':
        plan.wait(step.ms);
        break;
      case 'message': {
        const text = plan.chunks(step.node, resolve(step.chunks, ctx), step.chunkDelayMs ?? 0, false);
        plan.outputNodes.push({ node: step.node, nodeExecuteUuid: newId19('76'), text });
        break;
      }
      case 'end': {
        const node = step.node ?? END_NODE;
        if (step.mode === 'variables') {
          const content = JSON.stringify(resolve(step.output, ctx));
          usage = step.usage ?? estimateUsage(ctx.parameters, content);
          plan.chunks(node, [content], 0, true, usage);
          output = content;
        } else {
          const chunks = resolve(step.chunks, ctx);
          const answer = chunks.join('');
          usage = step.usage ?? estimateUsage(ctx.parameters, answer);
          plan.chunks(node, chunks, step.chunkDelayMs ?? 0, true, usage);
          output = answerWrapper(answer);
        }
        break;
      }
      case 'raw': {
        const data = resolve(step.data, ctx);
        plan.emit({ kind: 'raw', event: step.event, data });
        if (step.endOutput) {
          const content = data !== null && typeof data === 'object' && 'content' in data ? data.content : undefined;
          output = typeof content === 'string' ? content : '';
          usage = step.usage ?? estimateUsage(ctx.parameters, output);
        }
        break;
      }
      case 'fail':
        return plan.finish(plan.fail(step.errorCode, resolve(step.errorMessage, ctx)));
      case 'interrupt': {
        const question = step.question === undefined ? undefined : resolve(step.question, ctx);
        return plan.finish(plan.interrupt(step, ctx, step.eventId ?? newId19('76'), question, 0));
      }
      case 'done':
        plan.emit({ kind: 'done', data: resolve(step.data, ctx) });
        return plan.finish({ status: 'success', output, usage: usage ?? estimateUsage(ctx.parameters, output) });
    }
  }
  plan.emit({ kind: 'done' });
  return plan.finish({ status: 'success', output, usage: usage ?? estimateUsage(ctx.parameters, output) });
}

/**
 * Compile what a resume with `resumeData` produces: the continuation if the answer satisfies the
 * node, else a new interrupt (new event id), or a failure once the attempts are used up.
 */
export function compileResume(pending: PendingInterrupt, resumeData: string): RunPlan {
  const ctx: ScriptContext = { ...pending.ctx, resumeData, answers: [...pending.ctx.answers, resumeData] };
  const rule = pending.step.resume;
  const accepted = rule.accept ? rule.accept(resumeData, ctx) : true;
  if (accepted) return compileScript(rule.then, ctx);

  const plan = new PlanBuilder();
  const failedAttempts = pending.failedAttempts + 1;
  if (failedAttempts >= (rule.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)) {
    const exhausted = rule.exhausted ?? {
      errorCode: 5000,
      errorMessage: `[720712049] The node "${pending.nodeTitle}" did not receive a valid answer after ${failedAttempts} attempts.`,
    };
    return plan.finish(plan.fail(exhausted.errorCode, exhausted.errorMessage));
  }
  const retry = rule.retryQuestion ?? pending.step.question;
  const question = retry === undefined ? undefined : resolve(retry, ctx);
  return plan.finish(plan.interrupt(pending.step, ctx, newId19('76'), question, failedAttempts));
}
