import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/** The fields of a chat round, shared by the Coze Workflow node's Chat and the Coze Agent node. */

function messageProperty(show: IDisplayOptions['show'], description: string): INodeProperties {
	return {
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 2 },
		required: true,
		default: '={{ $json.chatInput }}',
		description,
		displayOptions: { show },
	};
}

export function conversationIdProperty(show: IDisplayOptions['show'], defaultValue = ''): INodeProperties {
	return {
		displayName: 'Conversation ID',
		name: 'conversationId',
		type: 'string',
		required: true,
		default: defaultValue,
		placeholder: '7400000000000000300',
		description: "The Coze conversation (conversationId of an earlier chat's item, or of Create Conversation)",
		displayOptions: { show },
	};
}

/** Conversation (new / by ID / one per chat session) with its Conversation ID and Session ID. */
function conversationProperties(show: NonNullable<IDisplayOptions['show']>, sessionNeeds: string): INodeProperties[] {
	return [
		{
			displayName: 'Conversation',
			name: 'conversation',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'New Conversation', value: 'new', description: 'Each message starts a conversation of its own, without memory of earlier ones' },
				{ name: 'By ID', value: 'id', description: 'Continue a conversation whose ID you have' },
				{
					name: 'One per Chat Session',
					value: 'session',
					description: `One Coze conversation per n8n chat session${sessionNeeds}, found again by its session ID. Coze keeps it, so it survives restarts.`,
				},
			],
			default: 'new',
			description: 'Which Coze conversation the message goes to: the context the answer remembers',
			displayOptions: { show },
		},
		conversationIdProperty({ ...show, conversation: ['id'] }),
		{
			displayName: 'Session ID',
			name: 'sessionId',
			type: 'string',
			required: true,
			default: '={{ $json.sessionId }}',
			description: 'The n8n chat session (a Chat Trigger gives it as sessionId): each session has its own Coze conversation',
			displayOptions: { show: { ...show, conversation: ['session'] } },
		},
	];
}

/** Max Event Size, for every option list of an operation that reads a Coze stream. */
export const maxEventSizeOption: INodeProperties = {
	displayName: 'Max Event Size (MB)',
	name: 'maxEventSize',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 512 },
	default: 64,
	description:
		'The most one event from Coze may hold; a larger one fails the item. No Coze output comes near the default: the limit keeps a server that sends a line without end (a wrong Base URL) from filling the memory of n8n.',
};

/** The options of a chat round, to be listed once per operation (with its display rule). */
export const chatOptionFields: INodeProperties[] = [
	{
		displayName: 'Connector ID',
		name: 'connectorId',
		type: 'string',
		default: '',
		placeholder: '1024',
		description: 'The channel the chat runs in (Coze calls it connector_id; default 1024, the API)',
	},
	{
		displayName: 'Idle Timeout (Seconds)',
		name: 'idleTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 600,
		description:
			'Fail when Coze sends nothing for this long. Chat streams have no keep-alive, so cover the longest silent step (a slow model, plugin or workflow).',
	},
	{
		displayName: 'Include Events',
		name: 'includeEvents',
		type: 'boolean',
		default: false,
		description: 'Whether to add the raw events of the chat to the output (events)',
	},
	{
		displayName: 'Include Messages',
		name: 'includeMessages',
		type: 'boolean',
		default: false,
		description: 'Whether to add every completed message of the round (answers, tool calls, follow-ups…) to the output (messages)',
	},
	maxEventSizeOption,
	{
		displayName: 'Stream to Response',
		name: 'streamToResponse',
		type: 'boolean',
		default: true,
		description:
			'Whether to forward the answer, as it arrives, into the response of a Webhook or Chat Trigger that streams (n8n 1.104 and later). Only answer text is forwarded; the item still holds the full result.',
	},
	{
		displayName: 'Total Timeout (Seconds)',
		name: 'totalTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1200,
		description: 'The longest the chat round may take',
	},
];

/** The chat options shown under `rule`. */
export function chatOptions(rule: IDisplayOptions, names?: string[]): INodeProperties[] {
	return chatOptionFields.filter((field) => !names || names.includes(field.name)).map((field) => ({ ...field, displayOptions: rule }));
}

/** Message, then the conversation it goes to. */
export function conversationMessageProperties(show: NonNullable<IDisplayOptions['show']>, messageDescription: string, sessionNeeds: string): INodeProperties[] {
	return [messageProperty(show, messageDescription), ...conversationProperties(show, sessionNeeds)];
}
