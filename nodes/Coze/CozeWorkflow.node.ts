import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type JsonObject,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { getRun } from './actions/getRun.operation';
import { uploadFile } from './actions/uploadFile.operation';
import { resumeRun } from './actions/resume.operation';
import { runWorkflow } from './actions/run.operation';
import { authenticationProperty, operationProperty, workflowIdProperty } from './descriptions/common';
import { getRunProperties } from './descriptions/getRun';
import { uploadFileProperties } from './descriptions/uploadFile';
import { optionsProperty } from './descriptions/options';
import { resumeProperties } from './descriptions/resume';
import { runProperties } from './descriptions/run';
import type { CozeWorkflowClient } from './protocol/client';
import { CozeError } from './protocol/errors';
import { createCozeClient, type CozeAuthentication } from './shared/connection';
import { getWorkflowInputs, getWorkflowVersions, searchWorkflows } from './shared/editorLists';
import type { SchemaCache } from './shared/inputValues';
import { errorDetails, toNodeError } from './shared/results';

type Operation = (this: IExecuteFunctions, itemIndex: number, client: CozeWorkflowClient, schemas: SchemaCache) => Promise<IDataObject>;

const operations: Record<string, Operation> = {
	run: runWorkflow,
	resume: resumeRun,
	getRun,
	uploadFile,
};

export class CozeWorkflow implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Coze Workflow',
		name: 'cozeWorkflow',
		icon: { light: 'file:../../icons/coze.svg', dark: 'file:../../icons/coze.dark.svg' },
		group: ['transform'],
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{ $parameter["operation"] === "run" ? "Run (" + $parameter["mode"] + ")" : $parameter["operation"] === "resume" ? "Resume" : $parameter["operation"] === "uploadFile" ? "Upload File" : "Get Run" }}',
		description: 'Run Coze workflows in stream, async or sync mode, resume interrupted runs and read runs',
		defaults: { name: 'Coze Workflow' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'cozeAccessTokenApi', required: true, displayOptions: { show: { authentication: ['accessToken'] } } },
			{ name: 'cozeJwtApi', required: true, displayOptions: { show: { authentication: ['jwt'] } } },
		],
		properties: [
			authenticationProperty,
			operationProperty,
			workflowIdProperty,
			...runProperties,
			...resumeProperties,
			...getRunProperties,
			...uploadFileProperties,
			optionsProperty,
		],
	};

	methods = {
		listSearch: { searchWorkflows },
		resourceMapping: { getWorkflowInputs },
		loadOptions: { getWorkflowVersions },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const handler = operations[operation];
		const authentication = this.getNodeParameter('authentication', 0, 'accessToken') as CozeAuthentication;
		const returnData: INodeExecutionData[] = [];
		let connection: Awaited<ReturnType<typeof createCozeClient>> | undefined;
		const schemas: SchemaCache = new Map();
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				// One client for all items: the credential (and a renewed JWT token) is shared.
				connection ??= await createCozeClient(this, authentication);
				if (!handler) throw new NodeOperationError(this.getNode(), `Operation "${operation}" is not one of Run, Resume, Get Run or Upload File`, { itemIndex });
				const json = await handler.call(this, itemIndex, connection.client, schemas);
				returnData.push({ json, pairedItem: { item: itemIndex } });
			} catch (error) {
				const host = connection?.endpoint.host ?? 'Coze';
				if (this.continueOnFail() && error instanceof CozeError) {
					returnData.push({ json: errorDetails(error, host), pairedItem: { item: itemIndex } });
					continue;
				}
				const nodeError = toNodeError(this.getNode(), error, itemIndex, host);
				if (this.continueOnFail()) {
					returnData.push({ json: { error: nodeError.message }, pairedItem: { item: itemIndex } });
					continue;
				}
				// Both constructors return the given error when it already is one of theirs.
				if (nodeError instanceof NodeApiError) throw new NodeApiError(this.getNode(), nodeError as unknown as JsonObject, { itemIndex });
				throw new NodeOperationError(this.getNode(), nodeError, { itemIndex });
			}
		}
		return [returnData];
	}
}
