import { newLogid } from './ids';
import type { OutputNodeText, PendingInterrupt, RunOutcome } from './plan';
import type { Usage } from './scenario-model';

// What the emulator remembers about each execution: the data behind run histories, execute_nodes
// and resumes. Pending outcomes settle lazily (on read, by wall-clock time or by the number of
// history polls) so no timer is needed to finish an async run or a run whose client went away.
// A run with a callback is the exception: its HTTP node runs when the outcome is due, and the
// outcome shows only once that node lets the run go on to its End node (beforeEnd).

export type ExecuteStatus = 'Running' | 'Success' | 'Fail';
/** 0 sync, 1 stream, 2 async (run_mode on the wire). */
export type RunMode = 0 | 1 | 2;

interface PendingSettlement {
  outcome: RunOutcome;
  outputNodes: OutputNodeText[];
  /** Epoch ms at which it applies (undefined: only by polls). */
  atMs: number | undefined;
  /** Applies on the poll after this many more Running polls. */
  pollsLeft: number | undefined;
  /** Due, but beforeEnd has not let it apply yet: the run is Running. */
  held?: boolean;
}

/** What runs between the last step and the End node: the workflow's HTTP node calling back. */
export type BeforeEnd = (outcome: Extract<RunOutcome, { status: 'success' | 'fail' }>, end: () => void) => void;

export interface ExecutionInit {
  executeId: string;
  workflowId: string;
  spaceId: string;
  runMode: RunMode;
  debugUrl: string;
  botId: string;
  connectorId: string;
  connectorUid: string;
  parameters: Record<string, unknown>;
  version: string | undefined;
  outputTrimmed: boolean;
}

export class ExecutionRecord {
  readonly executeId: string;
  readonly workflowId: string;
  readonly spaceId: string;
  readonly runMode: RunMode;
  readonly debugUrl: string;
  readonly botId: string;
  readonly connectorId: string;
  readonly connectorUid: string;
  readonly parameters: Record<string, unknown>;
  readonly version: string | undefined;
  /** Log id of the execution (differs from the logid of any request about it). */
  readonly logid = newLogid();
  /** Unix seconds. */
  readonly createTime = Math.floor(Date.now() / 1000);
  updateTime = this.createTime;
  outputTrimmed: boolean;
  /** End-node output (JSON string) once successful. */
  output = '';
  usage: Usage = { input_count: 0, output_count: 0, token_count: 0 };
  errorCode: number | undefined;
  errorMessage: string | undefined;
  /** Set while the execution waits for a resume. */
  interrupt: PendingInterrupt | undefined;
  /** Output (message) nodes that have run, for node_execute_status and execute_nodes. */
  outputNodes: OutputNodeText[] = [];
  /** Called once, when a Success or Fail outcome is due: the run stays Running until it calls
   *  `end` (a callback run's HTTP node; an interrupt outcome does not reach it). */
  beforeEnd: BeforeEnd | undefined;
  private state: 'running' | 'interrupted' | 'success' | 'fail' = 'running';
  private pending: PendingSettlement | undefined;
  private endListeners: Array<() => void> = [];

  constructor(init: ExecutionInit) {
    this.executeId = init.executeId;
    this.workflowId = init.workflowId;
    this.spaceId = init.spaceId;
    this.runMode = init.runMode;
    this.debugUrl = init.debugUrl;
    this.botId = init.botId;
    this.connectorId = init.connectorId;
    this.connectorUid = init.connectorUid;
    this.parameters = init.parameters;
    this.version = init.version;
    this.outputTrimmed = init.outputTrimmed;
  }

  /** Running / Success / Fail as run histories report it (an interrupted run is still Running). */
  get status(): ExecuteStatus {
    this.settleIfDue();
    if (this.state === 'success') return 'Success';
    if (this.state === 'fail') return 'Fail';
    return 'Running';
  }

  /** Finished (Success or Fail): resumes answer 4315. */
  get finished(): boolean {
    return this.status !== 'Running';
  }

  /** Calls `listener` once the execution has ended (Success or Fail), at once if it has. */
  onceEnded(listener: () => void): void {
    if (this.finished) listener();
    else this.endListeners.push(listener);
  }

  /** The pending interrupt, if the execution is waiting for one now. */
  get pendingInterrupt(): PendingInterrupt | undefined {
    this.settleIfDue();
    return this.state === 'interrupted' ? this.interrupt : undefined;
  }

  /** Apply an outcome now. */
  settle(outcome: RunOutcome, outputNodes: OutputNodeText[]): void {
    this.pending = undefined;
    this.outputNodes.push(...outputNodes);
    this.updateTime = Math.floor(Date.now() / 1000);
    switch (outcome.status) {
      case 'success':
        this.state = 'success';
        this.output = outcome.output;
        this.usage = outcome.usage;
        this.interrupt = undefined;
        break;
      case 'fail':
        this.state = 'fail';
        this.errorCode = outcome.errorCode;
        this.errorMessage = outcome.errorMessage;
        this.interrupt = undefined;
        break;
      case 'interrupt':
        this.state = 'interrupted';
        this.interrupt = outcome.interrupt;
        break;
    }
    if (this.state === 'success' || this.state === 'fail') {
      const listeners = this.endListeners;
      this.endListeners = [];
      for (const listener of listeners) listener();
    }
  }

  /** Apply an outcome later: at `atMs` (epoch ms) or after `polls` Running history polls. */
  settleLater(outcome: RunOutcome, outputNodes: OutputNodeText[], when: { atMs?: number; polls?: number }): void {
    this.state = 'running';
    this.pending = { outcome, outputNodes, atMs: when.atMs, pollsLeft: when.polls };
    this.settleIfDue();
  }

  /** Apply a pending outcome now: a sync answer proves the run ended, whatever the clock says. */
  settlePendingNow(): void {
    if (this.pending) this.settle(this.pending.outcome, this.pending.outputNodes);
  }

  /** Apply the outcome pending for `atMs`, if it still is: its timer may fire a millisecond early. */
  settleDue(atMs: number): void {
    const pending = this.pending;
    if (pending?.atMs === atMs && pending.pollsLeft === undefined && !pending.held) this.applyDue(pending);
  }

  /** The execution continues (a resume started); it is Running until settled again. */
  markRunning(): void {
    this.state = 'running';
    this.pending = undefined;
    this.updateTime = Math.floor(Date.now() / 1000);
  }

  /** A run-history poll: counts towards asyncPollsUntilDone. */
  notePoll(): void {
    const pending = this.pending;
    if (pending?.pollsLeft === undefined || pending.held) return;
    if (pending.pollsLeft === 0) this.applyDue(pending);
    else pending.pollsLeft -= 1;
  }

  private settleIfDue(): void {
    const pending = this.pending;
    if (pending?.atMs !== undefined && pending.pollsLeft === undefined && !pending.held && Date.now() >= pending.atMs) {
      this.applyDue(pending);
    }
  }

  /** A due outcome applies now, or, if beforeEnd wants to run first, when it says so. */
  private applyDue(pending: PendingSettlement): void {
    const { outcome } = pending;
    const beforeEnd = this.beforeEnd;
    if (!beforeEnd || outcome.status === 'interrupt') return this.settle(outcome, pending.outputNodes);
    this.beforeEnd = undefined;
    pending.held = true;
    beforeEnd(outcome, () => {
      // A resume (markRunning) may have replaced what was held.
      if (this.pending === pending) this.settle(outcome, pending.outputNodes);
    });
  }
}

/** `<execute_id>/<n>` → execute_id, or undefined if the text is not shaped like an event id. */
export function executeIdOfEvent(eventId: string): string | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(eventId);
  return match?.[1];
}
