import { MAIN_OWNER_ID } from './auth';
import type { ParameterSchema, WorkflowScenario } from './scenario-model';

// The agents (bots) and chatflows of the emulator's chat surface. Their behaviour is in
// chat-scripts.ts; the chatflows are also workflow scenarios so the workflow list, info and
// schema endpoints show them (workflow_mode chatflow).

export type AgentKind = 'echo' | 'memory' | 'tools' | 'rich' | 'slow' | 'fail';
export type ChatflowKind = 'question' | 'input' | 'twoOutputs' | 'memory' | 'fail' | 'app';

export const CHAT_APP_ID = '7470000000000000001';

export const CHAT_IDS = {
  agents: {
    echo: '7480000000000000001',
    memory: '7480000000000000002',
    tools: '7480000000000000003',
    rich: '7480000000000000004',
    slow: '7480000000000000005',
    fail: '7480000000000000006',
    /** Never published to the API channel: chatting answers 4015. */
    unpublished: '7480000000000000007',
  },
  chatflows: {
    question: '7490000000000000001',
    input: '7490000000000000002',
    twoOutputs: '7490000000000000003',
    memory: '7490000000000000004',
    fail: '7490000000000000005',
    /** Belongs to the app CHAT_IDS.appId; conversations by CONVERSATION_NAME (default `Default`). */
    app: '7490000000000000006',
  },
  appId: CHAT_APP_ID,
} as const;

export interface AgentFixture {
  id: string;
  kind: AgentKind | undefined;
  name: string;
  description: string;
  workspaceId: string;
  published: boolean;
  /** Unix seconds. */
  updatedAt: number;
}

const AGENT_WORKSPACE = '7500000000000000001';
const AGENT_TIME = 1752100000;

function agent(kind: AgentKind, name: string, description: string, n: number): AgentFixture {
  return { id: CHAT_IDS.agents[kind], kind, name, description, workspaceId: AGENT_WORKSPACE, published: true, updatedAt: AGENT_TIME + n * 60 };
}

export const AGENTS: readonly AgentFixture[] = [
  agent('echo', 'Echo agent', 'Answers "You said: <query>".', 1),
  agent('memory', 'Memory agent', 'Counts turns and remembers what it is told.', 2),
  agent('tools', 'Weather tools agent', 'Calls the end plugin get_weather, then answers with its output.', 3),
  agent('rich', 'Rich agent', 'Knowledge, a plugin call, reasoning, two answers and follow-ups.', 4),
  agent('slow', 'Slow agent', 'Stays in progress for a while before answering.', 5),
  agent('fail', 'Failing agent', 'Every chat fails.', 6),
  {
    id: CHAT_IDS.agents.unpublished,
    kind: undefined,
    name: 'Draft agent',
    description: 'Not published to the API channel.',
    workspaceId: AGENT_WORKSPACE,
    published: false,
    updatedAt: AGENT_TIME + 7 * 60,
  },
];

export const AGENT_OWNER_ID = MAIN_OWNER_ID;

/** Named conversations the app defines (others answer 720702204). */
export const APP_CONVERSATION_NAMES: readonly string[] = ['Default', 'Support'];

const USER_INPUT: ParameterSchema = { type: 'string', required: false, default_value: '' };

interface ChatflowFixture {
  kind: ChatflowKind;
  name: string;
  description: string;
  extraInput?: Record<string, ParameterSchema>;
}

const CHATFLOW_FIXTURES: readonly ChatflowFixture[] = [
  {
    kind: 'question',
    name: 'Greeter (question node)',
    description: 'Asks "What is your name?", then answers "<greeting>, <answer>!".',
    extraInput: { greeting: { type: 'string', required: false, description: 'Word to greet with', default_value: 'Hello' } },
  },
  { kind: 'input', name: 'Name form (input node)', description: 'An input node asking for {"name"}; answers "Hello, <name>!".' },
  { kind: 'twoOutputs', name: 'Two outputs', description: 'Two Output nodes: two answer messages.' },
  { kind: 'memory', name: 'Memory chatflow', description: 'Counts turns and remembers what it is told.' },
  { kind: 'fail', name: 'Failing chatflow', description: 'A node fails: conversation.chat.failed.' },
  {
    kind: 'app',
    name: 'App assistant',
    description: 'A chatflow of an app; remembers per named conversation.',
    extraInput: { CONVERSATION_NAME: { type: 'string', required: false, description: 'Conversation to bind', default_value: 'Default' } },
  },
];

const KIND_BY_ID = new Map<string, ChatflowKind>(CHATFLOW_FIXTURES.map((f) => [CHAT_IDS.chatflows[f.kind], f.kind]));

export function chatflowKind(workflowId: string): ChatflowKind | undefined {
  return KIND_BY_ID.get(workflowId);
}

/** The chatflows as workflow scenarios (listing, info, schema; a plain run just echoes). */
export function chatflowScenarios(): WorkflowScenario[] {
  return CHATFLOW_FIXTURES.map((fixture, i) => {
    const scenario: WorkflowScenario = {
      id: CHAT_IDS.chatflows[fixture.kind],
      name: fixture.name,
      description: fixture.description,
      mode: 'chatflow',
      createdAt: AGENT_TIME + i * 60,
      input: { USER_INPUT, ...fixture.extraInput },
      output: { parameters: {}, terminatePlan: 'use_answer_content', content: '{{output}}' },
      script: [{ kind: 'end', mode: 'answer', chunks: (ctx) => [String(ctx.parameters['USER_INPUT'] ?? '')] }],
    };
    if (fixture.kind === 'app') scenario.appId = CHAT_APP_ID;
    return scenario;
  });
}
