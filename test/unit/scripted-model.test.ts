import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { httpRequest } from '../support/http';
import { startScriptedModel, type ChatMessage, type ScriptedModel } from '../support/scripted-model';

const TOOLS = [
	{ type: 'function', function: { name: 'Coze_Workflow', description: 'Run a workflow', parameters: { type: 'object', properties: { topic: { type: 'string' } } } } },
	{ type: 'function', function: { name: 'Other_Tool', description: 'Another', parameters: { type: 'object', properties: {} } } },
];
const USER: ChatMessage = { role: 'user', content: 'Tell me a story about rain.' };

async function complete(model: ScriptedModel, body: Record<string, unknown>) {
	const answer = await httpRequest('POST', `${model.baseUrl}/chat/completions`, {
		headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
		body: JSON.stringify({ model: 'scripted-model', tools: TOOLS, ...body }),
	});
	return answer;
}

/** The message an OpenAI client assembles from SSE chunks: content joined, tool calls by index. */
function assemble(sse: string): { content: string; toolCalls: Array<{ id: string; name: string; arguments: string }>; finish: string | null; done: boolean } {
	let content = '';
	let finish: string | null = null;
	const toolCalls: Array<{ id: string; name: string; arguments: string }> = [];
	let done = false;
	for (const line of sse.split('\n')) {
		if (!line.startsWith('data: ')) continue;
		const data = line.slice('data: '.length);
		if (data === '[DONE]') {
			done = true;
			continue;
		}
		const chunk = JSON.parse(data) as { object: string; choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }> };
		assert.equal(chunk.object, 'chat.completion.chunk');
		const choice = chunk.choices[0];
		if (typeof choice.delta.content === 'string') content += choice.delta.content;
		for (const call of (choice.delta.tool_calls ?? []) as Array<{ index: number; id?: string; function: { name?: string; arguments?: string } }>) {
			const entry = (toolCalls[call.index] ??= { id: '', name: '', arguments: '' });
			entry.id += call.id ?? '';
			entry.name += call.function.name ?? '';
			entry.arguments += call.function.arguments ?? '';
		}
		finish = choice.finish_reason ?? finish;
	}
	return { content, toolCalls, finish, done };
}

describe('scripted OpenAI-compatible model', () => {
	it('calls the first tool with the scripted arguments, then answers quoting the tool result (JSON)', async () => {
		const model = await startScriptedModel({ calls: [{ arguments: { topic: 'rain' } }] });
		try {
			const first = await complete(model, { stream: false, messages: [USER] });
			assert.equal(first.status, 200);
			assert.match(first.headers['content-type'] ?? '', /application\/json/);
			const call = JSON.parse(first.body) as { object: string; choices: Array<{ message: ChatMessage; finish_reason: string }> };
			assert.equal(call.object, 'chat.completion');
			assert.equal(call.choices[0].finish_reason, 'tool_calls');
			assert.equal(call.choices[0].message.content, null);
			const toolCall = call.choices[0].message.tool_calls![0];
			assert.deepEqual({ id: toolCall.id, name: toolCall.function.name }, { id: 'call_1', name: 'Coze_Workflow' });
			assert.deepEqual(JSON.parse(toolCall.function.arguments), { topic: 'rain' });

			// As n8n sends the second request: the call echoed (with an extra id), then the tool's JSON.
			const result = '[{"status":"succeeded","output":{"story":"It rained."}}]';
			const second = await complete(model, {
				stream: false,
				messages: [
					USER,
					{ role: 'assistant', content: [], tool_calls: [{ ...toolCall, function: { ...toolCall.function, arguments: '{"topic":"rain","id":"call_1"}' } }] },
					{ role: 'tool', content: result, tool_call_id: 'call_1' },
				],
			});
			const final = JSON.parse(second.body) as { choices: Array<{ message: ChatMessage; finish_reason: string }> };
			assert.equal(final.choices[0].finish_reason, 'stop');
			assert.equal(final.choices[0].message.content, `FINAL: ${result}`);
			assert.deepEqual(model.toolResults(), [result]);
			assert.deepEqual(
				model.requests.map((r) => r.answered.kind),
				['toolCall', 'text'],
			);
		} finally {
			await model.close();
		}
	});

	it('streams the same turns as SSE chunks when asked to stream', async () => {
		const model = await startScriptedModel({ calls: [{ name: 'Other_Tool', arguments: { a: 1 } }], answer: (last) => `The tool said ${last}` });
		try {
			const first = await complete(model, { stream: true, stream_options: { include_usage: true }, messages: [USER] });
			assert.match(first.headers['content-type'] ?? '', /text\/event-stream/);
			const call = assemble(first.body);
			assert.equal(call.done, true);
			assert.equal(call.finish, 'tool_calls');
			assert.deepEqual(call.toolCalls, [{ id: 'call_1', name: 'Other_Tool', arguments: '{"a":1}' }]);

			const second = await complete(model, {
				stream: true,
				messages: [USER, { role: 'assistant', content: null, tool_calls: [] }, { role: 'tool', content: '[{"ok":true}]', tool_call_id: 'call_1' }],
			});
			const text = assemble(second.body);
			assert.deepEqual({ content: text.content, finish: text.finish, done: text.done }, { content: 'The tool said [{"ok":true}]', finish: 'stop', done: true });
			assert.equal(model.requests[0].body.stream, true);
		} finally {
			await model.close();
		}
	});

	it('makes each scripted call in turn, answers text without tools, lists its model and refuses other paths', async () => {
		const model = await startScriptedModel({ calls: [{ arguments: { n: 1 } }, { arguments: { n: 2 } }] });
		try {
			const afterOne = await complete(model, { messages: [USER, { role: 'tool', content: 'one', tool_call_id: 'call_1' }] });
			const second = (JSON.parse(afterOne.body) as { choices: Array<{ message: ChatMessage }> }).choices[0].message.tool_calls![0];
			assert.deepEqual({ id: second.id, args: JSON.parse(second.function.arguments) as unknown }, { id: 'call_2', args: { n: 2 } });
			const noTools = await complete(model, { tools: undefined, messages: [USER] });
			assert.equal((JSON.parse(noTools.body) as { choices: Array<{ message: ChatMessage }> }).choices[0].message.content, 'FINAL: ');
			const models = await httpRequest('GET', `${model.baseUrl}/models`);
			assert.equal((JSON.parse(models.body) as { data: Array<{ id: string }> }).data[0].id, 'scripted-model');
			assert.equal((await httpRequest('POST', `${model.baseUrl}/responses`, { body: '{}' })).status, 404);
		} finally {
			await model.close();
		}
	});
});
