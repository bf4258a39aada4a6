// Knobs: switches that make the emulator misbehave (or behave like a specific Coze variant) on
// the wire. They are resolved per request from, lowest precedence first: built-in defaults for the
// flavor, the emulator-wide `knobs` option, the scenario's own knobs, knobs queued with
// `setKnobs()`, and the request header `x-emulator-knobs` (JSON).
//
// Every duration ending in `Ms` is in *Coze time* and is multiplied by the emulator's timeScale,
// like scenario delays, except `dripIntervalMs` which paces bytes on the wire and is real time.

export type Flavor = 'cloud' | 'studio';
export type PayloadVariant = 'cloud' | 'doc';
export type Framing = 'space' | 'nospace';
export type WriteBoundaries = 'event' | 'random' | number[];

export interface Knobs {
  // ---- stream timing -------------------------------------------------------------------------
  /** Wait this long before the script starts; nothing is written meanwhile except PINGs (if
   *  pingIntervalMs is shorter). When it ends while the workflow is still busy, a PING is the first
   *  event, like the cloud's ~30 s first byte. */
  firstByteDelayMs: number;
  /** Write a PING whenever this long has passed since the last event while the script waits.
   *  0 = no PINGs. Never in the studio flavor. */
  pingIntervalMs: number;
  /** After `silenceAfterEvents` events, write nothing (not even PINGs) for `silenceMs`. */
  silenceAfterEvents: number;
  silenceMs: number;

  // ---- stream payloads -----------------------------------------------------------------------
  /** Follow an `Error` event with `Done` (cloud: true; studio: false). */
  doneAfterError: boolean;
  /** 'cloud': payloads as the real api.coze.cn sends them (extra fields, \u0026 escapes).
   *  'doc': as in the official documentation examples (fewer fields, Done `{}`). */
  payloadVariant: PayloadVariant;
  /** 'space' = `id: 0` (cloud, docs); 'nospace' = `id:0` (coze-go test fixture). */
  framing: Framing;
  /** 'json': a scenario failure on a stream endpoint is answered with a bare JSON envelope
   *  instead of an SSE Error event (appended to the SSE body if events were already written). */
  streamErrorAs: 'sse' | 'json';
  /** Write JSON error bodies (code != 0) without the trailing newline. */
  jsonErrorWithoutTrailingNewline: boolean;
  /** How stream_run answers an unknown/unpublished workflow: SSE Error 4200 (observed) or JSON. */
  unknownWorkflowAs: 'sse' | 'json';

  // ---- whole-response overrides (any endpoint; applied before authentication) ---------------
  /** Answer with this HTTP status. Body: `httpBody`, else a typical body for the status
   *  (401 JSON 4100, 429 JSON 4013 or `limitCode`, 502/503/504 HTML, others JSON). */
  httpStatus: number;
  httpBody: string;
  /** HTTP 200 with an empty body. */
  emptyBody: boolean;
  /** Destroy the socket before any response byte. */
  resetBeforeHeaders: boolean;
  /** Answer with a rate-limit/quota code (4008, 4009, 4013, 4020) as HTTP 200 JSON (or with
   *  `httpStatus` if set). */
  limitCode: number;

  // ---- stream faults -------------------------------------------------------------------------
  /** Destroy the socket after this many events (PINGs and injected events count). */
  cutAfterEvents: number;
  /** Destroy the socket after this many body bytes. */
  cutAfterBytes: number;
  /** Write the SSE body this many bytes at a time, `dripIntervalMs` (real ms) apart; 0 = on the
   *  next turn of the event loop. */
  dripBytes: number;
  dripIntervalMs: number;
  /** Where writes are split: per event (default), at seeded random offsets inside events, or at
   *  these absolute body offsets. Buffers are split, so a split can fall inside a UTF-8 character. */
  writeBoundaries: WriteBoundaries;
  /** Seed for writeBoundaries 'random'. */
  boundarySeed: number;
  /** Injected faults below go after this many events (default 1). */
  injectAfterEvents: number;
  /** Inject a line that is not `field: value` (true = a default text). */
  malformedLine: boolean | string;
  /** Inject a Message event whose data is not JSON (true = a default text). */
  invalidJsonData: boolean | string;
  /** Inject an event with an unknown name (true = `Progress`). */
  unknownEvent: boolean | string;
  /** The event at this position (true = 1) repeats the previous id; ids continue from there. */
  duplicateIds: boolean | number;
  /** The event at this position (true = 1) skips one id number. */
  missingIds: boolean | number;
  /** Inject one output-node Message whose content is exactly this many UTF-8 bytes. */
  bigEventBytes: number;
  /** Studio's mid-stream failure: `event: error` without an id line, a raw Go error string as
   *  data, then close (true = a default error text). */
  eventErrorLowercase: boolean | string;

  // ---- run behaviour -------------------------------------------------------------------------
  /** Run history reports is_output_trimmed: true (output-node data via execute_nodes). */
  trimOutput: boolean;
  /** Answer run/stream_run with code 720701013 (no execute_id field, no run started). */
  transientFailure: boolean;
  /** false: is_async runs answer 6003 (free plan). */
  asyncAllowed: boolean;
  /** A sync run takes this long instead of the scenario's own duration (over 90 s: the server
   *  drops the connection at 90 s, like the cloud). */
  syncLatencyMs: number;
  /** An async run stays Running this long instead of the scenario's own duration. */
  asyncDurationMs: number;
  /** An async run stays Running for this many run-history polls, then finishes. */
  asyncPollsUntilDone: number;
  /** An async run ends Fail with error_code "720712000" (true = a default message). */
  failAsync: boolean | string;
  /** Sync run responses also carry the legacy `token`/`cost` fields and `msg: "Success"`. */
  legacyRunFields: boolean;
  /** Uploads larger than this answer 4302. */
  maxUploadBytes: number;
  /** The upload is answered this long after its body has arrived; nothing is written meanwhile. */
  uploadLatencyMs: number;

  // ---- chat (agents and chatflows) -------------------------------------------------------------
  /** Code points per answer delta (default 4); 0 = the whole message in one delta. */
  chatDeltaChars: number;
  /** How long the `slow` agent stays in_progress (default 10 000). Cancelling ends the wait. */
  chatSlowMs: number;
  /** last_error code of the `fail` agent (default 5000). */
  chatFailCode: number;
  /** After `injectAfterEvents` events, an `error` event (true = code 5000, or this code), then the
   *  stream ends without `done` and the chat is failed. */
  chatErrorEvent: boolean | number;
  /** Tail of a chatflow question/input interrupt: 'B' (requires_action after the verbose
   *  messages; cloud default), 'A' (no requires_action), 'C' (Studio: no verbose messages). */
  chatflowInterrupt: 'A' | 'B' | 'C';

  // ---- callbacks: what a workflow's last HTTP node does (not a Coze API) ---------------------
  /** An async run's HTTP node POSTs `{"execute_id","execute_status"}` to the URL in its
   *  `callbackParameter` input, and the run stays Running until that delivery has finished, then
   *  `callbackToEndMs` more. 'end' when the run's outcome is due (its duration or last poll);
   *  'early' at once, before the start request is answered; 'twice' like 'end', plus a duplicate
   *  `callbackRepeatDelayMs` after the first delivery started; 'wrongExecuteId' like 'end', naming
   *  an execute_id that does not exist; 'never' not at all. Unset: no callback. */
  callback: CallbackMode;
  /** The run input holding the callback URL (default `callback_url`). */
  callbackParameter: string;
  /** Extra delay between the outcome being due and the callback (every mode but 'early'; default 0). */
  callbackDelayMs: number;
  /** 'twice': delay between the starts of the two deliveries (default 1000). */
  callbackRepeatDelayMs: number;
  /** Running time left after the (first) delivery has finished: the End node (default 300). */
  callbackToEndMs: number;
  /** Retries after a 409, a 5xx or a connection error (default 3; other answers are final). */
  callbackRetries: number;
  /** Delay before each retry (default 1000). */
  callbackRetryDelayMs: number;
}

export type CallbackMode = 'end' | 'early' | 'twice' | 'never' | 'wrongExecuteId';

export type ResolvedKnobs = Partial<Knobs> & DefaultedKnobs;

type DefaultedKeys =
  | 'doneAfterError'
  | 'payloadVariant'
  | 'framing'
  | 'streamErrorAs'
  | 'unknownWorkflowAs'
  | 'writeBoundaries'
  | 'boundarySeed'
  | 'injectAfterEvents'
  | 'asyncAllowed'
  | 'maxUploadBytes'
  | 'pingIntervalMs'
  | 'firstByteDelayMs';
type DefaultedKnobs = Pick<Knobs, DefaultedKeys>;

export function defaultKnobs(flavor: Flavor): DefaultedKnobs {
  return {
    doneAfterError: flavor === 'cloud',
    payloadVariant: 'cloud',
    framing: 'space',
    streamErrorAs: 'sse',
    unknownWorkflowAs: 'sse',
    writeBoundaries: 'event',
    boundarySeed: 1,
    injectAfterEvents: 1,
    asyncAllowed: true,
    maxUploadBytes: 512 * 1024 * 1024,
    pingIntervalMs: 0,
    firstByteDelayMs: 0,
  };
}

/** Later layers override earlier ones. */
export function mergeKnobs(base: DefaultedKnobs, ...layers: Array<Partial<Knobs> | undefined>): ResolvedKnobs {
  const merged: ResolvedKnobs = { ...base };
  for (const layer of layers) if (layer) Object.assign(merged, layer);
  return merged;
}

// ---- validation of knobs coming from JSON (header) or untyped callers ---------------------------

type KnobKind = 'number' | 'boolean' | 'booleanOrString' | 'booleanOrNumber' | 'string' | { oneOf: string[] } | 'boundaries';

const KNOB_KINDS: { [K in keyof Knobs]-?: KnobKind } = {
  firstByteDelayMs: 'number',
  pingIntervalMs: 'number',
  silenceAfterEvents: 'number',
  silenceMs: 'number',
  doneAfterError: 'boolean',
  payloadVariant: { oneOf: ['cloud', 'doc'] },
  framing: { oneOf: ['space', 'nospace'] },
  streamErrorAs: { oneOf: ['sse', 'json'] },
  jsonErrorWithoutTrailingNewline: 'boolean',
  unknownWorkflowAs: { oneOf: ['sse', 'json'] },
  httpStatus: 'number',
  httpBody: 'string',
  emptyBody: 'boolean',
  resetBeforeHeaders: 'boolean',
  limitCode: 'number',
  cutAfterEvents: 'number',
  cutAfterBytes: 'number',
  dripBytes: 'number',
  dripIntervalMs: 'number',
  writeBoundaries: 'boundaries',
  boundarySeed: 'number',
  injectAfterEvents: 'number',
  malformedLine: 'booleanOrString',
  invalidJsonData: 'booleanOrString',
  unknownEvent: 'booleanOrString',
  duplicateIds: 'booleanOrNumber',
  missingIds: 'booleanOrNumber',
  bigEventBytes: 'number',
  eventErrorLowercase: 'booleanOrString',
  trimOutput: 'boolean',
  transientFailure: 'boolean',
  asyncAllowed: 'boolean',
  syncLatencyMs: 'number',
  uploadLatencyMs: 'number',
  asyncDurationMs: 'number',
  asyncPollsUntilDone: 'number',
  failAsync: 'booleanOrString',
  legacyRunFields: 'boolean',
  maxUploadBytes: 'number',
  chatDeltaChars: 'number',
  chatSlowMs: 'number',
  chatFailCode: 'number',
  chatErrorEvent: 'booleanOrNumber',
  chatflowInterrupt: { oneOf: ['A', 'B', 'C'] },
  callback: { oneOf: ['end', 'early', 'twice', 'never', 'wrongExecuteId'] },
  callbackParameter: 'string',
  callbackDelayMs: 'number',
  callbackRepeatDelayMs: 'number',
  callbackToEndMs: 'number',
  callbackRetries: 'number',
  callbackRetryDelayMs: 'number',
};

function isKnobName(name: string): name is keyof Knobs {
  return Object.prototype.hasOwnProperty.call(KNOB_KINDS, name);
}

function fitsKind(value: unknown, kind: KnobKind): boolean {
  if (typeof kind === 'object') return typeof value === 'string' && kind.oneOf.includes(value);
  switch (kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'booleanOrString':
      return typeof value === 'boolean' || typeof value === 'string';
    case 'booleanOrNumber':
      return typeof value === 'boolean' || (typeof value === 'number' && Number.isInteger(value) && value >= 0);
    case 'boundaries':
      return (
        value === 'event' ||
        value === 'random' ||
        (Array.isArray(value) && value.every((n: unknown) => typeof n === 'number' && Number.isInteger(n) && n > 0))
      );
  }
}

/**
 * Check knobs from an untyped source. Unknown names and wrongly typed values are errors, so a
 * typo in a test fails loudly instead of silently testing nothing.
 */
export function parseKnobs(value: unknown): Partial<Knobs> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('knobs must be a JSON object');
  }
  const knobs: Record<string, unknown> = {};
  for (const [name, knob] of Object.entries(value)) {
    if (!isKnobName(name)) throw new Error(`unknown knob "${name}"`);
    if (knob === undefined) continue;
    if (!fitsKind(knob, KNOB_KINDS[name])) throw new Error(`knob "${name}" has an invalid value ${JSON.stringify(knob)}`);
    knobs[name] = knob;
  }
  // Every entry was checked against KNOB_KINDS, which mirrors the Knobs interface.
  return knobs as Partial<Knobs>;
}

// ---- queued knobs -------------------------------------------------------------------------------

export interface KnobTarget {
  /** Only requests about this workflow (body workflow_id, path or query). */
  workflowId?: string;
  /** Only requests to this path; a trailing `*` matches a prefix. */
  path?: string;
}

interface QueuedKnobs extends KnobTarget {
  knobs: Partial<Knobs>;
  /** undefined = until clearKnobs(). */
  remaining: number | undefined;
}

/** Knobs queued by tests with setKnobs(); each matching request consumes one use. */
export class KnobQueue {
  private entries: QueuedKnobs[] = [];

  push(knobs: Partial<Knobs>, opts: KnobTarget & { times?: number }): void {
    const entry: QueuedKnobs = { knobs: parseKnobs(knobs), remaining: opts.times };
    if (opts.workflowId !== undefined) entry.workflowId = opts.workflowId;
    if (opts.path !== undefined) entry.path = opts.path;
    if (entry.remaining !== undefined && entry.remaining <= 0) return;
    this.entries.push(entry);
  }

  clear(): void {
    this.entries = [];
  }

  /** Merge (oldest first) every entry matching the request, consuming one use of each. */
  take(request: { path: string; workflowId: string | undefined }): Partial<Knobs> {
    const merged: Partial<Knobs> = {};
    for (const entry of this.entries) {
      if (!matches(entry, request)) continue;
      Object.assign(merged, entry.knobs);
      if (entry.remaining !== undefined) entry.remaining -= 1;
    }
    this.entries = this.entries.filter((e) => e.remaining === undefined || e.remaining > 0);
    return merged;
  }
}

function matches(entry: KnobTarget, request: { path: string; workflowId: string | undefined }): boolean {
  if (entry.workflowId !== undefined && entry.workflowId !== request.workflowId) return false;
  if (entry.path !== undefined) {
    if (entry.path.endsWith('*')) return request.path.startsWith(entry.path.slice(0, -1));
    return request.path === entry.path;
  }
  return true;
}
