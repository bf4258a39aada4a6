import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CozeWorkflowClient } from '../protocol/client';
import { CozeInputError } from '../protocol/errors';
import { decodeEndOutput, splitHistoryOutput } from '../protocol/output';
import { reportNotices } from '../shared/notices';
import { readRunOptions, readWorkflowId } from '../shared/runOptions';
import { runResultToJson } from '../shared/results';

const STATUS: Record<string, string> = { Running: 'running', Success: 'succeeded', Fail: 'failed' };

export async function getRun(this: IExecuteFunctions, itemIndex: number, client: CozeWorkflowClient): Promise<IDataObject> {
	const workflowId = readWorkflowId(this, itemIndex);
	const options = readRunOptions(this, itemIndex);
	const executeId = String(this.getNodeParameter('executeId', itemIndex, '') ?? '').trim();
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
		return { ...runResultToJson(result, options), error: null };
	}
	// A failed or running run is what Get Run reports, not a failure of Get Run.
	const { endOutput } = splitHistoryOutput(record.output);
	return {
		status: STATUS[record.status] ?? record.status,
		output: record.status === 'Running' ? null : (decodeEndOutput(endOutput, options.parseOutput) as IDataObject['output']),
		executeId: record.executeId,
		debugUrl: record.debugUrl ?? null,
		usage: record.usage ? { ...record.usage } : null,
		logId: record.logId ?? null,
		error:
			record.status === 'Fail'
				? { code: record.errorCode ?? null, message: record.errorMessage ?? 'The workflow run failed' }
				: null,
	};
}
