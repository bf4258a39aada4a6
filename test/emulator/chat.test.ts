import { ChatEventType, ChatStatus, CozeAPI, RoleType } from '@coze/api';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CHAT_IDS, startEmulator, type CozeEmulator, type EmulatorOptions } from './index';
import { dataOf, eventsOf, get, jsonOf, post, sendOk, type ParsedEvent, type RawResponse } from './test-helpers';

// The chat surface over HTTP: /v3/chat and its side endpoints, /v1/workflows/chat, conversations
// and the agent list; framing byte for byte, the deterministic scripts, ownership and the knobs.

const A = CHAT_IDS.agents;
const F = CHAT_IDS.chatflows;
const WORKSPACE = '7500000000000000001';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function userMessage(content: string): Record<string, unknown> {
  return { role: 'user', content, content_type: 'text' };
}

function text(response: RawResponse): string {
  return response.body.toString('utf8');
}

function named(events: ParsedEvent[], name: string): ParsedEvent[] {
  return events.filter((e) => e.event === name);
}

/** The completed answers of a stream, joined. */
function answerOf(events: ParsedEvent[]): string {
  return named(events, 'conversation.message.completed')
    .map((e) => dataOf(e))
    .filter((m) => m['type'] === 'answer')
    .map((m) => String(m['content']))
    .join('');
}

function chatEvent(events: ParsedEvent[]): Record<string, unknown> {
  return dataOf(events.find((e) => e.event === 'conversation.chat.created' || e.event === 'conversation.chat.in_progress'));
}

const OPENING = ['conversation.chat.created', 'conversation.chat.in_progress'];
const DELTA = 'conversation.message.delta';
const COMPLETED = 'conversation.message.completed';

function times(n: number, name: string): string[] {
  return Array.from({ length: n }, () => name);
}

function namesOf(turn: { events: ParsedEvent[] }): Array<string | undefined> {
  return turn.events.map((e) => e.event);
}

/** An emulator for the tests of one describe block. */
function useEmulator(options: EmulatorOptions): { readonly emu: CozeEmulator } {
  let started: CozeEmulator | undefined;
  before(async () => {
    started = await startEmulator(options);
  });
  after(() => started?.close());
  return {
    get emu(): CozeEmulator {
      if (!started) throw new Error('the emulator is not started');
      return started;
    },
  };
}

interface Turn {
  response: RawResponse;
  events: ParsedEvent[];
  answer: string;
  conversationId: string;
  chatId: string;
}

describe('chat emulator', () => {
  const env = useEmulator({ timeScale: 0.001 });

  async function agentTurn(botId: string, query: string, opts: { conversationId?: string; token?: string; knobs?: Record<string, unknown> } = {}): Promise<Turn> {
    const path = opts.conversationId === undefined ? '/v3/chat' : `/v3/chat?conversation_id=${opts.conversationId}`;
    const response = await post(env.emu, path, { bot_id: botId, user_id: 'u1', stream: true, additional_messages: [userMessage(query)] }, {
      ...(opts.token === undefined ? {} : { token: opts.token }),
      ...(opts.knobs === undefined ? {} : { knobs: opts.knobs }),
    });
    assert.match(String(response.headers['content-type']), /^text\/event-stream/, text(response));
    const events = eventsOf(response);
    const chat = chatEvent(events);
    return { response, events, answer: answerOf(events), conversationId: String(chat['conversation_id']), chatId: String(chat['id']) };
  }

  async function chatflowTurn(body: Record<string, unknown>, knobs?: Record<string, unknown>): Promise<Turn> {
    const response = await post(env.emu, '/v1/workflows/chat', body, knobs === undefined ? {} : { knobs });
    const events = eventsOf(response);
    const created = events.find((e) => e.event === 'conversation.chat.created');
    const chat = created ? dataOf(created) : {};
    return { response, events, answer: answerOf(events), conversationId: String(chat['conversation_id']), chatId: String(chat['id']) };
  }

  it('frames /v3/chat without spaces or ids and ends with done "[DONE]"', async () => {
    const turn = await agentTurn(A.echo, 'hi');
    const body = text(turn.response);
    assert.ok(body.startsWith('event:conversation.chat.created\ndata:{"id":"'), body.slice(0, 80));
    assert.ok(body.endsWith('\n\nevent:done\ndata:"[DONE]"\n\n'), body.slice(-60));
    assert.doesNotMatch(body, /^(event|data|id): /m);
    assert.doesNotMatch(body, /^id:/m);
    assert.deepEqual(namesOf(turn), [...OPENING, ...times(3, DELTA), ...times(2, COMPLETED), 'conversation.chat.completed', 'done']);
    assert.equal(turn.answer, 'You said: hi');
    const created = dataOf(turn.events[0]);
    assert.deepEqual(Object.keys(created), ['id', 'conversation_id', 'bot_id', 'created_at', 'last_error', 'status', 'usage', 'section_id']);
    assert.equal(created['section_id'], turn.conversationId, 'the first section id is the conversation id');
    assert.match(turn.chatId, /^\d{19}$/);
    const verbose = dataOf(named(turn.events, 'conversation.message.completed')[1]);
    assert.equal(
      verbose['content'],
      '{"msg_type":"generate_answer_finish","data":"{\\"finish_reason\\":0,\\"FinData\\":\\"\\"}","from_module":null,"from_unit":null}',
    );
    const completed = dataOf(named(turn.events, 'conversation.chat.completed')[0]);
    assert.equal(completed['status'], 'completed');
    const usage = completed['usage'] as { token_count: number; output_count: number; input_count: number };
    assert.ok(usage.output_count > 0 && usage.token_count === usage.input_count + usage.output_count);
  });

  it('frames /v1/workflows/chat with one space and ends with done {debug_url}', async () => {
    const turn = await chatflowTurn({ workflow_id: F.twoOutputs, bot_id: A.echo, additional_messages: [userMessage('x')] });
    const body = text(turn.response);
    assert.ok(body.startsWith('event: conversation.chat.created\ndata: {"id":"'), body.slice(0, 80));
    assert.match(
      body,
      /\n\nevent: done\ndata: \{"debug_url":"https:\/\/www\.coze\.cn\/work_flow\?execute_id=\d{19}&space_id=7500000000000000001&workflow_id=7490000000000000003&execute_mode=2"\}\n\n$/,
    );
    assert.doesNotMatch(body, /^id/m);
    assert.equal(dataOf(turn.events[0])['bot_id'], undefined, 'chatflow chat objects carry no bot_id');
    const answers = named(turn.events, 'conversation.message.completed').map((e) => dataOf(e)).filter((m) => m['type'] === 'answer');
    assert.deepEqual(answers.map((m) => m['content']), ['First output: x', 'Second output: x']);
    assert.notEqual(answers[0]?.['id'], answers[1]?.['id']);
    assert.equal(named(turn.events, 'conversation.chat.completed').length, 1);
  });

  it('remembers across turns, forgets after clear, and keeps conversations and owners apart', async () => {
    const first = await agentTurn(A.memory, 'hello');
    assert.equal(first.answer, 'Turn 1: hello');
    const c = first.conversationId;
    assert.equal((await agentTurn(A.memory, 'remember the blue door', { conversationId: c })).answer, 'OK, I will remember: the blue door.');
    assert.equal((await agentTurn(A.memory, 'What did I ask you to remember?', { conversationId: c })).answer, 'You asked me to remember: the blue door.');
    assert.equal((await agentTurn(A.memory, 'again', { conversationId: c })).answer, 'Turn 4: again');

    const fresh = await agentTurn(A.memory, 'what did I ask you to remember');
    assert.notEqual(fresh.conversationId, c);
    assert.equal(fresh.answer, 'I have nothing to remember.');

    const foreign = jsonOf(await post(env.emu, `/v3/chat?conversation_id=${c}`, { bot_id: A.memory, user_id: 'u1', stream: true, additional_messages: [userMessage('hi')] }, { token: env.emu.tokens.secondOwner }));
    assert.equal(foreign['code'], 4002);
    assert.equal((await agentTurn(A.memory, 'hi', { token: env.emu.tokens.secondOwner })).answer, 'Turn 1: hi');

    const cleared = jsonOf(await post(env.emu, `/v1/conversations/${c}/clear`, undefined));
    const section = (cleared['data'] as Record<string, unknown>)['id'];
    assert.match(String(section), /^\d{19}$/);
    assert.notEqual(section, c);
    const afterClear = await agentTurn(A.memory, 'what did I ask you to remember', { conversationId: c });
    assert.equal(afterClear.answer, 'I have nothing to remember.');
    assert.equal(dataOf(afterClear.events[0])['section_id'], section);
    const retrieved = jsonOf(await get(env.emu, `/v1/conversation/retrieve?conversation_id=${c}`));
    assert.equal((retrieved['data'] as Record<string, unknown>)['last_section_id'], section);

    // Old messages stay listable after a clear: question/answer only, newest first, paged by after_id.
    const page1 = jsonOf(await post(env.emu, `/v1/conversation/message/list?conversation_id=${c}`, { limit: 4 }));
    const items1 = page1['data'] as Array<Record<string, unknown>>;
    assert.deepEqual(items1.map((m) => m['content']), ['I have nothing to remember.', 'what did I ask you to remember', 'Turn 4: again', 'again']);
    assert.equal(page1['has_more'], true);
    assert.equal(page1['first_id'], items1[0]?.['id']);
    const page2 = jsonOf(await post(env.emu, `/v1/conversation/message/list?conversation_id=${c}`, { limit: 50, after_id: page1['last_id'] }));
    const items2 = page2['data'] as Array<Record<string, unknown>>;
    assert.equal(items2.length, 6);
    assert.equal(items2[items2.length - 1]?.['content'], 'hello');
    assert.equal(page2['has_more'], false);
    assert.ok(items2.every((m) => m['type'] === 'question' || m['type'] === 'answer'));
    assert.equal(jsonOf(await post(env.emu, `/v1/conversation/message/list?conversation_id=${c}`, {}, { token: env.emu.tokens.secondOwner }))['code'], 4002);
    assert.equal(jsonOf(await post(env.emu, `/v1/conversations/${c}/clear`, undefined, { token: env.emu.tokens.secondOwner }))['code'], 4002);
  });

  it('does not remember chats saved with auto_save_history false', async () => {
    const first = await agentTurn(A.memory, 'one');
    const unsaved = await post(env.emu, `/v3/chat?conversation_id=${first.conversationId}`, {
      bot_id: A.memory,
      user_id: 'u1',
      stream: true,
      auto_save_history: false,
      additional_messages: [userMessage('two')],
    });
    assert.equal(answerOf(eventsOf(unsaved)), 'Turn 2: two');
    assert.equal((await agentTurn(A.memory, 'three', { conversationId: first.conversationId })).answer, 'Turn 2: three');
    const noStream = jsonOf(await post(env.emu, '/v3/chat', { bot_id: A.memory, user_id: 'u1', auto_save_history: false, additional_messages: [userMessage('x')] }));
    assert.equal(noStream['code'], 4007);
  });

  it('runs the end-plugin flow: requires_action, then submit_tool_outputs on the same chat', async () => {
    const turn = await agentTurn(A.tools, 'Paris');
    const completed = named(turn.events, 'conversation.message.completed').map((e) => dataOf(e));
    assert.deepEqual(completed.map((m) => m['type']), ['function_call', 'verbose', 'verbose']);
    assert.equal(completed[0]?.['content'], '{"name":"get_weather","arguments":{"city":"Paris"}}');
    const action = dataOf(named(turn.events, 'conversation.chat.requires_action')[0]);
    assert.equal(action['status'], 'requires_action');
    const required = action['required_action'] as { type: string; submit_tool_outputs: { tool_calls: Array<Record<string, unknown>> } };
    assert.equal(required.type, 'submit_tool_outputs');
    const call = required.submit_tool_outputs.tool_calls[0];
    assert.ok(call);
    assert.deepEqual(call['function'], { name: 'get_weather', arguments: '{"city":"Paris"}' });
    assert.equal(call['type'], 'function');
    assert.equal(turn.events[turn.events.length - 1]?.event, 'done');

    const ref = `conversation_id=${turn.conversationId}&chat_id=${turn.chatId}`;
    const wrong = jsonOf(await post(env.emu, `/v3/chat/submit_tool_outputs?${ref}`, { stream: true, tool_outputs: [{ tool_call_id: 'nope', output: 'x' }] }));
    assert.equal(wrong['code'], 4000);
    const submitted = await post(env.emu, `/v3/chat/submit_tool_outputs?${ref}`, { stream: true, tool_outputs: [{ tool_call_id: call['id'], output: '{"sky":"sunny"}' }] });
    const events = eventsOf(submitted);
    assert.equal(events[0]?.event, 'conversation.chat.in_progress');
    assert.equal(dataOf(events[0])['id'], turn.chatId);
    const messages = named(events, 'conversation.message.completed').map((e) => dataOf(e));
    assert.deepEqual(messages.map((m) => m['type']), ['tool_response', 'answer', 'verbose']);
    assert.equal(messages[0]?.['content'], '{"sky":"sunny"}');
    assert.equal(answerOf(events), 'Weather: {"sky":"sunny"}');
    assert.equal(dataOf(named(events, 'conversation.chat.completed')[0])['id'], turn.chatId);
    assert.ok(text(submitted).endsWith('event:done\ndata:"[DONE]"\n\n'));
    const again = jsonOf(await post(env.emu, `/v3/chat/submit_tool_outputs?${ref}`, { stream: true, tool_outputs: [{ tool_call_id: call['id'], output: 'x' }] }));
    assert.equal(again['code'], 4000);
  });

  it('accepts tool outputs without a stream and finishes the chat for a later poll', async () => {
    const turn = await agentTurn(A.tools, 'Oslo');
    const action = dataOf(named(turn.events, 'conversation.chat.requires_action')[0]);
    const calls = (action['required_action'] as { submit_tool_outputs: { tool_calls: Array<{ id: string }> } }).submit_tool_outputs.tool_calls;
    const ref = `conversation_id=${turn.conversationId}&chat_id=${turn.chatId}`;
    const retrieved = jsonOf(await get(env.emu, `/v3/chat/retrieve?${ref}`))['data'] as Record<string, unknown>;
    assert.equal(retrieved['status'], 'requires_action');
    const accepted = jsonOf(
      await post(env.emu, `/v3/chat/submit_tool_outputs?${ref}`, { tool_outputs: calls.map((c) => ({ tool_call_id: c.id, output: 'rain' })) }, { knobs: { asyncPollsUntilDone: 0 } }),
    );
    assert.equal((accepted['data'] as Record<string, unknown>)['status'], 'in_progress');
    assert.equal((jsonOf(await get(env.emu, `/v3/chat/retrieve?${ref}`))['data'] as Record<string, unknown>)['status'], 'completed');
    const messages = jsonOf(await get(env.emu, `/v3/chat/message/list?${ref}`))['data'] as Array<Record<string, unknown>>;
    assert.deepEqual(
      messages.filter((m) => m['type'] !== 'verbose').map((m) => [m['type'], m['content']]),
      [
        ['function_call', '{"name":"get_weather","arguments":{"city":"Oslo"}}'],
        ['tool_response', 'rain'],
        ['answer', 'Weather: rain'],
      ],
    );
  });

  it('remembers across chatflow turns of one conversation', async () => {
    const first = await chatflowTurn({ workflow_id: F.memory, bot_id: A.echo, additional_messages: [userMessage('remember 42')] });
    assert.equal(first.answer, 'OK, I will remember: 42.');
    const second = await chatflowTurn({ workflow_id: F.memory, bot_id: A.echo, conversation_id: first.conversationId, additional_messages: [userMessage('what did I ask you to remember')] });
    assert.equal(second.answer, 'You asked me to remember: 42.');
    const other = await chatflowTurn({ workflow_id: F.memory, bot_id: A.echo, additional_messages: [userMessage('what did I ask you to remember')] });
    assert.notEqual(other.conversationId, first.conversationId, 'bot_id without conversation_id opens a new conversation');
    assert.equal(other.answer, 'I have nothing to remember.');
    const foreign = await post(env.emu, '/v1/workflows/chat', { workflow_id: F.memory, bot_id: A.echo, conversation_id: first.conversationId, additional_messages: [userMessage('x')] }, { token: env.emu.tokens.secondOwner });
    assert.equal(jsonOf(foreign)['code'], 4002);
  });

  it('answers stream:false at once and finishes on a later retrieve poll (GET or POST)', async () => {
    const created = jsonOf(await post(env.emu, '/v3/chat', { bot_id: A.echo, user_id: 'u1', additional_messages: [userMessage('poll me')] }, { knobs: { asyncPollsUntilDone: 1 } }));
    assert.equal(created['code'], 0);
    const chat = created['data'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(chat), ['id', 'conversation_id', 'bot_id', 'created_at', 'last_error', 'status']);
    assert.equal(chat['status'], 'in_progress');
    const ref = `conversation_id=${String(chat['conversation_id'])}&chat_id=${String(chat['id'])}`;
    const running = jsonOf(await get(env.emu, `/v3/chat/retrieve?${ref}`))['data'] as Record<string, unknown>;
    assert.equal(running['status'], 'in_progress');
    assert.equal(running['usage'], undefined);
    const done = jsonOf(await post(env.emu, `/v3/chat/retrieve?${ref}`, undefined))['data'] as Record<string, unknown>;
    assert.equal(done['status'], 'completed');
    assert.ok(typeof done['completed_at'] === 'number');
    const list = jsonOf(await get(env.emu, `/v3/chat/message/list?${ref}`));
    const messages = list['data'] as Array<Record<string, unknown>>;
    assert.deepEqual(messages.map((m) => [m['type'], m['content']]).slice(0, 1), [['answer', 'You said: poll me']]);
    assert.ok(messages.every((m) => m['role'] === 'assistant'), 'the query is not listed');
    assert.equal(jsonOf(await get(env.emu, `/v3/chat/retrieve?${ref}`, { token: env.emu.tokens.secondOwner }))['code'], 4002);
    assert.equal(jsonOf(await get(env.emu, `/v3/chat/retrieve?conversation_id=${String(chat['conversation_id'])}&chat_id=1`))['code'], 4001);
  });

  it('refuses a second chat while one runs (4016) and cancels it (4104 afterwards)', async () => {
    const slow = jsonOf(await post(env.emu, '/v3/chat', { bot_id: A.slow, user_id: 'u1', additional_messages: [userMessage('wait')] }, { knobs: { chatSlowMs: 1e9 } }));
    const chat = slow['data'] as Record<string, unknown>;
    const conversationId = String(chat['conversation_id']);
    const started = env.emu.chatsStarted(A.echo);
    const busy = jsonOf(await post(env.emu, `/v3/chat?conversation_id=${conversationId}`, { bot_id: A.echo, user_id: 'u1', stream: true, additional_messages: [userMessage('me too')] }));
    assert.equal(busy['code'], 4016);
    assert.equal(env.emu.chatsStarted(A.echo), started, 'a refused chat starts nothing');
    const canceled = jsonOf(await post(env.emu, '/v3/chat/cancel', { conversation_id: conversationId, chat_id: chat['id'] }));
    assert.equal((canceled['data'] as Record<string, unknown>)['status'], 'canceled');
    const twice = jsonOf(await post(env.emu, '/v3/chat/cancel', { conversation_id: conversationId, chat_id: chat['id'] }));
    assert.equal(twice['code'], 4104);
    const next = await agentTurn(A.memory, 'after cancel', { conversationId });
    assert.equal(next.answer, 'Turn 1: after cancel', 'the canceled round is not context');
    const ended = jsonOf(await post(env.emu, '/v3/chat/cancel', { conversation_id: conversationId, chat_id: next.chatId }));
    assert.equal(ended['code'], 4104);
  });

  it('checks agents before any stream byte: 4006, 4015, 4000', async () => {
    const unpublished = await post(env.emu, '/v3/chat', { bot_id: A.unpublished, user_id: 'u1', stream: true, additional_messages: [userMessage('x')] });
    assert.match(String(unpublished.headers['content-type']), /^application\/json/);
    assert.equal(jsonOf(unpublished)['code'], 4015);
    assert.equal(jsonOf(await post(env.emu, '/v3/chat', { bot_id: '7480000000000009999', user_id: 'u1', stream: true, additional_messages: [userMessage('x')] }))['code'], 4006);
    assert.equal(jsonOf(await post(env.emu, '/v3/chat', { bot_id: A.echo, stream: true, additional_messages: [userMessage('x')] }))['code'], 4000);
    assert.equal(jsonOf(await post(env.emu, '/v3/chat?conversation_id=7999999999999999999', { bot_id: A.echo, user_id: 'u', stream: true, additional_messages: [userMessage('x')] }))['code'], 4002);
  });

  it('fails the fail agent with a Chat carrying last_error, then done', async () => {
    const turn = await agentTurn(A.fail, 'x');
    const failed = dataOf(named(turn.events, 'conversation.chat.failed')[0]);
    assert.deepEqual(failed['last_error'], { code: 5000, msg: 'event interval error' });
    assert.equal(failed['status'], 'failed');
    assert.ok(typeof failed['failed_at'] === 'number');
    assert.equal(turn.events[turn.events.length - 1]?.event, 'done');
    const coded = await agentTurn(A.fail, 'x', { knobs: { chatFailCode: 4011 } });
    assert.equal((dataOf(named(coded.events, 'conversation.chat.failed')[0])['last_error'] as Record<string, unknown>)['code'], 4011);
  });

  it('stops a question chatflow with variant B and resumes it on the next call in the conversation', async () => {
    const first = await chatflowTurn({ workflow_id: F.question, bot_id: A.echo, additional_messages: [userMessage('start')], parameters: { greeting: 'Hi' } });
    assert.deepEqual(namesOf(first), [...OPENING, ...times(5, DELTA), ...times(3, COMPLETED), 'conversation.chat.requires_action', 'done']);
    assert.equal(first.answer, 'What is your name?');
    const verbose = named(first.events, 'conversation.message.completed').map((e) => String(dataOf(e)['content']));
    assert.equal(verbose[1], '{"msg_type":"interrupt","data":"","from_module":null,"from_unit":null}');
    assert.match(verbose[2] ?? '', /finish_reason\\":1/);
    const action = dataOf(named(first.events, 'conversation.chat.requires_action')[0]);
    assert.deepEqual(action['required_action'], {
      type: 'submit_tool_outputs',
      submit_tool_outputs: { tool_calls: [{ id: '', type: 'reply_message', function: null, require_info: null }] },
    });
    const executeOf = (turn: Turn): string => /execute_id=(\d+)/.exec(text(turn.response))?.[1] ?? '';

    const runs = env.emu.runsStarted(F.question);
    const second = await chatflowTurn({
      workflow_id: F.question,
      bot_id: A.echo,
      conversation_id: first.conversationId,
      additional_messages: [userMessage('Ada')],
      parameters: { greeting: 'Hi' },
    });
    assert.equal(second.answer, 'Hi, Ada!');
    assert.equal(second.conversationId, first.conversationId);
    assert.notEqual(second.chatId, first.chatId);
    assert.equal(executeOf(second), executeOf(first));
    assert.equal(env.emu.runsStarted(F.question), runs, 'a resume is not a new run');
    assert.equal(named(second.events, 'conversation.chat.completed').length, 1);

    const variantA = await chatflowTurn({ workflow_id: F.question, bot_id: A.echo, additional_messages: [userMessage('start')] }, { chatflowInterrupt: 'A' });
    assert.equal(named(variantA.events, 'conversation.chat.requires_action').length, 0);
    assert.equal(variantA.events[variantA.events.length - 1]?.event, 'done');
  });

  it('reads an input node answer from JSON or name: lines', async () => {
    const first = await chatflowTurn({ workflow_id: F.input, bot_id: A.echo, additional_messages: [userMessage('go')] });
    assert.equal(first.answer, 'Please enter your name.');
    const retry = await chatflowTurn({ workflow_id: F.input, bot_id: A.echo, conversation_id: first.conversationId, additional_messages: [userMessage('no idea')] });
    assert.match(retry.answer, /^Please enter your name as/);
    const ok = await chatflowTurn({ workflow_id: F.input, bot_id: A.echo, conversation_id: first.conversationId, additional_messages: [userMessage('name: 李雷')] });
    assert.equal(ok.answer, 'Hello, 李雷!');
  });

  it('binds an app chatflow to CONVERSATION_NAME (default Default) and fails unknown names', async () => {
    const app = { workflow_id: F.app, app_id: CHAT_IDS.appId };
    const one = await chatflowTurn({ ...app, additional_messages: [userMessage('a')] });
    const two = await chatflowTurn({ ...app, additional_messages: [userMessage('b')] });
    assert.equal(one.answer, 'Turn 1: a');
    assert.equal(two.answer, 'Turn 2: b');
    assert.equal(two.conversationId, one.conversationId);
    const support = await chatflowTurn({ ...app, additional_messages: [userMessage('c')], parameters: { CONVERSATION_NAME: 'Support' } });
    assert.equal(support.answer, 'Turn 1: c');
    const unknown = await post(env.emu, '/v1/workflows/chat', { ...app, additional_messages: [userMessage('d')], parameters: { CONVERSATION_NAME: 'Nope' } });
    assert.equal(text(unknown), 'event: conversation.chat.failed\ndata: {"code":"720702204","msg":"会话名不存在"}\n\n');
    assert.equal(jsonOf(await post(env.emu, '/v1/workflows/chat', { ...app, bot_id: A.echo, additional_messages: [userMessage('d')] }))['code'], 4000);
    assert.equal(jsonOf(await post(env.emu, '/v1/workflows/chat', { workflow_id: '7490000000000009999', bot_id: A.echo, additional_messages: [userMessage('d')] }))['code'], 4200);
  });

  it('fails the fail chatflow with a string code and no done', async () => {
    const turn = await chatflowTurn({ workflow_id: F.fail, bot_id: A.echo, additional_messages: [userMessage('x')] });
    const last = turn.events[turn.events.length - 1];
    assert.equal(last?.event, 'conversation.chat.failed');
    assert.equal(dataOf(last)['code'], '720712000');
  });

  it('lists the published agents of a workspace', async () => {
    const published = jsonOf(await get(env.emu, `/v1/bots?workspace_id=${WORKSPACE}`))['data'] as { items: Array<Record<string, unknown>>; total: number };
    assert.equal(published.total, 6);
    assert.deepEqual(published.items.map((b) => b['id']), [A.echo, A.memory, A.tools, A.rich, A.slow, A.fail]);
    assert.deepEqual(Object.keys(published.items[0] ?? {}), ['id', 'name', 'icon_url', 'folder_id', 'updated_at', 'description', 'is_published', 'published_at', 'owner_user_id']);
    const all = jsonOf(await get(env.emu, `/v1/bots?workspace_id=${WORKSPACE}&publish_status=all&page_size=5&page_num=2`))['data'] as { items: unknown[]; total: number };
    assert.equal(all.total, 7);
    assert.equal(all.items.length, 2);
    assert.equal(jsonOf(await get(env.emu, '/v1/bots'))['code'], 4000);
  });

  it('lists the chatflows with the workflow list and their input schema', async () => {
    const list = jsonOf(await get(env.emu, `/v1/workflows?workspace_id=${WORKSPACE}&page_num=1&page_size=30&workflow_mode=chatflow`));
    const ids = ((list['data'] as Record<string, unknown>)['items'] as Array<Record<string, unknown>>).map((w) => w['workflow_id']);
    for (const id of [F.question, F.input, F.twoOutputs, F.memory, F.fail]) assert.ok(ids.includes(id), id);
    assert.ok(!ids.includes(F.app), 'app workflows are listed with their app_id only');
    const appList = jsonOf(await get(env.emu, `/v1/workflows?workspace_id=${WORKSPACE}&page_num=1&app_id=${CHAT_IDS.appId}`));
    assert.deepEqual(((appList['data'] as Record<string, unknown>)['items'] as Array<Record<string, unknown>>).map((w) => w['workflow_id']), [F.app]);
    const info = jsonOf(await get(env.emu, `/v1/workflows/${F.question}?include_input_output=true`))['data'] as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(info['input']?.['parameters'] as object), ['USER_INPUT', 'greeting']);
  });

  it('creates and lists conversations by bot with meta_data, newest first, per owner', async () => {
    const created: string[] = [];
    for (const session of ['s1', 's2', 's3']) {
      const body = jsonOf(await post(env.emu, '/v1/conversation/create', { bot_id: A.rich, name: `n8n chat ${session}`, meta_data: { n8n_session: session } }));
      const data = body['data'] as Record<string, unknown>;
      assert.deepEqual(Object.keys(data), ['id', 'name', 'meta_data', 'created_at', 'creator_id', 'connector_id', 'updated_at', 'last_section_id']);
      assert.equal(data['last_section_id'], data['id']);
      assert.equal(data['connector_id'], '1024');
      created.push(String(data['id']));
    }
    const page = jsonOf(await get(env.emu, `/v1/conversations?bot_id=${A.rich}&page_size=2`))['data'] as { has_more: boolean; conversations: Array<Record<string, unknown>> };
    assert.equal(page.has_more, true);
    assert.deepEqual(page.conversations.map((c) => c['id']), [created[2], created[1]]);
    assert.deepEqual(page.conversations[0]?.['meta_data'], { n8n_session: 's3' });
    const asc = jsonOf(await get(env.emu, `/v1/conversations?bot_id=${A.rich}&sort_order=ASC`))['data'] as { conversations: Array<Record<string, unknown>> };
    assert.deepEqual(asc.conversations.map((c) => c['id']), created);
    const other = jsonOf(await get(env.emu, `/v1/conversations?bot_id=${A.rich}`, { token: env.emu.tokens.secondOwner }))['data'] as { conversations: unknown[] };
    assert.equal(other.conversations.length, 0);
    assert.equal(jsonOf(await get(env.emu, '/v1/conversations'))['code'], 4000);
    const deleted = jsonOf(await sendOk(env.emu, 'DELETE', `/v1/conversations/${created[0] ?? ''}`));
    assert.deepEqual(deleted['data'], {});
    assert.equal(jsonOf(await get(env.emu, `/v1/conversation/retrieve?conversation_id=${created[0] ?? ''}`))['code'], 4002);
  });

  it('splits deltas on code points, never inside a UTF-8 character', async () => {
    const query = '你好😀世界🌏，天气如何？';
    for (const perDelta of [1, 3, 0]) {
      const turn = await agentTurn(A.echo, query, { knobs: { chatDeltaChars: perDelta } });
      const deltas = named(turn.events, 'conversation.message.delta').map((e) => String(dataOf(e)['content']));
      for (const delta of deltas) {
        assert.doesNotMatch(delta, LONE_SURROGATE);
        assert.equal(Buffer.from(delta, 'utf8').toString('utf8'), delta);
        if (perDelta > 0) assert.ok(Array.from(delta).length <= perDelta);
      }
      assert.equal(deltas.join(''), `You said: ${query}`);
      if (perDelta === 0) assert.equal(deltas.length, 1);
      // The raw body never carries an escaped lone surrogate either.
      assert.doesNotMatch(text(turn.response), /\\ud[89ab]/i);
    }
  });

  it('streams the rich agent: knowledge, plugin call, reasoning deltas, two answers, follow-ups', async () => {
    const turn = await agentTurn(A.rich, 'tea');
    const completed = named(turn.events, 'conversation.message.completed').map((e) => dataOf(e));
    assert.deepEqual(completed.map((m) => m['type']), ['verbose', 'function_call', 'tool_response', 'answer', 'answer', 'verbose', 'follow_up', 'follow_up', 'follow_up']);
    const reasoning = named(turn.events, 'conversation.message.delta').map((e) => dataOf(e)).filter((m) => m['reasoning_content'] !== undefined);
    assert.ok(reasoning.length > 0 && reasoning.every((m) => m['content'] === ''));
    assert.equal(completed[3]?.['reasoning_content'], 'The user asked about tea; I searched first.');
  });

  it('applies the stream knobs: cut, error event, first-byte delay, JSON before the stream', async () => {
    const cut = await post(env.emu, '/v3/chat', { bot_id: A.echo, user_id: 'u', stream: true, additional_messages: [userMessage('x')] }, { knobs: { cutAfterEvents: 3 } });
    assert.equal(cut.incomplete, true);
    assert.equal(eventsOf(cut).length, 3);

    const errored = await agentTurn(A.echo, 'x', { knobs: { chatErrorEvent: true, injectAfterEvents: 2 } });
    assert.deepEqual(errored.events.map((e) => e.event), ['conversation.chat.created', 'conversation.chat.in_progress', 'error']);
    assert.equal(dataOf(errored.events[2])['code'], 5000);
    const status = jsonOf(await get(env.emu, `/v3/chat/retrieve?conversation_id=${errored.conversationId}&chat_id=${errored.chatId}`))['data'] as Record<string, unknown>;
    assert.equal(status['status'], 'failed');

    const delayed = await agentTurn(A.echo, 'late', { knobs: { firstByteDelayMs: 10 } });
    assert.equal(delayed.answer, 'You said: late');

    const limited = await post(env.emu, '/v3/chat', { bot_id: A.echo, user_id: 'u', stream: true, additional_messages: [userMessage('x')] }, { knobs: { limitCode: 4013 } });
    assert.match(String(limited.headers['content-type']), /^application\/json/);
    assert.equal(jsonOf(limited)['code'], 4013);
  });
});

describe('chat emulator, Studio flavour', () => {
  const env = useEmulator({ timeScale: 0.001, flavor: 'studio' });

  it('streams /v3/chat by default and ends with conversation.stream.done', async () => {
    const response = await post(env.emu, '/v3/chat', { bot_id: A.echo, user_id: 'u', additional_messages: [userMessage('x')] });
    const body = text(response);
    assert.ok(body.endsWith('\n\nevent:conversation.stream.done\ndata:\n\n'), body.slice(-60));
    assert.ok(!body.includes('event:done'));
  });

  it('numbers chatflow events from 1 and uses interrupt variant C', async () => {
    const response = await post(env.emu, '/v1/workflows/chat', { workflow_id: F.question, bot_id: A.echo, additional_messages: [userMessage('x')] });
    const body = text(response);
    assert.ok(body.startsWith('id: 1\nevent: conversation.chat.created\ndata: {'), body.slice(0, 60));
    const events = eventsOf(response);
    assert.deepEqual(events.map((e) => e.id), events.map((_e, i) => String(i + 1)));
    assert.equal(named(events, 'conversation.message.completed').length, 1, 'no verbose messages');
    assert.equal(events[events.length - 2]?.event, 'conversation.chat.requires_action');
  });
});

describe('chat emulator, parsed by the official @coze/api SDK', () => {
  const env = useEmulator({ timeScale: 0.001 });

  it('reads /v3/chat and /v1/workflows/chat streams and a polled chat', async () => {
    const api = new CozeAPI({ token: env.emu.token, baseURL: env.emu.baseUrl });
    const question = [{ role: RoleType.User, content: '你好😀', content_type: 'text' as const }];
    const agentEvents: string[] = [];
    let answer = '';
    for await (const part of await api.chat.stream({ bot_id: A.echo, user_id: 'u', additional_messages: question })) {
      agentEvents.push(part.event);
      if (part.event === ChatEventType.CONVERSATION_MESSAGE_DELTA) answer += part.data.content;
    }
    assert.equal(answer, 'You said: 你好😀');
    assert.equal(agentEvents[agentEvents.length - 1], ChatEventType.DONE);
    assert.ok(!agentEvents.includes(ChatEventType.ERROR));

    const flowEvents: string[] = [];
    for await (const part of await api.workflows.chat.stream({ workflow_id: F.question, bot_id: A.echo, additional_messages: question })) flowEvents.push(part.event);
    assert.ok(flowEvents.includes(ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION));
    assert.equal(flowEvents[flowEvents.length - 1], ChatEventType.DONE);

    const polled = await api.chat.createAndPoll({ bot_id: A.memory, user_id: 'u', additional_messages: question });
    assert.equal(polled.chat.status, ChatStatus.COMPLETED);
    assert.ok(polled.messages?.some((m) => m.type === 'answer' && m.content === 'Turn 1: 你好😀'));
  });
});
