import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestContext } from './context';
import { ClientGoneError, streamWriterFor } from './sse';

// The chat streams recorded by the official SDKs and shown in Coze's documentation
// (test/data/coze-fixtures/chat/), each answered verbatim by an agent, a chat awaiting tool outputs
// or a chatflow of its own, whatever the request says. They go through the stream writer, so the
// write-boundary knobs (random splits, drips, a byte cut) apply to them as to scripted chats.

export const RECORDINGS_DIR = join(__dirname, '..', 'data', 'coze-fixtures', 'chat');

/** Where a recording is answered: `POST /v3/chat` (by bot_id), `/v3/chat/submit_tool_outputs` (by chat_id), `/v1/workflows/chat` (by workflow_id). */
export type RecordingEndpoint = 'chat' | 'submitToolOutputs' | 'workflowsChat';

export interface ChatRecording {
  /** The file's name without `.sse`. */
  name: string;
  endpoint: RecordingEndpoint;
  /** The bot, chat or workflow ID that answers with this recording. */
  id: string;
  /** The response body. */
  body(): Buffer;
}

const read = (name: string): Buffer => readFileSync(join(RECORDINGS_DIR, `${name}.sse`));

/**
 * The docs' `# …` lines stand where the blank line between two events is; a server sends that blank
 * line (kept as a bare `\n`, so the body is otherwise byte for byte the file).
 */
export function liveFormOfDocExample(body: Buffer): Buffer {
  return Buffer.from(body.toString('utf8').replace(/^#[^\n]*$/gm, ''), 'utf8');
}

/** The chatflow interrupt example with the Studio reference's tail (requires_action, then done) instead of its `done`. */
function interruptWithStudioTail(): Buffer {
  const head = read('doc-chatflow-interrupt').toString('utf8');
  const tail = read('doc-chatflow-interrupt-studio-tail').toString('utf8');
  return liveFormOfDocExample(Buffer.from(`${head.slice(0, head.lastIndexOf('event: done'))}${tail}`, 'utf8'));
}

const verbatim = (name: string) => () => read(name);
const live = (name: string) => () => liveFormOfDocExample(read(name));

function recording(name: string, endpoint: RecordingEndpoint, n: number, body: () => Buffer = verbatim(name)): ChatRecording {
  const prefix = { chat: '748100000000000', submitToolOutputs: '748200000000000', workflowsChat: '749100000000000' }[endpoint];
  return { name, endpoint, id: `${prefix}${String(n).padStart(4, '0')}`, body };
}

export const CHAT_RECORDINGS: readonly ChatRecording[] = [
  recording('py-chat-text-stream', 'chat', 1),
  recording('py-chat-audio-stream', 'chat', 2),
  recording('py-chat-failed', 'chat', 3),
  recording('py-chat-error', 'chat', 4),
  recording('py-chat-invalid', 'chat', 5),
  recording('go-stream-chat', 'chat', 6),
  recording('doc-agent-chat', 'chat', 7),
  recording('go-stream-submit-tool-outputs', 'submitToolOutputs', 1),
  recording('doc-submit-tool-outputs', 'submitToolOutputs', 2),
  recording('py-workflows-chat-stream', 'workflowsChat', 1),
  recording('doc-chatflow-success', 'workflowsChat', 2, live('doc-chatflow-success')),
  recording('doc-chatflow-interrupt', 'workflowsChat', 3, live('doc-chatflow-interrupt')),
  recording('doc-chatflow-interrupt-studio-tail', 'workflowsChat', 4, interruptWithStudioTail),
  recording('doc-chatflow-failed', 'workflowsChat', 5),
];

/** The recording answered at this endpoint for this ID, if any. */
export function recordingFor(endpoint: RecordingEndpoint, id: string | undefined): ChatRecording | undefined {
  return id === undefined ? undefined : CHAT_RECORDINGS.find((r) => r.endpoint === endpoint && r.id === id);
}

/** Each event with the blank line after it (the last one as the file ends), so that 'event' boundaries write one event at a time. */
function eventsOf(body: Buffer): Buffer[] {
  const units: Buffer[] = [];
  let from = 0;
  for (let at = body.indexOf('\n\n'); at !== -1; at = body.indexOf('\n\n', from)) {
    units.push(body.subarray(from, at + 2));
    from = at + 2;
  }
  if (from < body.length) units.push(body.subarray(from));
  return units;
}

/** Answer with the recording's bytes, as an SSE stream shaped by the request's write knobs. */
export async function replayRecording(ctx: RequestContext, recorded: ChatRecording): Promise<void> {
  const writer = streamWriterFor(ctx);
  try {
    for (const unit of eventsOf(recorded.body())) if ((await writer.write(unit)) === 'cut') return;
    await writer.end();
  } catch (error) {
    if (!(error instanceof ClientGoneError)) throw error;
  }
}
