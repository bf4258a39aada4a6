import { NodeConnectionTypes, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';

import { WORKFLOW_ID_IN_URL } from '../protocol/ids';

/**
 * The group and connections of the Coze nodes that call Coze's API. Icon, usableAsTool and the
 * credentials stay in each node class, where n8n's lint looks for them.
 */
export const cozeApiNodeConnections: Pick<INodeTypeDescription, 'group' | 'inputs' | 'outputs'> = {
	group: ['transform'],
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
};

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'Access Token', value: 'accessToken', description: 'A personal, service or OAuth access token' },
		{ name: 'OAuth JWT (Service App)', value: 'jwt', description: 'An OAuth service app whose token renews itself' },
	],
	default: 'accessToken',
};

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Chat',
			value: 'chat',
			action: 'Send a message to a chatflow and get its answer',
			description: 'Send a message to a published chatflow and return its answer, in a conversation that remembers earlier messages',
		},
		{ name: 'Get Run', value: 'getRun', action: 'Get the status and output of a workflow run by its execute ID', description: 'Read the status and result of a run by its execute ID' },
		{
			name: 'Resume',
			value: 'resume',
			action: 'Answer the question of an interrupted workflow run and get its output',
			description: 'Answer the question of a run that stopped at a Question or Input node',
		},
		{ name: 'Run', value: 'run', action: 'Run a workflow with inputs and get its output', description: 'Run a published workflow and return its result' },
		{
			name: 'Upload File',
			value: 'uploadFile',
			action: 'Upload a file for a workflow input and get its file ID',
			description: 'Upload a binary file to Coze and get its file ID, for file inputs of workflows',
		},
	],
	default: 'run',
};

export const workflowIdProperty: INodeProperties = {
	displayName: 'Workflow',
	name: 'workflowId',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: '' },
	description: 'The published Coze workflow, or for Chat the published chatflow (Coze calls its ID workflow_id)',
	displayOptions: { show: { operation: ['run', 'chat'] } },
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchWorkflows', searchable: true, searchFilterRequired: false },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 7400000000000000010',
			// No regex `validation` here: n8n 2.x re-checks it before every execution in a vm with a watchdog
			// thread (milliseconds per run, the bulk of a short run's overhead). The node checks the ID
			// itself when it runs, with a message that names the field.
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'https://www.coze.com/work_flow?space_id=…&workflow_id=7400…',
			// The node reads the ID with the same pattern, so what passes here also runs.
			extractValue: { type: 'regex', regex: WORKFLOW_ID_IN_URL.source },
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `.*${WORKFLOW_ID_IN_URL.source}.*`,
						errorMessage: 'Paste the URL of a Coze workflow editor or debug page: it contains workflow_id=… or /workflow/<ID>',
					},
				},
			],
		},
	],
};

/**
 * The same field for Resume and Get Run. Run's output items name their workflow, so after a Run
 * it fills itself in; the run belongs to that workflow and Coze refuses any other.
 */
export const workflowOfRunProperty: INodeProperties = {
	...workflowIdProperty,
	default: { __rl: true, mode: 'id', value: '={{ $json.workflowId }}' },
	description: 'The workflow that started the run (workflowId of the run\'s item)',
	displayOptions: { show: { operation: ['resume', 'getRun'] } },
};
