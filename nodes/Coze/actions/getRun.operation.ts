import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { CozeInputError } from '../protocol/errors';
import { decodeEndOutput, splitHistoryOutput } from '../protocol/output';
import type { CozeConnection } from '../n8n/connection';
import { reportNotices } from '../n8n/notices';
import { idParameter, readRunOptions, readWorkflowId } from '../n8n/params';
import { runResultToJson } from '../n8n/output';

const show = { operation: ['getRun'] };

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		displayName: 'Execute ID',
		name: 'executeId',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '={{ $json.executeId }}',
		placeholder: '7404830425073352713',
		description: "The run's execute ID (Coze calls it execute_id)",
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		displayOptions: { show },
		default: false,
		description: 'Whether to poll until the run has finished instead of returning its current status',
	},
];

const STATUS: Record<string, string> = { Running: 'running', Success: 'succeeded', Fail: 'failed' };

export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: CozeConnection): Promise<IDataObject> {
	const workflowId = readWorkflowId(this, itemIndex);
	const options = readRunOptions(this, itemIndex);
	const executeId = idParameter(this.getNodeParameter('executeId', itemIndex, '') as unknown, 'Execute ID');
	if (!/^\d+$/.test(executeId)) {
		throw new CozeInputError(
			'Execute ID',
			executeId === '' ? "Execute ID is empty: use the run's executeId" : `Execute ID must be digits only (execute_id), not "${executeId}"`,
		);
	}
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, false) === true;
	const record = wait
		? await client.waitForRun(workflowId, executeId, options.poll)
		: await client.getRunHistory(workflowId, executeId, options.requestTimeoutMs);

	if (record.status === 'Success') {
		const result = await client.resultFromHistory(workflowId, record, 'history', options.requestTimeoutMs);
		reportNotices(this, result);
		return { ...runResultToJson(result, options, workflowId), error: null };
	}
	// A failed or running run is what Get Run reports, not a failure of Get Run.
	const { endOutput } = splitHistoryOutput(record.output);
	return {
		status: STATUS[record.status] ?? record.status,
		output: record.status === 'Running' ? null : (decodeEndOutput(endOutput, options.parseOutput) as IDataObject['output']),
		executeId: record.executeId,
		workflowId,
		debugUrl: record.debugUrl ?? null,
		usage: record.usage ? { ...record.usage } : null,
		logId: record.logId ?? null,
		error:
			record.status === 'Fail'
				? { code: record.errorCode ?? null, message: record.errorMessage ?? 'The workflow run failed' }
				: null,
	};
}
