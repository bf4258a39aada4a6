import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ToolOutput } from '../protocol/chat/types';
import { CozeInputError } from '../protocol/errors';
import { isPlainObject } from '../protocol/json';
import { conversationIdProperty } from '../descriptions/chat';
import { chatResultToJson, chatStreamOptions, readChatOptions, readConversationId } from '../n8n/chat';
import type { CozeConnection } from '../n8n/connection';
import { digitsId, idParameter } from '../n8n/params';
import { withLiveAnswer } from '../n8n/liveChunks';
import { reportNotices } from '../n8n/notices';

const show = { operation: ['submitToolOutputs'] };

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	conversationIdProperty(show, '={{ $json.conversationId }}'),
	{
		displayName: 'Chat ID',
		name: 'chatId',
		type: 'string',
		required: true,
		default: '={{ $json.chatId }}',
		placeholder: '7400000000000000400',
		description: 'The chat that waits for the tool outputs (chatId of the item whose status is requiresAction)',
		displayOptions: { show },
	},
	{
		displayName: 'Tool Outputs',
		name: 'toolOutputs',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		required: true,
		default: {},
		description: 'One result per tool call of the item (toolCalls): its ID and what the tool returned',
		displayOptions: { show },
		options: [
			{
				displayName: 'Output',
				name: 'values',
				values: [
					{
						displayName: 'Tool Call ID',
						name: 'toolCallId',
						type: 'string',
						default: '',
						description: 'The ID of the tool call, from toolCalls of the item',
					},
					{ displayName: 'Output', name: 'output', type: 'string', default: '', description: "The tool's result, as text (JSON as text is fine)" },
				],
			},
		],
	},
];

function readToolOutputs(context: IExecuteFunctions, itemIndex: number): ToolOutput[] {
	const collection = context.getNodeParameter('toolOutputs', itemIndex, {}) as IDataObject;
	const rows = Array.isArray(collection.values) ? collection.values : [];
	const outputs = rows.map((row, index) => {
		const record = isPlainObject(row) ? row : {};
		const toolCallId = idParameter(record.toolCallId, 'Tool Call ID');
		if (toolCallId === '')
			throw new CozeInputError('Tool Outputs', `Tool Outputs: row ${index + 1} has no Tool Call ID (the id of one of the item's toolCalls)`);
		const output = record.output;
		return { toolCallId, output: typeof output === 'string' ? output : output === undefined || output === null ? '' : JSON.stringify(output) };
	});
	if (outputs.length === 0)
		throw new CozeInputError('Tool Outputs', 'Tool Outputs is empty: add one output per tool call the agent waits for (toolCalls of the item)');
	return outputs;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, { chat }: CozeConnection): Promise<IDataObject> {
	const conversationId = readConversationId(this, itemIndex);
	const chatId = digitsId(this.getNodeParameter('chatId', itemIndex, '') as unknown, 'Chat ID');
	if (chatId === '') throw new CozeInputError('Chat ID', 'Chat ID is empty: use the chatId of the item whose status is requiresAction');
	const outputs = readToolOutputs(this, itemIndex);
	const options = readChatOptions(this.getNodeParameter('options', itemIndex, {}) as IDataObject);
	const result = await withLiveAnswer(
		this,
		itemIndex,
		options.streamToResponse,
		async (onDelta) => await chat.submitToolOutputs({ conversationId, chatId }, outputs, chatStreamOptions(options, onDelta)),
	);
	reportNotices(this, result, 'chat');
	return chatResultToJson(result, options);
}
