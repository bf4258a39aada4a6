import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { agentOperationProperty, agentProperty, agentSubtitle } from './agent/description';
import { agentOptionsProperty } from './agent/options';
import { operations, router } from './agent/router';
import { authenticationProperty, cozeApiNodeConnections } from './descriptions/common';
import { cozeAccessTokenTest } from './n8n/credentialTest';
import { searchAgents } from './n8n/methods';

export class CozeAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Coze Agent',
		name: 'cozeAgent',
		icon: { light: 'file:../../icons/coze.svg', dark: 'file:../../icons/coze.dark.svg' },
		...cozeApiNodeConnections,
		usableAsTool: true,
		version: 1,
		subtitle: agentSubtitle,
		description: 'Chat with published Coze agents, answer their tool calls and manage their conversations',
		defaults: { name: 'Coze Agent' },
		credentials: [
			{ name: 'cozeAccessTokenApi', required: true, testedBy: 'cozeAccessTokenTest', displayOptions: { show: { authentication: ['accessToken'] } } },
			{ name: 'cozeJwtApi', required: true, displayOptions: { show: { authentication: ['jwt'] } } },
		],
		properties: [
			authenticationProperty,
			agentOperationProperty,
			agentProperty,
			...Object.values(operations).flatMap((operation) => operation.description),
			agentOptionsProperty,
		],
	};

	methods = {
		listSearch: { searchAgents },
		credentialTest: { cozeAccessTokenTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
