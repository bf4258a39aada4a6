import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CozeRunResult, CozeWorkflowClient, RunRequest } from '../protocol/client';
import { ASYNC_NEEDS_PAID_PLAN_CODE, CozeApiError, CozeInputError } from '../protocol/errors';
import { settle } from '../../shared/settle';
import { liveChunkForwarder } from '../shared/liveChunks';
import { reportNotices } from '../shared/notices';
import { readRunParameters, type SchemaCache } from '../shared/inputValues';
import { readRunOptions, readWorkflowId, streamOptions } from '../shared/runOptions';
import { runResultToJson } from '../shared/results';

type RunMode = 'stream' | 'async' | 'sync';

export async function runWorkflow(this: IExecuteFunctions, itemIndex: number, client: CozeWorkflowClient, schemas: SchemaCache): Promise<IDataObject> {
	const workflowId = readWorkflowId(this, itemIndex);
	const mode = this.getNodeParameter('mode', itemIndex, 'stream') as RunMode;
	const options = readRunOptions(this, itemIndex);
	const request: RunRequest = {
		workflowId,
		parameters: await readRunParameters(this, itemIndex, client, workflowId, schemas),
		botId: options.botId,
		appId: options.appId,
		workflowVersion: options.workflowVersion,
		userId: options.userId,
	};

	const stream = async (): Promise<CozeRunResult> => {
		const live = liveChunkForwarder(this, itemIndex, options);
		try {
			return await client.streamRun(request, streamOptions(options, live?.forward));
		} finally {
			live?.finish();
		}
	};

	let result: CozeRunResult;
	if (mode === 'stream') {
		result = await stream();
	} else if (mode === 'sync') {
		result = await client.runSync(request, options.requestTimeoutMs);
	} else if (mode === 'async') {
		const started = await settle(async () => await client.startAsync(request, options.requestTimeoutMs));
		// 6003 is refused before any run starts, so running in stream mode instead cannot run it twice.
		const fallBack = options.fallbackToStream && started instanceof CozeApiError && started.code === ASYNC_NEEDS_PAID_PLAN_CODE;
		if (started instanceof Error && !fallBack) throw started;
		if (!(started instanceof Error)) {
			result = await client.waitForResult(workflowId, started.executeId, options.poll, 'async', { startedAt: started.startedAt, remember: true });
			result.logId ??= started.logId;
		} else {
			result = await stream();
			result.notices.push('Coze refused the async run (6003: async runs need a paid plan); it ran in stream mode instead.');
		}
	} else {
		throw new CozeInputError('Mode', `Mode must be stream, async or sync, not "${String(mode)}"`);
	}

	if (mode === 'stream' && result.status === 'succeeded' && result.messageCount === 1) {
		result.notices.push(
			'Coze sent the whole output as one chunk: the End node returns variables, which do not stream. For text as it is produced, set the End node to answer with text and turn on streaming output, or add an Output node.',
		);
	}
	reportNotices(this, result);
	return runResultToJson(result, options);
}
