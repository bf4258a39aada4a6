import { isRecord } from './context';
import type { Flavor } from './knobs';

// Validation of the bodies of the run endpoints, as Coze validates them. Failures carry a reason
// for the X-Emulator-Reason header; the answer itself is always code 4000.

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface RunRequest {
  workflowId: string;
  parameters: Record<string, unknown>;
  botId: string | undefined;
  appId: string | undefined;
  ext: Record<string, string>;
  isAsync: boolean;
  version: string | undefined;
  connectorId: string;
}

export interface ResumeRequest {
  workflowId: string;
  eventId: string;
  interruptType: number;
  resumeData: string;
}

function optionalString(body: Record<string, unknown>, name: string): Parsed<string | undefined> {
  const value = body[name];
  if (value === undefined || value === null) return { ok: true, value: undefined };
  return typeof value === 'string' ? { ok: true, value } : { ok: false, reason: `${name} must be a string` };
}

/** Validation of the run/stream_run body. Studio names workflow_version `version`. */
export function parseRunRequest(body: unknown, flavor: Flavor): Parsed<RunRequest> {
  if (!isRecord(body)) return { ok: false, reason: 'the body must be a JSON object' };
  const workflowId = body['workflow_id'];
  if (typeof workflowId !== 'string' || workflowId === '') return { ok: false, reason: 'workflow_id is required and must be a string' };

  const strings: Record<string, string | undefined> = {};
  const versionField = flavor === 'studio' ? 'version' : 'workflow_version';
  for (const name of ['bot_id', 'app_id', versionField, 'connector_id']) {
    const parsed = optionalString(body, name);
    if (!parsed.ok) return parsed;
    strings[name] = parsed.value;
  }
  if (strings['bot_id'] && strings['app_id']) return { ok: false, reason: 'bot_id and app_id cannot both be set' };

  const entries: Array<[string, string]> = [];
  const rawExt = body['ext'];
  if (rawExt !== undefined && rawExt !== null) {
    if (!isRecord(rawExt)) return { ok: false, reason: 'ext must be an object of strings' };
    for (const [key, value] of Object.entries(rawExt)) {
      if (typeof value !== 'string') return { ok: false, reason: `ext.${key} must be a string` };
      entries.push([key, value]);
    }
  }
  // fromEntries defines each key, so that a key named __proto__ stays a key.
  const ext: Record<string, string> = Object.fromEntries(entries);

  let parameters: Record<string, unknown> = {};
  const rawParameters = body['parameters'];
  if (typeof rawParameters === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawParameters);
    } catch {
      return { ok: false, reason: 'parameters is a string but not JSON' };
    }
    if (!isRecord(parsed)) return { ok: false, reason: 'parameters must be a JSON object (or a string of one)' };
    parameters = parsed;
  } else if (isRecord(rawParameters)) {
    parameters = rawParameters;
  } else if (rawParameters !== undefined && rawParameters !== null) {
    return { ok: false, reason: 'parameters must be a JSON object (or a string of one)' };
  }

  const isAsync = body['is_async'];
  if (isAsync !== undefined && isAsync !== null && typeof isAsync !== 'boolean') return { ok: false, reason: 'is_async must be a boolean' };

  return {
    ok: true,
    value: {
      workflowId,
      parameters,
      botId: strings['bot_id'],
      appId: strings['app_id'],
      ext,
      isAsync: isAsync === true,
      version: strings[versionField],
      connectorId: strings['connector_id'] || '1024',
    },
  };
}

/** Validation of the stream_resume / workflows/resume body. */
export function parseResumeRequest(body: unknown): Parsed<ResumeRequest> {
  if (!isRecord(body)) return { ok: false, reason: 'the body must be a JSON object' };
  const { workflow_id: workflowId, event_id: eventId, interrupt_type: interruptType, resume_data: resumeData } = body;
  if (typeof workflowId !== 'string' || workflowId === '') return { ok: false, reason: 'workflow_id is required and must be a string' };
  if (eventId === undefined && body['id'] !== undefined) return { ok: false, reason: 'event_id is required (the legacy field "id" is not accepted)' };
  if (typeof eventId !== 'string' || eventId === '') return { ok: false, reason: 'event_id is required and must be a string' };
  if (typeof interruptType !== 'number' || !Number.isInteger(interruptType)) return { ok: false, reason: 'interrupt_type is required and must be an integer' };
  if (typeof resumeData !== 'string') return { ok: false, reason: 'resume_data is required and must be a string' };
  return { ok: true, value: { workflowId, eventId, interruptType, resumeData } };
}
