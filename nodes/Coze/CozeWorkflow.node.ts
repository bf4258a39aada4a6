import {
	sleep,
	NodeConnectionTypes,
	NodeOperationError,
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
import { readConcurrency } from './shared/runOptions';
import { RequestRateLimiter } from './protocol/rateLimiter';
import { runItems } from '../shared/itemRunner';
import { settleNow } from '../shared/settle';

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
		const operation = this.getNodeParameter('operation', 0) as string;
		const handler = operations[operation];
		const authentication = this.getNodeParameter('authentication', 0, 'accessToken') as CozeAuthentication;
		const schemas: SchemaCache = new Map();
		const settings = settleNow(() => readConcurrency(this));
		if (settings instanceof Error) throw new NodeOperationError(this.getNode(), settings.message, { description: 'Check the node\'s Options.' });
		const { concurrency, requestsPerSecond } = settings;
		// One client for all items: the credential (and a renewed JWT token) and the request rate are shared.
		let connection: Promise<CozeWorkflowClient> | undefined;
		// The Coze host for error hints, once the credential was read.
		let host = 'Coze';
		const connect = async () => {
			connection ??= createCozeClient(this, authentication).then((made) => {
				host = made.endpoint.host;
				made.client.setRateLimiter(new RequestRateLimiter(requestsPerSecond, { now: () => Date.now(), sleep: async (ms) => await sleep(ms) }));
				return made.client;
			});
			return await connection;
		};
		const returnData = await runItems(this, {
			concurrency,
			perItem: async (itemIndex) => {
				if (!handler) throw new NodeOperationError(this.getNode(), `Operation "${operation}" is not one of Run, Resume, Get Run or Upload File`, { itemIndex });
				return await handler.call(this, itemIndex, await connect(), schemas);
			},
			errorJson: (error, itemIndex) =>
				error instanceof CozeError ? errorDetails(error, host) : { error: toNodeError(this.getNode(), error, itemIndex, host).message },
			toNodeError: (error, itemIndex) => toNodeError(this.getNode(), error, itemIndex, host),
		});
		return [returnData];
	}
}
