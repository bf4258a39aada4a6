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
import { readConcurrency } from './shared/runOptions';
import { runPool } from './protocol/rateLimiter';

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
		const schemas: SchemaCache = new Map();
		let settings: { concurrency: number; requestsPerSecond: number } | CozeError;
		try {
			settings = readConcurrency(this);
		} catch (error) {
			settings = error as CozeError;
		}
		if (settings instanceof Error) throw new NodeOperationError(this.getNode(), settings.message, { description: 'Check the node\'s Options.' });
		const { concurrency, requestsPerSecond } = settings;
		// One client for all items: the credential (and a renewed JWT token) and the request rate are shared.
		let connection: Promise<Awaited<ReturnType<typeof createCozeClient>>> | undefined;
		const connect = async () => {
			connection ??= createCozeClient(this, authentication, { requestsPerSecond });
			return await connection;
		};
		let stopped = false;
		type Outcome = { ok: true; json: IDataObject } | { ok: false; error: unknown } | undefined;
		const outcomes = await runPool<Outcome>(items.length, concurrency, async (itemIndex) => {
			// Without continue-on-fail, the first failure stops the items not yet started, as one at a time would.
			if (stopped) return undefined;
			try {
				if (!handler) throw new NodeOperationError(this.getNode(), `Operation "${operation}" is not one of Run, Resume, Get Run or Upload File`, { itemIndex });
				const { client } = await connect();
				return { ok: true, json: await handler.call(this, itemIndex, client, schemas) };
			} catch (error) {
				if (!this.continueOnFail()) stopped = true;
				return { ok: false, error };
			}
		});
		const host = connection ? (await connection.catch(() => undefined))?.endpoint.host ?? 'Coze' : 'Coze';
		const returnData: INodeExecutionData[] = [];
		for (const [itemIndex, outcome] of outcomes.entries()) {
			if (!outcome) continue;
			if (outcome.ok) {
				returnData.push({ json: outcome.json, pairedItem: { item: itemIndex } });
				continue;
			}
			const error = outcome.error;
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
		return [returnData];
	}
}
