import type { AgentKind, ChatflowKind } from './chat-catalogue';
import { newToolCallId, type ToolCall } from './chat-state';
import { VERBOSE_INTERRUPT, verboseFinish, verboseKnowledge } from './chat-wire';

// Deterministic behaviour of the emulator's agents and chatflows (an emulator convention, not
// Coze behaviour). A script sees only its context: the saved messages of the conversation's
// latest section plus this request's additional messages, the query being the last one.

export interface ContextMessage {
  role: 'user' | 'assistant';
  content: string;
}

export type ChatStep =
  /** Stay in progress; a cancel ends the wait early. */
  | { kind: 'wait'; ms: number }
  /** One message; `stream` = sent as deltas before its completed event. */
  | { kind: 'message'; type: string; content: string; stream: boolean; reasoning?: string }
  | { kind: 'requiresAction'; toolCalls: ToolCall[] }
  /** An agent chat fails: Chat with last_error. */
  | { kind: 'fail'; code: number; msg: string }
  /** A chatflow fails: `{"code":"<string>","msg":…}`. */
  | { kind: 'flowFail'; code: string; msg: string }
  /** A chatflow stops at a question/input node (after the question's answer message). */
  | { kind: 'interrupt'; node: 'question' | 'input' };

const REMEMBER = /^remember\s+(.+)$/is;
const RECALL = /what did i ask you to remember/i;

/** The memory script; `context` ends with the query. */
export function memoryAnswer(query: string, context: readonly ContextMessage[]): string {
  const told = REMEMBER.exec(query.trim());
  if (told) return `OK, I will remember: ${told[1]?.trim() ?? ''}.`;
  if (RECALL.test(query)) {
    for (let i = context.length - 1; i >= 0; i--) {
      const message = context[i];
      if (message?.role !== 'user') continue;
      const earlier = REMEMBER.exec(message.content.trim());
      if (earlier) return `You asked me to remember: ${earlier[1]?.trim() ?? ''}.`;
    }
    return 'I have nothing to remember.';
  }
  const turn = context.filter((m) => m.role === 'user').length;
  return `Turn ${turn}: ${query}`;
}

function answer(content: string): ChatStep {
  return { kind: 'message', type: 'answer', content, stream: true };
}

function finish(reason: 0 | 1): ChatStep {
  return { kind: 'message', type: 'verbose', content: verboseFinish(reason), stream: false };
}

function completedMessage(type: string, content: string): ChatStep {
  return { kind: 'message', type, content, stream: false };
}

export interface AgentOptions {
  slowMs: number;
  failCode: number;
}

export const FAIL_MESSAGE = 'event interval error';

export function agentScript(kind: AgentKind, query: string, context: readonly ContextMessage[], opts: AgentOptions): ChatStep[] {
  switch (kind) {
    case 'echo':
      return [answer(`You said: ${query}`), finish(0)];
    case 'memory':
      return [answer(memoryAnswer(query, context)), finish(0)];
    case 'slow':
      return [{ kind: 'wait', ms: opts.slowMs }, answer(`You said: ${query}`), finish(0)];
    case 'fail':
      return [{ kind: 'fail', code: opts.failCode, msg: FAIL_MESSAGE }];
    case 'tools': {
      const args = JSON.stringify({ city: query });
      return [
        completedMessage('function_call', JSON.stringify({ name: 'get_weather', arguments: { city: query } })),
        completedMessage('verbose', VERBOSE_INTERRUPT),
        finish(1),
        { kind: 'requiresAction', toolCalls: [{ id: newToolCallId(), type: 'function', function: { name: 'get_weather', arguments: args } }] },
      ];
    }
    case 'rich':
      return [
        completedMessage('verbose', verboseKnowledge(`Knowledge about ${query}`)),
        completedMessage('function_call', JSON.stringify({ name: 'search', arguments: { query } })),
        completedMessage('tool_response', JSON.stringify({ results: [`${query} (result 1)`, `${query} (result 2)`] })),
        { kind: 'message', type: 'answer', content: `Here is what I found about ${query}.`, stream: true, reasoning: `The user asked about ${query}; I searched first.` },
        answer('Anything else?'),
        finish(0),
        completedMessage('follow_up', `Tell me more about ${query}`),
        completedMessage('follow_up', `Where does ${query} come from?`),
        completedMessage('follow_up', 'What else can you do?'),
      ];
  }
}

/** What the `tools` agent does with a submitted tool output. */
export function toolOutputScript(output: string): ChatStep[] {
  return [completedMessage('tool_response', output), answer(`Weather: ${output}`), finish(0)];
}

export const QUESTION_TEXT = 'What is your name?';
export const INPUT_TEXT = 'Please enter your name.';
export const INPUT_RETRY_TEXT = 'Please enter your name as {"name":"…"} or a line name:…';
export const INPUT_ATTEMPTS = 3;
export const NODE_FAILURE = { code: '720712000', msg: "[720712000] Node 'LLM' execution failed: the model request timed out." };

/** The name in an input-node answer: `{"name":"…"}` or a `name:…` line. */
export function nameFromInput(content: string): string | undefined {
  try {
    const value: unknown = JSON.parse(content);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const name = (value as Record<string, unknown>)['name'];
      if (typeof name === 'string' && name.trim() !== '') return name.trim();
    }
  } catch {
    // Not JSON: key:value lines.
  }
  for (const line of content.split('\n')) {
    const match = /^\s*name\s*[:：]\s*(.+)$/.exec(line);
    if (match?.[1]) return match[1].trim();
  }
  return undefined;
}

export interface ChatflowTurn {
  kind: ChatflowKind;
  query: string;
  context: readonly ContextMessage[];
  parameters: Record<string, unknown>;
  /** The node this conversation is stopped at, for this chatflow; with its failed attempts. */
  pending: { node: 'question' | 'input'; attempts: number } | undefined;
}

export interface ChatflowPlan {
  steps: ChatStep[];
  /** The interrupt left pending afterwards (undefined = none). */
  pending: { node: 'question' | 'input'; attempts: number } | undefined;
}

export function chatflowScript(turn: ChatflowTurn): ChatflowPlan {
  const { kind, query, pending } = turn;
  switch (kind) {
    case 'question': {
      if (pending) {
        const greeting = typeof turn.parameters['greeting'] === 'string' && turn.parameters['greeting'] !== '' ? turn.parameters['greeting'] : 'Hello';
        return { steps: [answer(`${greeting}, ${query}!`), finish(0)], pending: undefined };
      }
      return { steps: [answer(QUESTION_TEXT), { kind: 'interrupt', node: 'question' }], pending: { node: 'question', attempts: 0 } };
    }
    case 'input': {
      if (!pending) return { steps: [answer(INPUT_TEXT), { kind: 'interrupt', node: 'input' }], pending: { node: 'input', attempts: 0 } };
      const name = nameFromInput(query);
      if (name !== undefined) return { steps: [answer(`Hello, ${name}!`), finish(0)], pending: undefined };
      const attempts = pending.attempts + 1;
      if (attempts >= INPUT_ATTEMPTS) return { steps: [{ kind: 'flowFail', ...NODE_FAILURE }], pending: undefined };
      return { steps: [answer(INPUT_RETRY_TEXT), { kind: 'interrupt', node: 'input' }], pending: { node: 'input', attempts } };
    }
    case 'twoOutputs':
      return { steps: [answer(`First output: ${query}`), answer(`Second output: ${query}`), finish(0)], pending: undefined };
    case 'memory':
    case 'app':
      return { steps: [answer(memoryAnswer(query, turn.context)), finish(0)], pending: undefined };
    case 'fail':
      return { steps: [{ kind: 'flowFail', ...NODE_FAILURE }], pending: undefined };
  }
}
