import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { TokenRegistry, type NamedTokens } from './auth';
import { CallbackSender, type CallbackAttempt } from './callbacks';
import type { EmulatorState, RequestContext, Route, UploadedFile } from './context';
import { isRecord } from './context';
import { ChatStore } from './chat-state';
import type { ExecuteStatus, ExecutionRecord } from './executions';
import { newId19, newLogid } from './ids';
import { createJwtApp, type JwtApp } from './jwt';
import { defaultKnobs, KnobQueue, mergeKnobs, parseKnobs, type Flavor, type Knobs, type ResolvedKnobs } from './knobs';
import { LIMIT_MESSAGES, MSG, unknownEndpointMessage } from './messages';
import { boundaryOf, parseMultipart } from './multipart';
import { countHistoryReads } from './history-endpoints';
import { readBody, Reply } from './reply';
import { compileRoutes, matchRoute, type CompiledRoute } from './router';
import { builtInScenarios } from './scenarios';
import type { WorkflowScenario } from './scenario-model';
import type { CozeEmulator, EmulatorOptions, RecordedRequest, SetKnobsOptions } from './types';

// The HTTP server: reads the request, resolves knobs, records it, applies whole-response faults,
// authenticates, and dispatches to the endpoint modules. Owns every socket and aborts every
// request's work on close().

const UPLOAD_PATH = '/v1/files/upload';
/** Workflow APIs accept 20 MB bodies; a little slack before refusing. */
const JSON_BODY_LIMIT = 25 * 1024 * 1024;
const UPLOAD_BODY_LIMIT = 1024 * 1024 * 1024;

const HTML_PAGES: Record<number, string> = {
  502: '502 Bad Gateway',
  503: '503 Service Temporarily Unavailable',
  504: '504 Gateway Time-out',
};

function gatewayHtml(title: string): string {
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.message === 'request aborted');
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = name === 'authorization' ? '<redacted>' : Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

export class EmulatorServer implements CozeEmulator {
  readonly requests: RecordedRequest[] = [];
  readonly executions = new Map<string, ExecutionRecord>();
  readonly files = new Map<string, UploadedFile>();
  readonly tokens: NamedTokens;
  readonly token: string;
  baseUrl = '';
  port = 0;

  private readonly tokenRegistry: TokenRegistry;
  private readonly chatStore = new ChatStore();
  private readonly scenarios = new Map<string, WorkflowScenario>();
  private readonly knobQueue = new KnobQueue();
  private readonly startedRuns: string[] = [];
  private readonly usedJtis = new Set<string>();
  private readonly sockets = new Set<Socket>();
  private readonly openByPath = new Map<string, number>();
  private readonly peakByPath = new Map<string, number>();
  private readonly closing = new AbortController();
  private readonly callbackSender: CallbackSender;
  private readonly server: Server;
  private readonly routes: CompiledRoute[];
  private readonly flavor: Flavor;
  private readonly timeScale: number;
  private readonly baseKnobs: Partial<Knobs>;
  private state: EmulatorState | undefined;

  private constructor(
    options: EmulatorOptions,
    readonly jwtApp: JwtApp,
  ) {
    this.flavor = options.flavor ?? 'cloud';
    this.timeScale = options.timeScale ?? 1;
    if (!(this.timeScale > 0)) throw new Error('timeScale must be > 0');
    this.callbackSender = new CallbackSender(this.timeScale);
    this.baseKnobs = parseKnobs(options.knobs ?? {});
    this.tokenRegistry = new TokenRegistry(options.token);
    this.tokens = this.tokenRegistry.named;
    this.token = this.tokens.valid;
    for (const scenario of [...builtInScenarios(), ...(options.scenarios ?? [])]) this.scenarios.set(scenario.id, scenario);
    this.routes = compileRoutes(this.flavor);
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: EmulatorOptions = {}): Promise<EmulatorServer> {
    const emulator = new EmulatorServer(options, await createJwtApp());
    await new Promise<void>((resolve, reject) => {
      emulator.server.once('error', reject);
      emulator.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const address = emulator.server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected server address');
    emulator.port = address.port;
    emulator.baseUrl = `http://127.0.0.1:${address.port}`;
    emulator.state = {
      flavor: emulator.flavor,
      region: options.region ?? 'cn',
      timeScale: emulator.timeScale,
      baseUrl: emulator.baseUrl,
      port: emulator.port,
      scenarios: emulator.scenarios,
      executions: emulator.executions,
      files: emulator.files,
      tokens: emulator.tokenRegistry,
      jwtApp: emulator.jwtApp,
      usedJtis: emulator.usedJtis,
      tokenTtlSeconds: options.tokenTtlSeconds ?? 900,
      startedRuns: emulator.startedRuns,
      userId: newId19('74'),
      chat: emulator.chatStore,
      callbacks: emulator.callbackSender,
      closing: emulator.closing.signal,
    };
    return emulator;
  }

  // ---- test API ----------------------------------------------------------------------------------

  setKnobs(knobs: Partial<Knobs>, opts: SetKnobsOptions = {}): void {
    this.knobQueue.push(knobs, opts);
  }

  clearKnobs(): void {
    this.knobQueue.clear();
  }

  addScenario(scenario: WorkflowScenario): void {
    this.scenarios.set(scenario.id, scenario);
  }

  peakOpenRequests(path: string): number {
    return this.peakByPath.get(path) ?? 0;
  }

  runsStarted(workflowId?: string): number {
    return workflowId === undefined ? this.startedRuns.length : this.startedRuns.filter((id) => id === workflowId).length;
  }

  chatsStarted(botId?: string): number {
    let count = 0;
    for (const chat of this.chatStore.chats.values()) if (chat.botId !== undefined && (botId === undefined || chat.botId === botId)) count += 1;
    return count;
  }

  callbacks(): CallbackAttempt[] {
    return this.callbackSender.list();
  }

  holdCallbacks(): () => void {
    return this.callbackSender.hold();
  }

  waitForCallbacks(count: number, timeoutMs = 30_000): Promise<CallbackAttempt[]> {
    return this.callbackSender.waitFor(count, timeoutMs);
  }

  waitForRunEnd(executeId: string, timeoutMs = 30_000): Promise<ExecuteStatus> {
    const record = this.executions.get(executeId);
    if (!record) return Promise.reject(new Error(`no execution ${executeId}`));
    return this.callbackSender.waitForEnd(record, timeoutMs);
  }

  callbacksPending(): number {
    return this.callbackSender.pending();
  }

  historyReads(executeId: string): number {
    return countHistoryReads(this.requests, executeId);
  }

  issuedTokens(): number {
    return this.tokenRegistry.issuedTotal;
  }

  expireTokens(): void {
    this.tokenRegistry.expireAll();
  }

  async close(): Promise<void> {
    this.closing.abort();
    this.callbackSender.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  // ---- request pipeline --------------------------------------------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', this.baseUrl).pathname;
    const open = (this.openByPath.get(path) ?? 0) + 1;
    this.openByPath.set(path, open);
    this.peakByPath.set(path, Math.max(this.peakByPath.get(path) ?? 0, open));
    res.on('close', () => this.openByPath.set(path, (this.openByPath.get(path) ?? 1) - 1));
    this.handle(req, res).catch((error: unknown) => {
      if (isAbort(error) || res.destroyed) return;
      console.error('[coze-emulator] handler failed:', error);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ code: 5000, msg: MSG.internalError }) + '\n');
      } else {
        res.destroy();
      }
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const state = this.state;
    if (!state) throw new Error('emulator not started');
    const logid = newLogid();
    res.setHeader('X-Tt-Logid', logid);
    const requestAbort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) requestAbort.abort();
    });
    const signal = AbortSignal.any([requestAbort.signal, this.closing.signal]);

    const url = new URL(req.url ?? '/', this.baseUrl);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams);
    const { body: rawBody, tooLarge } = await readBody(req, path === UPLOAD_PATH ? UPLOAD_BODY_LIMIT : JSON_BODY_LIMIT);
    const json = parseJsonBody(req, rawBody);
    const matched = matchRoute(this.routes, method, path);
    const params = matched?.params ?? {};

    const workflowId = params['wid'] ?? (isRecord(json) && typeof json['workflow_id'] === 'string' ? json['workflow_id'] : undefined) ?? query['workflow_id'];
    const writes: number[] = [];
    const writeTimes: number[] = [];
    this.requests.push({ method, path, query, headers: flattenHeaders(req), body: recordedBody(req, rawBody, json), time: Date.now(), logId: logid, writes, writeTimes });

    const earlyReply = new Reply(res, { flavor: this.flavor, logid, errorsWithoutTrailingNewline: false });
    let knobs: ResolvedKnobs;
    try {
      knobs = this.resolveKnobs(req, path, workflowId);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return earlyReply.error(4000, `Invalid x-emulator-knobs header: ${reason}`);
    }
    const reply = new Reply(res, { flavor: this.flavor, logid, errorsWithoutTrailingNewline: knobs.jsonErrorWithoutTrailingNewline === true });
    if (this.applyWholeResponseFaults(reply, knobs)) return;
    if (!matched) return reply.error(4000, unknownEndpointMessage(method, path));
    if (!this.authorize(req, reply, matched.route)) return;
    if (tooLarge && path !== UPLOAD_PATH) return reply.error(4000, MSG.paramError, { reason: 'the request body exceeds 20 MB' });

    const timeScale = this.timeScale;
    const ctx: RequestContext = {
      state,
      req,
      res,
      method,
      path,
      query,
      params,
      rawBody,
      json,
      bodyTooLarge: tooLarge,
      logid,
      knobs,
      writes,
      writeTimes,
      signal,
      reply,
      sleep: (cozeMs) => delay(Math.max(0, cozeMs * timeScale), undefined, { signal }),
      sleepReal: (ms) => delay(Math.max(0, ms), undefined, { signal }),
    };
    await matched.route.handler(ctx);
  }

  /** header > queued > scenario > emulator options > built-in defaults. */
  private resolveKnobs(req: IncomingMessage, path: string, workflowId: string | undefined): ResolvedKnobs {
    const header = req.headers['x-emulator-knobs'];
    const headerText = Array.isArray(header) ? header.join('') : header;
    const headerKnobs = headerText === undefined ? {} : parseKnobs(JSON.parse(headerText));
    const scenario = workflowId === undefined ? undefined : this.scenarios.get(workflowId);
    const queued = this.knobQueue.take({ path, workflowId });
    return mergeKnobs(defaultKnobs(this.flavor), this.baseKnobs, scenario?.knobs, queued, headerKnobs);
  }

  /** Gateway-level behaviour that replaces the whole answer (before authentication). */
  private applyWholeResponseFaults(reply: Reply, knobs: ResolvedKnobs): boolean {
    if (knobs.resetBeforeHeaders) {
      reply.reset();
      return true;
    }
    if (knobs.httpStatus !== undefined) {
      this.replyWithStatus(reply, knobs.httpStatus, knobs);
      return true;
    }
    if (knobs.emptyBody) {
      reply.empty();
      return true;
    }
    if (knobs.limitCode !== undefined) {
      reply.error(knobs.limitCode, LIMIT_MESSAGES[knobs.limitCode] ?? LIMIT_MESSAGES[4013] ?? '');
      return true;
    }
    return false;
  }

  private replyWithStatus(reply: Reply, status: number, knobs: ResolvedKnobs): void {
    if (knobs.httpBody !== undefined) {
      const looksHtml = knobs.httpBody.trimStart().startsWith('<');
      reply.text(status, looksHtml ? 'text/html' : 'application/json; charset=utf-8', knobs.httpBody);
      return;
    }
    const page = HTML_PAGES[status];
    if (page !== undefined && knobs.limitCode === undefined) {
      reply.text(status, 'text/html', gatewayHtml(page));
      return;
    }
    if (knobs.limitCode !== undefined) return reply.error(knobs.limitCode, LIMIT_MESSAGES[knobs.limitCode] ?? '', { status });
    if (status === 401) return reply.error(4100, MSG.authInvalid, { status });
    if (status === 429) return reply.error(4013, LIMIT_MESSAGES[4013] ?? '', { status });
    if (status >= 500) return reply.error(5000, MSG.internalError, { status });
    reply.error(status, STATUS_CODES[status] ?? 'error', { status });
  }

  /** Token check (401 4100 / 401 700012006) and permission check (200 4101). */
  private authorize(req: IncomingMessage, reply: Reply, route: Route): boolean {
    if (route.permission === 'none') return true;
    const check = this.tokenRegistry.check(req.headers.authorization);
    if (check.kind === 'invalid') {
      reply.error(4100, MSG.authInvalid, { status: 401 });
      return false;
    }
    if (check.kind === 'expired') {
      reply.error(700012006, MSG.accessTokenInvalid, { status: 401 });
      return false;
    }
    if (!check.permissions.has(route.permission)) {
      reply.error(4101, MSG.noPermission, { reason: `the token lacks the ${route.permission} permission` });
      return false;
    }
    return true;
  }
}

function parseJsonBody(req: IncomingMessage, body: Buffer): unknown {
  if (body.length === 0 || boundaryOf(req.headers['content-type']) !== undefined) return undefined;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value;
  } catch {
    return undefined;
  }
}

function recordedBody(req: IncomingMessage, body: Buffer, json: unknown): unknown {
  if (json !== undefined) return json;
  if (body.length === 0) return undefined;
  const boundary = boundaryOf(req.headers['content-type']);
  if (boundary !== undefined) {
    const parts = parseMultipart(body, boundary);
    return { parts: (parts ?? []).map((p) => ({ name: p.name, filename: p.filename, contentType: p.contentType, bytes: p.data.length })) };
  }
  return body.toString('utf8');
}
