import type { INodeProperties } from 'n8n-workflow';

import { agentIdProperty } from './agentId';

export const agentOperationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Chat', value: 'chat', action: 'Send a message to an agent and get its answer', description: 'Send a message to a published agent and return its answer' },
		{
			name: 'Clear Context',
			value: 'clearContext',
			action: 'Make an agent forget the earlier messages of a conversation',
			description: 'Make the agent forget the earlier messages of a conversation (it starts a new section)',
		},
		{
			name: 'Create Conversation',
			value: 'createConversation',
			action: 'Create a conversation with an agent',
			description: 'Create a conversation with an agent, to chat in By ID',
		},
		{ name: 'List Messages', value: 'listMessages', action: 'List the messages of a conversation', description: 'Read the messages of a conversation' },
		{
			name: 'Submit Tool Outputs',
			value: 'submitToolOutputs',
			action: 'Send tool results to an agent waiting for them and get its answer',
			description: 'Answer the tool calls an agent waits for (status requiresAction) and return its answer',
		},
	],
	default: 'chat',
};

export const agentProperty = agentIdProperty(['chat', 'createConversation']);

const SUBTITLES: Record<string, string> = {
	chat: 'Chat',
	submitToolOutputs: 'Submit Tool Outputs',
	createConversation: 'Create Conversation',
	listMessages: 'List Messages',
	clearContext: 'Clear Context',
};

export const agentSubtitle = `={{ ${JSON.stringify(SUBTITLES)}[$parameter["operation"]] }}`;
