import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knobs } from './knobs';
import type { CozeEmulator } from './types';
import { get, jsonOf, post } from './test-helpers';

// A callback receiver the callback tests control: it answers the statuses it is given, in the
// order the requests arrive, and can hold requests unanswered or run a check before answering.

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A request held open until the test releases it. */
export interface HeldRequest {
  /** Resolves when the request has arrived (and onRequest has run). */
  arrived: Promise<ReceivedCallback>;
  /** Answer it now. */
  release: () => void;
}

interface Gate {
  arrived: (callback: ReceivedCallback) => void;
  released: Promise<void>;
}

export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  /** Runs before each answer (e.g. reads the run history while the callback is open). */
  onRequest: ((callback: ReceivedCallback) => Promise<void> | void) | undefined;
  private readonly server: Server;
  /** Request number (1 = the first this receiver gets) → its gate. */
  private readonly gates = new Map<number, Gate>();

  private constructor(private readonly statuses: number[]) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const callback: ReceivedCallback = { headers: req.headers, body: text === '' ? undefined : JSON.parse(text) };
        this.received.push(callback);
        const status = this.statuses.shift() ?? 200;
        const gate = this.gates.get(this.received.length);
        const checked = Promise.resolve(this.onRequest?.(callback)).then(async () => {
          gate?.arrived(callback);
          await gate?.released;
        });
        void checked.then(() => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end('{}');
        });
      });
    });
  }

  /** Holds the n-th request (1 = the first this receiver gets) open until `release()`. */
  holdRequest(n: number): HeldRequest {
    let arrived!: (callback: ReceivedCallback) => void;
    let release!: () => void;
    const arrival = new Promise<ReceivedCallback>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.gates.set(n, { arrived, released });
    return { arrived: arrival, release };
  }

  /** Listens on 127.0.0.1 (a given port, or a free one). */
  static async start(statuses: number[] = [], port = 0): Promise<CallbackReceiver> {
    const receiver = new CallbackReceiver(statuses);
    await receiver.listen(port);
    return receiver;
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/webhook-waiting/1/coze-callback?node=abc'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** A loopback port nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const receiver = await CallbackReceiver.start();
  const port = receiver.port;
  await receiver.close();
  return port;
}

/** Start an async run; returns its execute_id. */
export async function startAsyncRun(
  emu: CozeEmulator,
  workflowId: string,
  parameters: Record<string, unknown>,
  knobs: Partial<Knobs> = {},
): Promise<string> {
  const body = jsonOf(await post(emu, '/v1/workflow/run', { workflow_id: workflowId, is_async: true, parameters }, { knobs }));
  if (body['code'] !== 0) throw new Error(`async run refused: ${JSON.stringify(body)}`);
  return String(body['execute_id']);
}

/** The run's item in its cloud run history, read through the emulator's HTTP API. */
export async function historyItem(emu: CozeEmulator, workflowId: string, executeId: string): Promise<Record<string, unknown>> {
  const body = jsonOf(await get(emu, `/v1/workflows/${workflowId}/run_histories/${executeId}`));
  const data = body['data'];
  if (!Array.isArray(data)) throw new Error(`history answered ${JSON.stringify(body)}`);
  return data[0] as Record<string, unknown>;
}

/** Its execute_status (Running, Success, Fail). */
export async function historyStatus(emu: CozeEmulator, workflowId: string, executeId: string): Promise<unknown> {
  return (await historyItem(emu, workflowId, executeId))['execute_status'];
}

/** The run's history status, read by the receiver before it answers each callback (in order). */
export function statusesSeenBy(emu: CozeEmulator, receiver: CallbackReceiver, workflowId: string): unknown[] {
  const seen: unknown[] = [];
  receiver.onRequest = async ({ body }) => {
    seen.push(await historyStatus(emu, workflowId, (body as { execute_id: string }).execute_id));
  };
  return seen;
}
