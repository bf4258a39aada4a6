/**
 * A scripted OpenAI-compatible chat model on loopback, for driving n8n's AI Agent through its own
 * OpenAI Chat Model node (the base URL goes in the `openAiApi` credential). It answers Chat
 * Completions deterministically from the conversation it is sent, so n8n can retry or replay a
 * request and get the same answer:
 *
 * - while fewer tool results are in the messages than the script has calls, it calls the next tool
 *   with the script's arguments (the first tool offered unless the call names one);
 * - after that, it answers text that quotes the last tool result (`FINAL: <result>`).
 *
 * Both `"stream": false` (JSON) and `"stream": true` (SSE chunks, as the AI Agent asks for when its
 * chat streams) are answered. Every request is recorded for the test's assertions.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export const SCRIPTED_MODEL_ID = 'scripted-model';

export interface ScriptedToolCall {
	/** The tool to call, as the request's `tools` name it. Default: the first tool offered. */
	name?: string;
	arguments: Record<string, unknown>;
}

export interface ScriptedModelOptions {
	/** The tool calls, one per model turn, before the final answer. */
	calls: ScriptedToolCall[];
	/** The final answer from the last tool result. Default: `FINAL: ` and the first `quoteChars` of it. */
	answer?: (lastToolResult: string) => string;
	/** Default 2000. */
	quoteChars?: number;
}

export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface ModelRequest {
	method: string;
	path: string;
	body: {
		model?: string;
		stream?: boolean;
		messages?: ChatMessage[];
		tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: Record<string, unknown> } }>;
		[key: string]: unknown;
	};
	/** What the server answered: a tool call, a final text, or something else (models list, 404). */
	answered: { kind: 'toolCall'; name: string; arguments: Record<string, unknown> } | { kind: 'text'; text: string } | { kind: 'other' };
}

export interface ScriptedModel {
	/** For the credential's Base URL: `http://127.0.0.1:<port>/v1`. */
	baseUrl: string;
	requests: ModelRequest[];
	/** The description of the tool `name` in a request's `tools[]`, as the model received it. */
	toolDescription(request: ModelRequest, name: string): string | undefined;
	/** The tool results the model was sent (the `content` of `role: "tool"` messages), in the last request. */
	toolResults(): string[];
	close(): Promise<void>;
}

interface Answer {
	message: { role: 'assistant'; content: string | null; tool_calls?: ChatMessage['tool_calls'] };
	answered: ModelRequest['answered'];
}

function contentText(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : String((part as { text?: unknown }).text ?? ''))).join('');
	return content === undefined || content === null ? '' : JSON.stringify(content);
}

function decide(body: ModelRequest['body'], options: ScriptedModelOptions): Answer {
	const messages = body.messages ?? [];
	const results = messages.filter((m) => m.role === 'tool');
	const next = options.calls[results.length];
	const offered = body.tools ?? [];
	if (next && offered.length > 0) {
		const name = next.name ?? offered[0].function.name;
		const id = `call_${results.length + 1}`;
		return {
			message: { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(next.arguments) } }] },
			answered: { kind: 'toolCall', name, arguments: next.arguments },
		};
	}
	const last = results.length > 0 ? contentText(results[results.length - 1].content) : '';
	const text = options.answer ? options.answer(last) : `FINAL: ${last.slice(0, options.quoteChars ?? 2000)}`;
	return { message: { role: 'assistant', content: text }, answered: { kind: 'text', text } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

function answerCompletion(res: ServerResponse, body: ModelRequest['body'], answer: Answer, turn: number): void {
	const base = { id: `chatcmpl-${turn}`, created: 1700000000 + turn, model: body.model ?? SCRIPTED_MODEL_ID };
	const finish = answer.message.tool_calls ? 'tool_calls' : 'stop';
	if (body.stream !== true) {
		sendJson(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: answer.message, finish_reason: finish }], usage: USAGE });
		return;
	}
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	const chunk = (delta: Record<string, unknown>, finishReason: string | null) =>
		`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
	if (answer.message.tool_calls) {
		res.write(chunk({ role: 'assistant', content: null, tool_calls: answer.message.tool_calls.map((call, index) => ({ index, ...call })) }, null));
	} else {
		// Text in two pieces, as a model streams it.
		const text = answer.message.content ?? '';
		const half = Math.ceil(text.length / 2);
		res.write(chunk({ role: 'assistant', content: text.slice(0, half) }, null));
		res.write(chunk({ content: text.slice(half) }, null));
	}
	res.write(chunk({}, finish));
	res.end('data: [DONE]\n\n');
}

export async function startScriptedModel(options: ScriptedModelOptions): Promise<ScriptedModel> {
	const requests: ModelRequest[] = [];
	const sockets = new Set<Socket>();
	const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
		const path = (req.url ?? '').split('?')[0];
		let body: ModelRequest['body'] = {};
		try {
			body = raw ? (JSON.parse(raw) as ModelRequest['body']) : {};
		} catch {
			sendJson(res, 400, { error: { message: 'the body is not JSON' } });
			return;
		}
		const record: ModelRequest = { method: req.method ?? '', path, body, answered: { kind: 'other' } };
		requests.push(record);
		if (req.method === 'GET' && path.endsWith('/models')) {
			sendJson(res, 200, { object: 'list', data: [{ id: SCRIPTED_MODEL_ID, object: 'model', created: 0, owned_by: 'test' }] });
			return;
		}
		if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
			sendJson(res, 404, { error: { message: `no ${req.method} ${path} here: only /v1/chat/completions and /v1/models` } });
			return;
		}
		const answer = decide(body, options);
		record.answered = answer.answered;
		answerCompletion(res, body, answer, requests.length);
	};
	const server = createServer((req, res) => {
		const parts: Buffer[] = [];
		req.on('data', (part: Buffer) => parts.push(part));
		req.on('end', () => handle(req, res, Buffer.concat(parts).toString('utf8')));
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		toolDescription: (request, name) => request.body.tools?.find((t) => t.function.name === name)?.function.description,
		toolResults: () => {
			const last = requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1);
			return (last?.body.messages ?? []).filter((m) => m.role === 'tool').map((m) => contentText(m.content));
		},
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
