import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { operations, router } from './actions/router';
import { authenticationProperty, cozeApiNodeConnections, operationProperty, workflowIdProperty, workflowOfRunProperty } from './descriptions/common';
import { inputsProperties } from './descriptions/inputs';
import { optionsProperty } from './descriptions/options';
import { cozeAccessTokenTest } from './n8n/credentialTest';
import { getWorkflowInputs, getWorkflowVersions, searchWorkflows } from './n8n/methods';

export class CozeWorkflow implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Coze Workflow',
		name: 'cozeWorkflow',
		icon: { light: 'file:../../icons/coze.svg', dark: 'file:../../icons/coze.dark.svg' },
		...cozeApiNodeConnections,
		credentials: [
			{ name: 'cozeAccessTokenApi', required: true, testedBy: 'cozeAccessTokenTest', displayOptions: { show: { authentication: ['accessToken'] } } },
			{ name: 'cozeJwtApi', required: true, displayOptions: { show: { authentication: ['jwt'] } } },
		],
		usableAsTool: true,
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'={{ $parameter["operation"] === "run" ? "Run (" + $parameter["mode"] + ")" : $parameter["operation"] === "chat" ? "Chat" : $parameter["operation"] === "resume" ? "Resume" : $parameter["operation"] === "uploadFile" ? "Upload File" : "Get Run" }}',
		description: 'Run Coze workflows in stream, async or sync mode, chat with chatflows, resume interrupted runs and read runs',
		defaults: { name: 'Coze Workflow' },
		properties: [
			authenticationProperty,
			operationProperty,
			workflowIdProperty,
			workflowOfRunProperty,
			...Object.values(operations).flatMap((operation) => operation.description),
			...inputsProperties,
			optionsProperty,
		],
	};

	methods = {
		listSearch: { searchWorkflows },
		resourceMapping: { getWorkflowInputs },
		loadOptions: { getWorkflowVersions },
		credentialTest: { cozeAccessTokenTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
