import { EmulatorServer } from './server';
import type { CozeEmulator, EmulatorOptions } from './types';

// Entry point of the Coze emulator (see README.md).

export async function startEmulator(options: EmulatorOptions = {}): Promise<CozeEmulator> {
  return EmulatorServer.start(options);
}

export type { CozeEmulator, EmulatorOptions, RecordedRequest, SetKnobsOptions } from './types';
export type { NamedTokens, Permission } from './auth';
export type { Region, UploadedFile } from './context';
export type { ExecutionRecord, ExecuteStatus, RunMode } from './executions';
export type { JwtApp } from './jwt';
export type { CallbackMode, Flavor, Framing, Knobs, PayloadVariant, WriteBoundaries } from './knobs';
export type { CallbackAttempt, CallbackBody } from './callbacks';
export type {
  Dynamic,
  NodeRef,
  ParameterSchema,
  ParameterType,
  ResumeRule,
  ScriptContext,
  ScriptStep,
  Usage,
  WorkflowScenario,
  WorkflowVersion,
} from './scenario-model';
export { signJwt } from './jwt';
export { CALLBACK_WORKFLOWS } from './callback-scenarios';
export { CHAT_IDS } from './chat-catalogue';
export { CHAT_RECORDINGS } from './chat-recordings';
export type { ChatRecording, RecordingEndpoint } from './chat-recordings';
export { MAIN_OWNER_ID, SECOND_OWNER_ID } from './auth';
export { PERSONAL_WORKSPACE_ID, TEAM_WORKSPACE_ID, WORKSPACES } from './scenarios';
