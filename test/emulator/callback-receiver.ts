import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knobs } from './knobs';
import type { CozeEmulator } from './types';
import { jsonOf, post } from './test-helpers';

// A callback receiver the callback tests control: it answers the statuses it is given, in order,
// and can hold requests unanswered or run a check before answering.

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: unknown;
}

export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  /** Runs before each answer (e.g. reads the run history while the callback is open). */
  onRequest: ((callback: ReceivedCallback) => Promise<void> | void) | undefined;
  /** Do not answer at all (onRequest still runs; the request stays open until the sender gives up). */
  hold = false;
  private readonly server: Server;

  private constructor(private readonly statuses: number[]) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const callback: ReceivedCallback = { headers: req.headers, body: text === '' ? undefined : JSON.parse(text) };
        this.received.push(callback);
        const checked = Promise.resolve(this.onRequest?.(callback));
        if (this.hold) return;
        void checked.then(() => {
          res.writeHead(this.statuses.shift() ?? 200, { 'Content-Type': 'application/json' });
          res.end('{}');
        });
      });
    });
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
