import type { Knobs } from './knobs';

// The shape of a workflow in the emulator. A scenario is data: metadata for the discovery
// endpoints plus a script of stream steps. Sync runs, async runs, run histories and resumes are
// all derived from the same script (see plan.ts), so every run mode sees the same workflow.

export type ParameterType =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'time'
  | 'object'
  | 'array'
  | 'file'
  | 'image'
  | 'doc'
  | 'audio'
  | 'video'
  | 'voice'
  | 'ppt'
  | 'excel'
  | 'txt'
  | 'code'
  | 'zip'
  | 'svg'
  | 'default';

/** `OpenAPIParameter` of the workflow info endpoint (recursive). */
export interface ParameterSchema {
  type: ParameterType;
  required?: boolean;
  description?: string;
  default_value?: string;
  items?: ParameterSchema;
  properties?: Record<string, ParameterSchema>;
}

export interface Usage {
  input_count: number;
  output_count: number;
  token_count: number;
}

export interface NodeRef {
  id: string;
  /** node_type on the wire, e.g. "End", "Message", "Question". */
  type: string;
  title: string;
}

/** What a script can look at while producing its events. */
export interface ScriptContext {
  workflowId: string;
  executeId: string;
  spaceId: string;
  /** The run's `parameters`, parsed to an object. */
  parameters: Record<string, unknown>;
  /** workflow_version of the run, or the latest version for versioned workflows. */
  version: string | undefined;
  /** The latest resume_data (undefined before any resume). */
  resumeData: string | undefined;
  /** Every resume_data received by this execution, oldest first. */
  answers: string[];
}

/** A value, or a function computing it from the run. */
export type Dynamic<T> = T | ((ctx: ScriptContext) => T);

/** Let Coze time pass (scaled by timeScale). PINGs may be written meanwhile. */
export interface WaitStep {
  kind: 'wait';
  ms: number;
}

/** An Output (message) node streaming chunks. Its full text is kept for run histories. */
export interface MessageStep {
  kind: 'message';
  node: NodeRef;
  chunks: Dynamic<string[]>;
  /** Coze time between chunks. */
  chunkDelayMs?: number;
}

/** End node in "return variables" mode: one Message whose content is the variables as JSON. */
export interface EndVariablesStep {
  kind: 'end';
  mode: 'variables';
  output: Dynamic<Record<string, unknown>>;
  usage?: Usage;
  node?: NodeRef;
}

/** End node in "return text" (use_answer_content) mode, streaming its answer in chunks. */
export interface EndAnswerStep {
  kind: 'end';
  mode: 'answer';
  chunks: Dynamic<string[]>;
  chunkDelayMs?: number;
  usage?: Usage;
  node?: NodeRef;
}

/** The run fails: an Error event (then Done on the cloud). */
export interface FailStep {
  kind: 'fail';
  errorCode: number;
  errorMessage: Dynamic<string>;
}

/** How a resume of an interrupt is answered. */
export interface ResumeRule {
  /** Is the resume_data a satisfactory answer? Default: any answer is. */
  accept?: (resumeData: string, ctx: ScriptContext) => boolean;
  /** Unsatisfactory answers allowed before the run fails (default 3, like the cloud). */
  maxAttempts?: number;
  /** Question text for a re-interrupt (default: the original question). */
  retryQuestion?: Dynamic<string>;
  /** The failure after maxAttempts unsatisfactory answers. */
  exhausted?: { errorCode: number; errorMessage: string };
  /** What the workflow does after a satisfactory answer. */
  then: ScriptStep[];
}

/** A question node (type 2) or input node (type 5) waiting for the user. Ends the response. */
export interface InterruptStep {
  kind: 'interrupt';
  node: NodeRef;
  interruptType: number;
  /** Question text, sent as a Message from the node before the Interrupt event. */
  question?: Dynamic<string>;
  /** interrupt_data.data (a JSON string for input nodes, "" for questions). */
  data?: string;
  /** interrupt_data.required_parameters (input nodes). */
  requiredParameters?: Record<string, ParameterSchema>;
  /** The number after the `/` of the first event_id (default: random 19 digits). */
  eventId?: string;
  resume: ResumeRule;
}

/** An event written verbatim: `data` is serialised with its own key order. */
export interface RawStep {
  kind: 'raw';
  event: string;
  data: Dynamic<unknown>;
  /** This Message's `content` is the workflow output (the End node). */
  endOutput?: boolean;
  usage?: Usage;
}

/** End the stream with a Done carrying exactly this data (default Done payloads otherwise). */
export interface DoneStep {
  kind: 'done';
  data: Dynamic<unknown>;
}

export type ScriptStep =
  | WaitStep
  | MessageStep
  | EndVariablesStep
  | EndAnswerStep
  | FailStep
  | InterruptStep
  | RawStep
  | DoneStep;

export type PublishStatus = 'published_online' | 'unpublished_draft';

export interface WorkflowVersion {
  version: string;
  description?: string;
  /** Unix seconds. */
  createdAt: number;
}

export interface WorkflowScenario {
  /** 19-digit workflow id. */
  id: string;
  name: string;
  description?: string;
  /** Default: the personal workspace. */
  workspaceId?: string;
  mode?: 'workflow' | 'chatflow';
  /** The low-code app the workflow belongs to; undefined = the workspace's resource library. */
  appId?: string;
  /** Default published_online. Unpublished workflows are listed but answer 4200 when run. */
  publishStatus?: PublishStatus;
  iconUrl?: string;
  /** Unix seconds. */
  createdAt?: number;
  updatedAt?: number;
  creator?: { id: string; name: string };
  input?: Record<string, ParameterSchema>;
  output?: {
    parameters: Record<string, ParameterSchema>;
    terminatePlan: 'return_variables' | 'use_answer_content';
    content?: string;
  };
  /** Resource-library versions, oldest first. Runs may pick one with workflow_version. */
  versions?: WorkflowVersion[];
  /** Knobs that apply to every request about this workflow (below queued and header knobs). */
  knobs?: Partial<Knobs>;
  /** Always use this execute_id (fixture reproducers); a new run replaces the previous record. */
  executeId?: string;
  script: ScriptStep[];
}
