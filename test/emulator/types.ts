import type { NamedTokens } from './auth';
import type { CallbackAttempt } from './callbacks';
import type { Region, UploadedFile } from './context';
import type { ExecuteStatus, ExecutionRecord } from './executions';
import type { JwtApp } from './jwt';
import type { Flavor, Knobs } from './knobs';
import type { WorkflowScenario } from './scenario-model';

// The public interface of the emulator (what the nodes' tests program against).

export interface EmulatorOptions {
  /** Default 0 (a random free port). */
  port?: number;
  /** Multiplies every scenario delay/duration, PING interval and `…Ms` knob; default 1. */
  timeScale?: number;
  /** 'cloud' (default) or 'studio' (self-hosted Coze Studio). */
  flavor?: Flavor;
  /** 'cn' (default) or 'com': debug_url host and the JWT `aud` accepted. */
  region?: Region;
  /** Emulator-wide knob defaults (lowest precedence after the built-in defaults). */
  knobs?: Partial<Knobs>;
  /** Added to the built-in catalogue, replacing built-ins with the same id. */
  scenarios?: WorkflowScenario[];
  /** Lifetime of JWT-exchange tokens; default 900 (capped by duration_seconds of the request). */
  tokenTtlSeconds?: number;
  /** Use this PAT as `token` instead of a random one (handy for a long-lived `npm run emulator`). */
  token?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-case names; the authorization value is replaced by '<redacted>'. */
  headers: Record<string, string>;
  /** Parsed JSON; for multipart a summary `{ parts: [{ name, filename, contentType, bytes }] }`;
   *  other bodies as UTF-8 text; undefined when empty. */
  body: unknown;
  /** Epoch ms of arrival. */
  time: number;
  /** The X-Tt-Logid of the answer. */
  logId: string;
  /** The size of each write of a streamed answer's body, in order (where the client could see it split). */
  writes: number[];
  /** When each of those writes was handed to the socket (performance.now() of this process). */
  writeTimes: number[];
}

export interface SetKnobsOptions {
  /** Number of matching requests that consume these knobs; default: until clearKnobs(). */
  times?: number;
  /** Only requests about this workflow. */
  workflowId?: string;
  /** Only requests to this path (a trailing `*` matches a prefix). */
  path?: string;
}

export interface CozeEmulator {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  port: number;
  /** A valid PAT with every permission (same as tokens.valid). */
  token: string;
  tokens: NamedTokens;
  jwtApp: JwtApp;
  setKnobs(knobs: Partial<Knobs>, opts?: SetKnobsOptions): void;
  clearKnobs(): void;
  addScenario(scenario: WorkflowScenario): void;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Runs actually started (sync, async, stream_run); not resumes, not rejected requests. */
  runsStarted(workflowId?: string): number;
  /** Agent chats started with /v3/chat (by agent id); not tool-output submissions, not rejected requests.
   *  Chatflow runs are counted by runsStarted(workflowId), resumes excluded. */
  chatsStarted(botId?: string): number;
  /** The most requests to `path` that were open (received, not yet answered in full) at the same time. */
  peakOpenRequests(path: string): number;
  /** execute_id → record. */
  executions: Map<string, ExecutionRecord>;
  /** file id → uploaded file (name, bytes, content type). */
  files: Map<string, UploadedFile>;
  /** Every callback attempt of async runs (knob `callback`), oldest first: the run's execute ID,
   *  URL, body, delivery and attempt numbers, HTTP status or error text, time. */
  callbacks(): CallbackAttempt[];
  /** Resolves once `count` callback attempts have been recorded (rejects after `timeoutMs`,
   *  default 30 000 real ms, or when the emulator closes). */
  waitForCallbacks(count: number, timeoutMs?: number): Promise<CallbackAttempt[]>;
  /** Holds every callback try until the returned function is called (not for 'early' runs). */
  holdCallbacks(): () => void;
  /** Resolves with 'Success' or 'Fail' once the run has ended (rejects after `timeoutMs`, default
   *  30 000 real ms, or when the emulator closes). A callback run ends by itself; another async run
   *  ends when its history is read after its duration. */
  waitForRunEnd(executeId: string, timeoutMs?: number): Promise<ExecuteStatus>;
  /** Callback timers and requests not finished yet, including the HTTP node and the end of a
   *  callback run still running (one that ends by history polls counts only from the poll that
   *  brings it to its HTTP node). */
  callbacksPending(): number;
  /** GET requests for this execution's run history (cloud run_histories path or Studio
   *  get_run_history), whatever they were answered. */
  historyReads(executeId: string): number;
  /** Successful JWT exchanges. */
  issuedTokens(): number;
  /** Make every JWT-issued token expired now. */
  expireTokens(): void;
  /** Close the server, destroy open sockets, stop every running script and timer. */
  close(): Promise<void>;
}
