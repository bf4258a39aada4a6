import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { operations, router } from './actions/router';
import { authenticationProperty, cozeApiNodeConnections, operationProperty, workflowIdProperty, workflowOfRunProperty } from './descriptions/common';
import { inputsProperties } from './descriptions/inputs';
import { optionsProperty } from './descriptions/options';
import { COZE_WORKFLOW_DESCRIPTION, toolDescriptionProperties } from './descriptions/toolDescription';
import { callbackWebhookMethods, callbackWebhooks } from './n8n/callbackWait';
import { cozeCallbackWebhook } from './n8n/callbackWebhook';
import { cozeAccessTokenTest } from './n8n/credentialTest';
import { getToolDescriptions, getWorkflowInputs, getWorkflowVersions, searchWorkflows } from './n8n/methods';

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
			'={{ $parameter["operation"] === "run" ? "Run (" + $parameter["mode"] + ($parameter["mode"] === "async" && $parameter["waitForCallback"] === true ? ", callback" : "") + ")" : $parameter["operation"] === "chat" ? "Chat" : $parameter["operation"] === "resume" ? "Resume" : $parameter["operation"] === "uploadFile" ? "Upload File" : "Get Run" }}',
		description: COZE_WORKFLOW_DESCRIPTION,
		defaults: { name: 'Coze Workflow' },
		// Run, Async with Wait for Callback: the Coze workflow's call that resumes the waiting execution.
		webhooks: callbackWebhooks,
		properties: [
			authenticationProperty,
			operationProperty,
			workflowIdProperty,
			workflowOfRunProperty,
			// Shown only in the Tool variant n8n makes of this node.
			...toolDescriptionProperties,
			...Object.values(operations).flatMap((operation) => operation.description),
			...inputsProperties,
			optionsProperty,
		],
	};

	methods = {
		listSearch: { searchWorkflows },
		resourceMapping: { getWorkflowInputs },
		loadOptions: { getWorkflowVersions, getToolDescriptions },
		credentialTest: { cozeAccessTokenTest },
	};

	webhookMethods = callbackWebhookMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await cozeCallbackWebhook.call(this);
	}
}
