import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Permission, TokenRegistry } from './auth';
import type { CallbackSender } from './callbacks';
import type { ChatStore } from './chat-state';
import type { ExecutionRecord } from './executions';
import type { JwtApp } from './jwt';
import type { Flavor, ResolvedKnobs } from './knobs';
import type { Reply } from './reply';
import type { WorkflowScenario } from './scenario-model';

// What endpoint handlers get: the emulator's state and one request, already authenticated, with
// its knobs resolved.

export type Region = 'cn' | 'com';

export interface UploadedFile {
  id: string;
  fileName: string;
  bytes: Buffer;
  contentType: string | undefined;
  /** Unix seconds. */
  createdAt: number;
}

export interface EmulatorState {
  readonly flavor: Flavor;
  readonly region: Region;
  readonly timeScale: number;
  readonly baseUrl: string;
  readonly port: number;
  readonly scenarios: Map<string, WorkflowScenario>;
  readonly executions: Map<string, ExecutionRecord>;
  readonly files: Map<string, UploadedFile>;
  readonly tokens: TokenRegistry;
  readonly jwtApp: JwtApp;
  readonly usedJtis: Set<string>;
  readonly tokenTtlSeconds: number;
  /** Workflow ids of the runs started, in order. */
  readonly startedRuns: string[];
  /** uid of the token owner (connector_uid when ext.user_id is absent). */
  readonly userId: string;
  /** Conversations, messages and chats. */
  readonly chat: ChatStore;
  /** Callbacks of async runs (timers and requests, cancelled by close()). */
  readonly callbacks: CallbackSender;
  /** Aborted by close(): stops chats that run in the background. */
  readonly closing: AbortSignal;
}

export interface RequestContext {
  readonly state: EmulatorState;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
  /** Parsed JSON body (undefined when there is none or it is not JSON). */
  readonly json: unknown;
  readonly bodyTooLarge: boolean;
  readonly logid: string;
  readonly knobs: ResolvedKnobs;
  /** Sizes of the body writes of a streamed answer, as they happen (recorded with the request). */
  readonly writes: number[];
  /** When each of those writes was handed to the socket (performance.now(), for latency figures). */
  readonly writeTimes: number[];
  /** Aborted when the client disconnects or the emulator closes. */
  readonly signal: AbortSignal;
  readonly reply: Reply;
  /** Abortable sleep in Coze-time ms (multiplied by timeScale). */
  sleep(cozeMs: number): Promise<void>;
  /** Abortable sleep in real ms. */
  sleepReal(ms: number): Promise<void>;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path with `:name` segments. */
  pattern: string;
  /** Permission needed; 'none' = no bearer token (OAuth token endpoint). */
  permission: Permission | 'none';
  flavors: readonly Flavor[];
  handler: Handler;
}

const DEBUG_HOSTS: Record<Region, string> = { cn: 'https://www.coze.cn', com: 'https://www.coze.com' };

/** debug_url of an execution: cloud `https://www.coze.cn/work_flow?…&execute_mode=2`; Studio: its own host. */
export function debugUrlFor(state: EmulatorState, ids: { executeId: string; spaceId: string; workflowId: string }): string {
  const host = state.flavor === 'studio' ? state.baseUrl : DEBUG_HOSTS[state.region];
  return `${host}/work_flow?execute_id=${ids.executeId}&space_id=${ids.spaceId}&workflow_id=${ids.workflowId}&execute_mode=2`;
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
