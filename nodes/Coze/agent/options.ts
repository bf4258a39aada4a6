import type { IDataObject, IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { byDisplayName, optionsCollection } from '../../shared/descriptions';
import { chatOptions } from '../descriptions/chat';
import { CozeInputError } from '../protocol/errors';
import { isPlainObject } from '../protocol/json';

const STREAMED: IDisplayOptions[] = [
	{ show: { '/operation': ['chat'], '/mode': ['stream'] } },
	{ show: { '/operation': ['submitToolOutputs'] } },
];
const POLLED: IDisplayOptions = { show: { '/operation': ['chat'], '/mode': ['poll'] } };
const CHAT: IDisplayOptions = { show: { '/operation': ['chat'] } };
const CREATE: IDisplayOptions = { show: { '/operation': ['createConversation'] } };

/** A list of name/value pairs, entered one per row. */
function pairs(displayName: string, name: string, row: string, keyName: string, description: string, rule: IDisplayOptions): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		description,
		displayOptions: rule,
		options: [
			{
				displayName: row,
				name: 'values',
				values: [
					{ displayName: 'Name', name: keyName, type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	};
}

const options: INodeProperties[] = [
		...STREAMED.flatMap((rule) => chatOptions(rule)),
		...chatOptions(POLLED, ['connectorId', 'includeEvents', 'includeMessages']),
		{
			displayName: 'Max Wait Time (Seconds)',
			name: 'totalTimeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 1200,
			description: 'How long to wait for the answer; then the chat is cancelled',
			displayOptions: POLLED,
		},
		pairs(
			'Custom Variables',
			'customVariables',
			'Variable',
			'name',
			"Values for the agent's prompt variables ({{name}} in its persona), by name (Coze calls them custom_variables)",
			CHAT,
		),
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: '',
			description: 'The name of the conversation, as Coze lists it',
			displayOptions: CREATE,
		},
		pairs('Metadata', 'metadata', 'Entry', 'key', 'Your own key/value pairs stored with the conversation (at most 16; Coze calls them meta_data)', CREATE),
		...chatOptions(CREATE, ['connectorId']),
];

export const agentOptionsProperty: INodeProperties = optionsCollection(byDisplayName(options));

/** Name/value rows of a fixed collection as a map; a row without a name is refused. */
export function readPairs(options: IDataObject, name: string, label: string, keyName: string): Record<string, string> | undefined {
	const collection = options[name];
	const rows = isPlainObject(collection) && Array.isArray(collection.values) ? collection.values : [];
	const entries: Array<[string, string]> = [];
	for (const row of rows) {
		const record = isPlainObject(row) ? row : {};
		const key = typeof record[keyName] === 'string' ? record[keyName].trim() : '';
		const value = record.value;
		if (key === '') throw new CozeInputError(label, `${label}: every row needs a name`);
		entries.push([key, typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value)]);
	}
	return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
