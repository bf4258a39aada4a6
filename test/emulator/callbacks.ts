import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ExecuteStatus, ExecutionRecord } from './executions';
import { newId19 } from './ids';
import type { CallbackMode, ResolvedKnobs } from './knobs';
import type { RunOutcome } from './plan';

// Callbacks are not a Coze API: they model a workflow whose HTTP node, the last before its End
// node, POSTs to a URL given as one of the run's inputs, with that node's retries. The run is
// Running while the node works: it ends callbackToEndMs after the delivery has finished (2xx, a
// final answer, or the last retry failed). Every timer and request is owned here so close() can
// cancel them.

/** What the emulated workflow puts in its HTTP node's body (a real one sends whatever its author
 *  wrote there). execute_status is the status the run is about to end with: the workflow knows. */
export interface CallbackBody {
  execute_id: string;
  execute_status: 'Success' | 'Fail';
}

export interface CallbackAttempt {
  /** The run that called back (the body may name another one: knob callback 'wrongExecuteId'). */
  executeId: string;
  url: string;
  body: CallbackBody;
  /** 1, or 2 for the repeat of callback 'twice'. */
  delivery: number;
  /** 1 for the first try, then 2, 3, … for the retries. */
  attempt: number;
  /** HTTP status of the answer; undefined when the request failed or was not sent. */
  status: number | undefined;
  /** Why there is no status, e.g. "ECONNREFUSED connect ECONNREFUSED 127.0.0.1:5678". */
  error: string | undefined;
  /** Epoch ms of the answer or the error. */
  time: number;
}

interface CallbackPlan {
  mode: CallbackMode;
  url: URL;
  /** Real ms (knobs scaled by timeScale). */
  delayMs: number;
  repeatDelayMs: number;
  toEndMs: number;
  retryDelayMs: number;
  retries: number;
  /** What 'wrongExecuteId' puts in the body. */
  bodyExecuteId: string | undefined;
}

interface Waiter {
  ready: () => boolean;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** A hung receiver must not keep a callback open forever (real ms). */
const ATTEMPT_TIMEOUT_MS = 30_000;

/** The emulator only ever calls this machine. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** 409 (n8n: execution not waiting yet), 5xx and connection errors are worth another try. */
function retryable(status: number | undefined): boolean {
  return status === undefined || status === 409 || status >= 500;
}

function errorText(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  const text = `${code ?? ''} ${error.message}`.trim();
  return text === '' ? 'request failed' : text;
}

export class CallbackSender {
  private readonly attempts: CallbackAttempt[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<ClientRequest>();
  private readonly waiters = new Set<Waiter>();
  private closed = false;
  private gate: Promise<void> | undefined;

  constructor(private readonly timeScale: number) {}

  /** Holds every try (first ones and retries) until the returned function is called, so a test can
   *  let runs reach n8n only once the execution waits. Not for 'early', whose start waits for its try. */
  hold(): () => void {
    let release: () => void = () => undefined;
    this.gate = new Promise((resolve) => (release = resolve));
    return () => {
      this.gate = undefined;
      release();
    };
  }

  /** Every attempt so far, oldest first. */
  list(): CallbackAttempt[] {
    return [...this.attempts];
  }

  /** Callback timers and requests not finished yet (a run's HTTP node still to come included). */
  pending(): number {
    return this.timers.size + this.inFlight.size;
  }

  /** Resolves once `count` attempts have been recorded. */
  waitFor(count: number, timeoutMs: number): Promise<CallbackAttempt[]> {
    const ready = (): boolean => this.attempts.length >= count;
    const late = (): string => `${count} callback attempts expected within ${timeoutMs} ms, got: ${JSON.stringify(this.attempts)}`;
    return this.waitUntil(ready, timeoutMs, late).then(() => this.list());
  }

  /** Resolves with Success or Fail once the run has ended (a run without timers ends when read). */
  waitForEnd(record: ExecutionRecord, timeoutMs: number): Promise<ExecuteStatus> {
    let ended = false;
    record.onceEnded(() => {
      ended = true;
      this.notify();
    });
    const late = (): string => `run ${record.executeId} still ${record.status} after ${timeoutMs} ms`;
    return this.waitUntil(() => ended, timeoutMs, late).then(() => record.status);
  }

  /** Give an async run its HTTP node (every mode but 'never'). 'early' makes the first try now:
   *  the promise resolves once it is recorded. The other modes call back when the run's outcome
   *  is due (arm before settling the run, so an outcome due at once waits for the node too). */
  arm(record: ExecutionRecord, knobs: ResolvedKnobs, outcome: RunOutcome): Promise<void> {
    const plan = this.planFor(record, knobs);
    if (!plan) return Promise.resolve();
    if (plan.mode === 'early') return this.early(record, plan, outcome);
    record.beforeEnd = (due, end) => this.atHttpNode(record, plan, due, end);
    return Promise.resolve();
  }

  /** A run whose HTTP node waits for its outcome to be due at `atMs` gets there even if nobody reads it. */
  settleAt(record: ExecutionRecord, atMs: number): void {
    if (record.beforeEnd) this.later(atMs - Date.now(), () => record.settleDue(atMs));
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('the emulator closed before the callbacks came or the run ended'));
    }
    this.waiters.clear();
  }

  private planFor(record: ExecutionRecord, knobs: ResolvedKnobs): CallbackPlan | undefined {
    const mode = knobs.callback;
    if (mode === undefined || mode === 'never') return undefined;
    const name = knobs.callbackParameter ?? 'callback_url';
    const value = Object.hasOwn(record.parameters, name) ? record.parameters[name] : undefined;
    if (typeof value !== 'string' || !URL.canParse(value)) return undefined;
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return {
      mode,
      url,
      delayMs: (knobs.callbackDelayMs ?? 0) * this.timeScale,
      repeatDelayMs: (knobs.callbackRepeatDelayMs ?? 1000) * this.timeScale,
      toEndMs: (knobs.callbackToEndMs ?? 300) * this.timeScale,
      retryDelayMs: (knobs.callbackRetryDelayMs ?? 1000) * this.timeScale,
      retries: knobs.callbackRetries ?? 3,
      bodyExecuteId: mode === 'wrongExecuteId' ? newId19('79') : undefined,
    };
  }

  /** The run reached its HTTP node: call back, then go on to the End node. 'twice' sends a
   *  duplicate repeatDelayMs after the first delivery started; the run does not wait for it. */
  private atHttpNode(record: ExecutionRecord, plan: CallbackPlan, outcome: RunOutcome, end: () => void): void {
    this.later(plan.delayMs, () => {
      void this.deliver(record, plan, outcome, 1, () => this.later(plan.toEndMs, end));
      if (plan.mode === 'twice') this.later(plan.repeatDelayMs, () => void this.deliver(record, plan, outcome, 2, () => {}));
    });
  }

  /** 'early': an HTTP node before the work. The run ends at its planned time, but not before the
   *  delivery has finished and callbackToEndMs passed. */
  private early(record: ExecutionRecord, plan: CallbackPlan, outcome: RunOutcome): Promise<void> {
    let delivered = false;
    let waiting: (() => void) | undefined;
    record.beforeEnd = (_due, end) => {
      if (delivered) end();
      else waiting = end;
    };
    return this.deliver(record, plan, outcome, 1, () =>
      this.later(plan.toEndMs, () => {
        delivered = true;
        waiting?.();
      }),
    );
  }

  /** Resolves once the first try is recorded; `finished` runs when the delivery is over. */
  private deliver(record: ExecutionRecord, plan: CallbackPlan, outcome: RunOutcome, delivery: number, finished: () => void): Promise<void> {
    const body: CallbackBody = {
      execute_id: plan.bodyExecuteId ?? record.executeId,
      execute_status: outcome.status === 'fail' ? 'Fail' : 'Success',
    };
    return this.attempt({ executeId: record.executeId, url: plan.url.href, body, delivery, attempt: 1 }, plan, finished);
  }

  /** One try; resolves when it is recorded. What follows (a retry, or the end of the delivery) is
   *  scheduled before waiters hear of it. */
  private attempt(base: Omit<CallbackAttempt, 'status' | 'error' | 'time'>, plan: CallbackPlan, finished: () => void): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      const record = (status: number | undefined, error: string | undefined, mayRetry = true): void => {
        if (this.closed) return resolve();
        this.attempts.push({ ...base, status, error, time: Date.now() });
        if (mayRetry && retryable(status) && base.attempt <= plan.retries) {
          this.later(plan.retryDelayMs, () => void this.attempt({ ...base, attempt: base.attempt + 1 }, plan, finished));
        } else {
          finished();
        }
        this.notify();
        resolve();
      };
      const send = (): void => {
        if (!isLoopback(plan.url.hostname)) return record(undefined, `not sent: ${plan.url.hostname} is not a loopback host`, false);
        this.post(plan.url, JSON.stringify(base.body), record);
      };
      if (this.gate) void this.gate.then(send);
      else send();
    });
  }

  private post(url: URL, text: string, done: (status: number | undefined, error: string | undefined) => void): void {
    let finished = false;
    const finish = (status: number | undefined, error: string | undefined): void => {
      if (finished) return;
      finished = true;
      this.inFlight.delete(req);
      done(status, error);
    };
    const options: RequestOptions = {
      method: 'POST',
      // No keep-alive socket may outlive the attempt.
      agent: false,
      timeout: ATTEMPT_TIMEOUT_MS,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) },
    };
    const onResponse = (res: IncomingMessage): void => {
      res.resume();
      res.on('end', () => finish(res.statusCode ?? 0, undefined));
      res.on('error', (error) => finish(undefined, errorText(error)));
    };
    const req = url.protocol === 'https:' ? httpsRequest(url, options, onResponse) : httpRequest(url, options, onResponse);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${ATTEMPT_TIMEOUT_MS} ms`)));
    req.on('error', (error) => finish(undefined, errorText(error)));
    this.inFlight.add(req);
    req.end(text);
  }

  private later(ms: number, run: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, Math.max(0, ms));
    this.timers.add(timer);
  }

  private waitUntil(ready: () => boolean, timeoutMs: number, late: () => string): Promise<void> {
    if (ready()) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('the emulator is closed'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        ready,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(late()));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private notify(): void {
    for (const waiter of this.waiters) {
      if (!waiter.ready()) continue;
      this.waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
  }
}
