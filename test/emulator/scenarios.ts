import { callbackScenarios } from './callback-scenarios';
import { chatflowScenarios } from './chat-catalogue';
import { END_NODE } from './plan';
import type { NodeRef, ParameterSchema, ScriptContext, ScriptStep, WorkflowScenario } from './scenario-model';

export type {
  Dynamic,
  EndAnswerStep,
  EndVariablesStep,
  FailStep,
  InterruptStep,
  MessageStep,
  NodeRef,
  ParameterSchema,
  ParameterType,
  RawStep,
  ResumeRule,
  ScriptContext,
  ScriptStep,
  Usage,
  WaitStep,
  WorkflowScenario,
  WorkflowVersion,
} from './scenario-model';

// The built-in catalogue: two workspaces and the workflows in them. Durations are Coze time
// (scaled by timeScale). The first four reproduce the stored wire fixtures byte for byte; the
// others behave like real api.coze.cn workflows.

export interface Workspace {
  id: string;
  name: string;
  icon_url: string;
  role_type: 'owner' | 'admin' | 'member';
  enterprise_id: string;
  workspace_type: 'personal' | 'team';
}

export const PERSONAL_WORKSPACE_ID = '7500000000000000001';
export const TEAM_WORKSPACE_ID = '7500000000000000002';

export const WORKSPACES: readonly Workspace[] = [
  {
    id: PERSONAL_WORKSPACE_ID,
    name: 'Personal',
    icon_url: 'https://www.coze.cn/static/emulator/personal.png',
    role_type: 'owner',
    enterprise_id: '',
    workspace_type: 'personal',
  },
  {
    id: TEAM_WORKSPACE_ID,
    name: 'Team Alpha',
    icon_url: 'https://www.coze.cn/static/emulator/team.png',
    role_type: 'member',
    enterprise_id: 'volcano_2105850001',
    workspace_type: 'team',
  },
];

export const EMULATOR_USER = { id: '7500000000000000777', name: 'Emulator User' };

const OUTPUT_NODE: NodeRef = { id: '135279', type: 'Message', title: 'Message' };
const QUESTION_NODE: NodeRef = { id: '148293', type: 'Question', title: '问答' };
const INPUT_NODE: NodeRef = { id: '167390', type: 'Input', title: '输入' };

const DATE_PATTERN = /\d{4}-\d{2}-\d{2}/;
const CREATED_AT = 1752060786;

function text(ctx: ScriptContext, name: string, fallback: string): string {
  // Own properties only: an input may be named like a property of every object (constructor, toString).
  const value = Object.hasOwn(ctx.parameters, name) ? ctx.parameters[name] : undefined;
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : fallback;
}

// ---- fixture reproducers (payloads in the documentation style) ---------------------------------

/** Reproduces doc-stream-success.sse. */
const jokeDocExample: WorkflowScenario = {
  id: '7400000000000000001',
  name: 'Joke (doc example)',
  description: 'Reproduces the documentation stream example: five Message chunks, End variables, Done {}.',
  knobs: { payloadVariant: 'doc' },
  output: { parameters: { output: { type: 'string' } }, terminatePlan: 'return_variables' },
  script: [
    { kind: 'raw', event: 'Message', data: { content: 'msg', node_is_finish: false, node_seq_id: '0', node_title: 'Message' } },
    { kind: 'wait', ms: 200 },
    { kind: 'raw', event: 'Message', data: { content: '为', node_is_finish: false, node_seq_id: '1', node_title: 'Message' } },
    { kind: 'wait', ms: 200 },
    {
      kind: 'raw',
      event: 'Message',
      data: { content: '什么小明要带一把尺子去看电影？\n因', node_is_finish: false, node_seq_id: '2', node_title: 'Message' },
    },
    { kind: 'wait', ms: 200 },
    { kind: 'raw', event: 'Message', data: { content: '为他听说电影很长，怕', node_is_finish: false, node_seq_id: '3', node_title: 'Message' } },
    { kind: 'wait', ms: 200 },
    { kind: 'raw', event: 'Message', data: { content: '坐不下！', node_is_finish: true, node_seq_id: '4', node_title: 'Message' } },
    { kind: 'wait', ms: 200 },
    {
      kind: 'raw',
      event: 'Message',
      endOutput: true,
      data: {
        content: JSON.stringify({ output: '为什么小明要带一把尺子去看电影？\n因为他听说电影很长，怕坐不下！' }),
        cost: '0.00',
        node_is_finish: true,
        node_seq_id: '0',
        node_title: '',
        token: 0,
      },
    },
  ],
};

/** Reproduces doc-stream-error.sse: a lone Error, no Done. */
const parameterErrorDocExample: WorkflowScenario = {
  id: '7400000000000000002',
  name: 'Parameter error (doc example)',
  description: 'Reproduces the documentation error example: a lone Error event with code 4000.',
  knobs: { payloadVariant: 'doc', doneAfterError: false },
  script: [{ kind: 'fail', errorCode: 4000, errorMessage: 'Request parameter error' }],
};

const WEATHER_OUTPUT = {
  output: [
    {
      condition: '中到大雨',
      humidity: 72,
      predict_date: '2024-08-20',
      temp_high: 35,
      temp_low: 26,
      weather_day: '中到大雨',
      wind_dir_day: '西风',
      wind_dir_night: '西风',
      wind_level_day: '3',
      wind_level_night: '3',
    },
  ],
};

/** Reproduces doc-stream-interrupt.sse, and doc-resume-success.sse on stream_resume. */
const weatherQuestionDocExample: WorkflowScenario = {
  id: '7400000000000000003',
  name: 'Weather question (doc example)',
  description: 'Reproduces the documentation interrupt example (question node) and its resume.',
  knobs: { payloadVariant: 'doc' },
  executeId: '7404830425073352713',
  output: { parameters: { output: { type: 'array', items: { type: 'object' } } }, terminatePlan: 'return_variables' },
  script: [
    { kind: 'wait', ms: 500 },
    {
      kind: 'interrupt',
      node: QUESTION_NODE,
      interruptType: 2,
      question: '请问你想查看哪个城市、哪一天的天气呢',
      eventId: '2769808280134765896',
      resume: {
        then: [
          { kind: 'wait', ms: 1000 },
          { kind: 'end', mode: 'variables', output: WEATHER_OUTPUT, usage: { input_count: 236, output_count: 150, token_count: 386 } },
        ],
      },
    },
  ],
};

/** Reproduces sdk-stream-nospace.sse (coze-go test data). */
const sdkFixtureNoSpace: WorkflowScenario = {
  id: '7400000000000000004',
  name: 'SDK fixture (no space)',
  description: 'Reproduces the coze-go stream fixture: no space after colons, PING {}, an unknown event.',
  knobs: { payloadVariant: 'doc', framing: 'nospace' },
  script: [
    { kind: 'raw', event: 'Message', data: { content: 'Hello', node_title: 'Start', node_seq_id: '0', node_is_finish: false } },
    { kind: 'raw', event: 'Message', endOutput: true, data: { content: 'World', node_title: 'End', node_seq_id: '1', node_is_finish: true } },
    { kind: 'raw', event: 'PING', data: {} },
    { kind: 'raw', event: 'invalid', data: {} },
    { kind: 'done', data: { debug_url: 'https://www.coze.cn/work_flow?***' } },
  ],
};

// ---- cloud-style scenarios ----------------------------------------------------------------------

function storyChunks(ctx: ScriptContext): string[] {
  const topic = text(ctx, 'topic', '月亮');
  const requested = Number(ctx.parameters['length'] ?? 3);
  const sentences = Number.isFinite(requested) ? Math.min(Math.max(Math.trunc(requested), 1), 12) : 3;
  const pool = [
    `从前，有一位研究${topic}的旅人。`,
    `Every morning she wrote one line about ${topic}; `,
    `直到有一天，${topic}回应了她：“你好 & 再见”。`,
    `She laughed, packed her notes <${topic}> and left. `,
  ];
  const body = Array.from({ length: sentences }, (_unused, i) => pool[i % pool.length] ?? '');
  return [`《${topic}的故事》\n`, ...body, `\n全文完 — the end of "${topic}".`];
}

const storyWriter: WorkflowScenario = {
  id: '7400000000000000010',
  name: 'Story writer',
  description: 'Writes a short story about a topic: PINGs while thinking, an Output node streaming the story, End variables.',
  knobs: { firstByteDelayMs: 30_000, pingIntervalMs: 35_000 },
  input: {
    topic: { type: 'string', required: true, description: 'What the story is about' },
    length: { type: 'integer', required: false, description: 'Number of sentences', default_value: '3' },
  },
  output: { parameters: { output: { type: 'string' }, topic: { type: 'string' } }, terminatePlan: 'return_variables' },
  script: [
    { kind: 'wait', ms: 45_000 },
    { kind: 'message', node: OUTPUT_NODE, chunks: storyChunks, chunkDelayMs: 400 },
    { kind: 'wait', ms: 500 },
    { kind: 'end', mode: 'variables', output: (ctx) => ({ output: storyChunks(ctx).join(''), topic: text(ctx, 'topic', '月亮') }) },
  ],
};

const answerText: WorkflowScenario = {
  id: '7400000000000000011',
  name: 'Answer text',
  description: 'End node in answer-text mode, streaming its answer in chunks.',
  input: { question: { type: 'string', required: true, description: 'The question to answer' } },
  output: { parameters: { answer: { type: 'string' } }, terminatePlan: 'use_answer_content', content: '{{answer}}' },
  script: [
    { kind: 'wait', ms: 2000 },
    {
      kind: 'end',
      mode: 'answer',
      chunkDelayMs: 300,
      chunks: (ctx) => [`关于“${text(ctx, 'question', '天气')}”：`, '工作流的回答', '会分成几块发送，', 'split into chunks, ', '最后一块带 node_is_finish。'],
    },
  ],
};

const variablesOnly: WorkflowScenario = {
  id: '7400000000000000012',
  name: 'Variables only',
  description: 'End node returning variables: the whole output arrives as one Message (coze-studio #826).',
  input: { name: { type: 'string', required: false, default_value: 'Coze' } },
  output: { parameters: { output: { type: 'string' }, length: { type: 'integer' } }, terminatePlan: 'return_variables' },
  script: [
    { kind: 'wait', ms: 1500 },
    {
      kind: 'end',
      mode: 'variables',
      output: (ctx) => {
        const greeting = `你好，${text(ctx, 'name', 'Coze')}! Hello, ${text(ctx, 'name', 'Coze')}!`;
        return { output: greeting, length: greeting.length };
      },
    },
  ],
};

const failingNode: WorkflowScenario = {
  id: '7400000000000000013',
  name: 'Failing node',
  description: 'An Output node starts, then a node fails: Error (code 5000 wrapping 720712000), then Done.',
  input: { query: { type: 'string', required: true } },
  output: { parameters: { output: { type: 'string' } }, terminatePlan: 'return_variables' },
  script: [
    { kind: 'wait', ms: 1000 },
    { kind: 'message', node: OUTPUT_NODE, chunks: ['正在检查输入……', ' checking the input'], chunkDelayMs: 200 },
    { kind: 'wait', ms: 500 },
    {
      kind: 'fail',
      errorCode: 5000,
      errorMessage: "[720712000] The input 'Query' is incorrect. Please check the node input and try again. 节点输入参数 Query 不正确。",
    },
  ],
};

const tripPlanner: WorkflowScenario = {
  id: '7400000000000000014',
  name: 'Trip planner (question)',
  description: 'A question node asks for a departure date; answers without a YYYY-MM-DD date are asked again (3 attempts).',
  input: { destination: { type: 'string', required: false, default_value: '杭州' } },
  output: { parameters: { output: { type: 'string' }, date: { type: 'string' } }, terminatePlan: 'return_variables' },
  script: [
    { kind: 'wait', ms: 1000 },
    {
      kind: 'interrupt',
      node: QUESTION_NODE,
      interruptType: 2,
      question: (ctx) => `想去${text(ctx, 'destination', '杭州')}的话，请问你哪天出发？请告诉我日期，例如 2024-08-20。`,
      resume: {
        accept: (answer) => DATE_PATTERN.test(answer),
        retryQuestion: '没有识别到日期。请按 YYYY-MM-DD 的格式告诉我出发日期。',
        maxAttempts: 3,
        exhausted: {
          errorCode: 5000,
          errorMessage: '[720712049] The question node "问答" did not get a valid answer after 3 attempts. 问答节点超过最大重试次数。',
        },
        then: [
          { kind: 'wait', ms: 2000 },
          {
            kind: 'end',
            mode: 'variables',
            output: (ctx) => {
              const date = DATE_PATTERN.exec(ctx.resumeData ?? '')?.[0] ?? '';
              return { output: `已为你规划 ${date} 出发去${text(ctx, 'destination', '杭州')}的行程。`, date, answer: ctx.resumeData ?? '' };
            },
          },
        ],
      },
    },
  ],
};

/** The image an input-node answer names: `{"img": ...}` or a bare `{"file_id": ...}`. */
function imageOf(resumeData: string | undefined): unknown {
  try {
    const parsed: unknown = JSON.parse(resumeData ?? '');
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    if ('img' in parsed && parsed.img !== '' && parsed.img !== null) return parsed.img;
    if ('file_id' in parsed) return parsed;
    return undefined;
  } catch {
    return undefined;
  }
}

const imageChecker: WorkflowScenario = {
  id: '7400000000000000015',
  name: 'Image checker (input node)',
  description: 'An input node (interrupt type 5) asks for an image; sync runs return interrupt_data.',
  input: { purpose: { type: 'string', required: false, default_value: 'count objects' } },
  output: { parameters: { output: { type: 'string' }, img: { type: 'image' } }, terminatePlan: 'return_variables' },
  script: [
    { kind: 'wait', ms: 800 },
    {
      kind: 'interrupt',
      node: INPUT_NODE,
      interruptType: 5,
      data: JSON.stringify({
        content_type: 'text',
        content: JSON.stringify([{ type: 'string', name: 'img', required: true, assistType: 2 }]),
      }),
      requiredParameters: { img: { required: true, type: 'image' } },
      resume: {
        accept: (answer) => imageOf(answer) !== undefined,
        then: [
          { kind: 'wait', ms: 1500 },
          { kind: 'end', mode: 'variables', output: (ctx) => ({ output: '图片检查完成：发现 3 个物体。', img: imageOf(ctx.resumeData) }) },
        ],
      },
    },
  ],
};

const longReport: WorkflowScenario = {
  id: '7400000000000000016',
  name: 'Long report',
  description: 'Takes 20 s (Coze time); meant for async runs and polling.',
  input: { subject: { type: 'string', required: false, default_value: 'Q3' } },
  output: { parameters: { output: { type: 'string' }, sections: { type: 'integer' } }, terminatePlan: 'return_variables' },
  script: [
    { kind: 'wait', ms: 5000 },
    { kind: 'wait', ms: 5000 },
    { kind: 'wait', ms: 5000 },
    { kind: 'wait', ms: 5000 },
    {
      kind: 'end',
      mode: 'variables',
      output: (ctx) => ({ output: `Report on ${text(ctx, 'subject', 'Q3')}: 收入增长 12%，成本下降 3%。`, sections: 4 }),
    },
  ],
};

let bigTextCache: string | undefined;
/** ~300 KB of mixed CJK/ASCII text, deterministic. */
function bigText(): string {
  bigTextCache ??= Array.from(
    { length: 1500 },
    (_unused, i) => `第${i + 1}段：大型输出节点的内容，line ${i + 1} of the big output — ${'数据'.repeat(40)}\n`,
  ).join('');
  return bigTextCache;
}

function bigChunks(): string[] {
  const all = bigText();
  const size = Math.ceil(all.length / 8);
  return Array.from({ length: 8 }, (_unused, i) => all.slice(i * size, (i + 1) * size));
}

const bigOutput: WorkflowScenario = {
  id: '7400000000000000017',
  name: 'Big output',
  description: 'An Output node with ~300 KB of text; the run history is trimmed and points to execute_nodes.',
  knobs: { trimOutput: true },
  output: { parameters: { output: { type: 'string' }, characters: { type: 'integer' } }, terminatePlan: 'return_variables' },
  script: [
    { kind: 'wait', ms: 1000 },
    { kind: 'message', node: OUTPUT_NODE, chunks: bigChunks, chunkDelayMs: 100 },
    { kind: 'end', mode: 'variables', output: () => ({ output: 'Big output finished', characters: bigText().length }) },
  ],
};

const draftWorkflow: WorkflowScenario = {
  id: '7400000000000000018',
  name: 'Draft workflow',
  description: 'Never published: listed as unpublished_draft; running it answers 4200.',
  publishStatus: 'unpublished_draft',
  script: [{ kind: 'end', mode: 'variables', output: { output: 'draft' } }],
};

const supportChat: WorkflowScenario = {
  id: '7400000000000000019',
  name: 'Support chat',
  description: 'A chatflow (workflow_mode chatflow).',
  mode: 'chatflow',
  input: {
    USER_INPUT: { type: 'string', required: false, default_value: '' },
    CONVERSATION_NAME: { type: 'string', required: false, description: 'Conversation to bind', default_value: 'Default' },
  },
  output: { parameters: {}, terminatePlan: 'use_answer_content', content: '{{output}}' },
  script: [
    { kind: 'wait', ms: 1000 },
    { kind: 'end', mode: 'answer', chunkDelayMs: 200, chunks: (ctx) => ['您好，', `关于“${text(ctx, 'USER_INPUT', '您的问题')}”，`, '客服稍后回复。'] },
  ],
};

const ALL_TYPES_INPUT: Record<string, ParameterSchema> = {
  p_string: { type: 'string', required: true, description: 'A string', default_value: 'hello' },
  p_integer: { type: 'integer', required: true, description: 'An integer', default_value: '42' },
  p_number: { type: 'number', required: false, description: 'A number', default_value: '3.14' },
  p_boolean: { type: 'boolean', required: false, description: 'A boolean', default_value: 'true' },
  p_time: { type: 'time', required: false, description: 'A time', default_value: '2024-08-20 10:00:00' },
  p_object: {
    type: 'object',
    required: false,
    description: 'An object',
    properties: {
      name: { type: 'string', required: true, description: 'Name' },
      age: { type: 'integer', required: false, description: 'Age', default_value: '18' },
    },
  },
  p_array: { type: 'array', required: false, description: 'An array of strings', items: { type: 'string' } },
  p_file: { type: 'file', required: false, description: 'Any file' },
  p_image: { type: 'image', required: false, description: 'An image' },
  p_doc: { type: 'doc', required: false, description: 'A document' },
  p_audio: { type: 'audio', required: false, description: 'An audio file' },
  p_video: { type: 'video', required: false, description: 'A video' },
  p_voice: { type: 'voice', required: false, description: 'A voice clip' },
  p_ppt: { type: 'ppt', required: false, description: 'Slides' },
  p_excel: { type: 'excel', required: false, description: 'A spreadsheet' },
  p_txt: { type: 'txt', required: false, description: 'A text file' },
  p_code: { type: 'code', required: false, description: 'A code file' },
  p_zip: { type: 'zip', required: false, description: 'An archive' },
  p_svg: { type: 'svg', required: false, description: 'An SVG image' },
  p_default: { type: 'default', required: false, description: 'Untyped', default_value: '' },
};

const allInputTypes: WorkflowScenario = {
  id: '7400000000000000020',
  name: 'All input types',
  description: 'One input of every parameter type; echoes the received parameters.',
  input: ALL_TYPES_INPUT,
  output: { parameters: { received: { type: 'object' } }, terminatePlan: 'return_variables' },
  script: [
    { kind: 'wait', ms: 500 },
    { kind: 'end', mode: 'variables', output: (ctx) => ({ received: ctx.parameters }) },
  ],
};

const versionedWorkflow: WorkflowScenario = {
  id: '7400000000000000021',
  name: 'Versioned workflow',
  description: 'A resource-library workflow with two published versions.',
  versions: [
    { version: 'v0.0.1', description: 'First release', createdAt: 1752000000 },
    { version: 'v0.0.2', description: 'Better answers', createdAt: 1752600000 },
  ],
  input: { input: { type: 'string', required: false } },
  output: { parameters: { output: { type: 'string' }, version: { type: 'string' } }, terminatePlan: 'return_variables' },
  script: [
    { kind: 'wait', ms: 500 },
    { kind: 'end', mode: 'variables', output: (ctx) => ({ output: `ran ${ctx.version ?? ''}`, version: ctx.version ?? '' }) },
  ],
};

// ---- the team workspace: enough workflows to page through ---------------------------------------

const REPORT_FLOWS = new Set([7, 14, 21, 28]);

function teamFlow(n: number): WorkflowScenario {
  const number = String(n).padStart(2, '0');
  const name = REPORT_FLOWS.has(n) ? `Team flow ${number} report` : `Team flow ${number}`;
  const steps: ScriptStep[] = [
    { kind: 'wait', ms: 300 },
    { kind: 'end', mode: 'variables', output: { output: `${name} done` } },
  ];
  return {
    id: String(7400000000000001000n + BigInt(n - 1)),
    name,
    description: `Generated workflow ${number} of the team workspace`,
    workspaceId: TEAM_WORKSPACE_ID,
    createdAt: CREATED_AT + n * 3600,
    updatedAt: CREATED_AT + n * 3600 + 60,
    input: { input: { type: 'string', required: false } },
    output: { parameters: { output: { type: 'string' } }, terminatePlan: 'return_variables' },
    script: steps,
  };
}

/** A fresh copy of the built-in catalogue (scenarios are never shared between emulators). */
export function builtInScenarios(): WorkflowScenario[] {
  const personal = [
    jokeDocExample,
    parameterErrorDocExample,
    weatherQuestionDocExample,
    sdkFixtureNoSpace,
    storyWriter,
    answerText,
    variablesOnly,
    failingNode,
    tripPlanner,
    imageChecker,
    longReport,
    bigOutput,
    draftWorkflow,
    supportChat,
    allInputTypes,
    versionedWorkflow,
    ...chatflowScenarios(),
    ...callbackScenarios(),
  ];
  const team = Array.from({ length: 35 }, (_unused, i) => teamFlow(i + 1));
  return [...personal, ...team].map((s) => ({ ...s }));
}

export { END_NODE };
