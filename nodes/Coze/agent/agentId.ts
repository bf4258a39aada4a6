import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { CozeInputError } from '../protocol/errors';
import { AGENT_ID, AGENT_ID_IN_URL, looksLikeUrl } from '../protocol/ids';
import { idParameter, locatorValue } from '../n8n/params';

export function agentIdProperty(operations: string[]): INodeProperties {
	return {
		displayName: 'Agent',
		name: 'agentId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description: 'The Coze agent, published to the API (Agent as API) channel (Coze calls its ID bot_id)',
		displayOptions: { show: { operation: operations } },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchAgents', searchable: true, searchFilterRequired: false },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 7400000000000000100',
				validation: [{ type: 'regex', properties: { regex: AGENT_ID.source, errorMessage: 'An agent ID has 19 digits' } }],
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'https://www.coze.com/space/7400…/bot/7400…',
				// The node reads the ID with the same pattern, so what passes here also runs.
				extractValue: { type: 'regex', regex: AGENT_ID_IN_URL.source },
				validation: [
					{
						type: 'regex',
						properties: {
							regex: `.*${AGENT_ID_IN_URL.source}.*`,
							errorMessage: 'Paste the URL of the agent in Coze: it contains /bot/<ID>',
						},
					},
				],
			},
		],
	};
}

/** The agent ID of the Agent parameter: an ID, or a Coze agent URL, in any mode. */
export function agentIdOf(raw: unknown): string {
	const { mode, value } = locatorValue(raw);
	const text = idParameter(value, 'Agent');
	if (text === '') throw new CozeInputError('Agent', 'Agent is empty: choose a published Coze agent, enter its ID, or paste its URL');
	if (AGENT_ID.test(text)) return text;
	const fromUrl = AGENT_ID_IN_URL.exec(text)?.[1];
	if (fromUrl) return fromUrl;
	if (mode === 'url' || looksLikeUrl(text)) {
		throw new CozeInputError('Agent', `Agent: the URL holds no agent ID ("${text}"). Paste the URL of the agent in Coze (it contains /bot/<ID>), or enter the ID By ID`);
	}
	throw new CozeInputError('Agent', `Agent must be a Coze agent ID (19 digits) or its URL, not "${text}"`);
}

export function readAgentId(context: IExecuteFunctions, itemIndex: number): string {
	return agentIdOf(context.getNodeParameter('agentId', itemIndex, '', { extractValue: false }) as unknown);
}
