import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ExecutionRecord } from './executions';
import { newId19 } from './ids';
import type { CallbackMode, ResolvedKnobs } from './knobs';

// Callbacks are not a Coze API: they model a workflow whose last node is an HTTP node POSTing to a
// URL given as one of the run's inputs, with that node's retries. Every timer and request is owned
// here so close() can cancel them.

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
  retryDelayMs: number;
  retries: number;
  /** What 'wrongExecuteId' puts in the body. */
  bodyExecuteId: string | undefined;
}

interface Waiter {
  count: number;
  resolve: (attempts: CallbackAttempt[]) => void;
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
  private waiters: Waiter[] = [];
  private closed = false;

  constructor(private readonly timeScale: number) {}

  /** Every attempt so far, oldest first. */
  list(): CallbackAttempt[] {
    return [...this.attempts];
  }

  /** Callback timers and requests not finished yet. */
  pending(): number {
    return this.timers.size + this.inFlight.size;
  }

  /** Resolves once `count` attempts have been recorded. */
  waitFor(count: number, timeoutMs: number): Promise<CallbackAttempt[]> {
    if (this.attempts.length >= count) return Promise.resolve(this.list());
    if (this.closed) return Promise.reject(new Error('the emulator is closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new Error(`${count} callback attempts expected within ${timeoutMs} ms, got: ${JSON.stringify(this.attempts)}`));
      }, timeoutMs);
      this.waiters.push({ count, resolve, reject, timer });
    });
  }

  /** Modes other than 'early': call back once the record ends, however it comes to end. */
  arm(record: ExecutionRecord, knobs: ResolvedKnobs): void {
    const plan = this.planFor(record, knobs);
    if (!plan || plan.mode === 'early' || plan.mode === 'never') return;
    record.onEnd = () => this.afterEnd(record, plan);
  }

  /** An armed record settles at `atMs` even if nobody reads its history. */
  settleAt(record: ExecutionRecord, atMs: number): void {
    if (record.onEnd) this.later(atMs - Date.now(), () => record.settleDue(atMs));
  }

  /** 'early': the first try of the callback of an ended record (retries go on in the background). */
  async sendNow(record: ExecutionRecord, knobs: ResolvedKnobs): Promise<void> {
    const plan = this.planFor(record, knobs);
    if (plan) await this.deliver(record, plan, 1);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('the emulator closed before the callbacks came'));
    }
    this.waiters = [];
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
      retryDelayMs: (knobs.callbackRetryDelayMs ?? 1000) * this.timeScale,
      retries: knobs.callbackRetries ?? 3,
      bodyExecuteId: mode === 'wrongExecuteId' ? newId19('79') : undefined,
    };
  }

  private afterEnd(record: ExecutionRecord, plan: CallbackPlan): void {
    this.later(plan.delayMs, () => {
      void this.deliver(record, plan, 1);
      if (plan.mode === 'twice') this.later(plan.repeatDelayMs, () => void this.deliver(record, plan, 2));
    });
  }

  private deliver(record: ExecutionRecord, plan: CallbackPlan, delivery: number): Promise<void> {
    const body: CallbackBody = {
      execute_id: plan.bodyExecuteId ?? record.executeId,
      execute_status: record.status === 'Fail' ? 'Fail' : 'Success',
    };
    return this.attempt({ executeId: record.executeId, url: plan.url.href, body, delivery, attempt: 1 }, plan);
  }

  /** One try; resolves when it is recorded. A retry is scheduled before waiters hear of it. */
  private attempt(base: Omit<CallbackAttempt, 'status' | 'error' | 'time'>, plan: CallbackPlan): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      const record = (status: number | undefined, error: string | undefined, mayRetry = true): void => {
        if (this.closed) return resolve();
        this.attempts.push({ ...base, status, error, time: Date.now() });
        if (mayRetry && retryable(status) && base.attempt <= plan.retries) {
          this.later(plan.retryDelayMs, () => void this.attempt({ ...base, attempt: base.attempt + 1 }, plan));
        }
        this.notify();
        resolve();
      };
      if (!isLoopback(plan.url.hostname)) return record(undefined, `not sent: ${plan.url.hostname} is not a loopback host`, false);
      this.post(plan.url, JSON.stringify(base.body), record);
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

  private notify(): void {
    const ready = this.waiters.filter((w) => w.count <= this.attempts.length);
    this.waiters = this.waiters.filter((w) => w.count > this.attempts.length);
    for (const waiter of ready) {
      clearTimeout(waiter.timer);
      waiter.resolve(this.list());
    }
  }
}
