import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CozeRunResult, RunRequest } from '../protocol/client';
import { ASYNC_NEEDS_PAID_PLAN_CODE, CozeApiError, CozeInputError, markingOpenRun } from '../protocol/errors';
import { settle } from '../../shared/settle';
import type { CozeConnection } from '../n8n/connection';
import { callbackUrl, pendingItem, readCallbackInput } from '../n8n/callbackWait';
import { isToolMode } from '../../shared/toolMode';
import { liveChunkForwarder } from '../n8n/liveChunks';
import { reportNotices } from '../n8n/notices';
import type { InputSchemas } from '../n8n/inputSchemas';
import { readRunParameters } from '../n8n/inputValues';
import { readRunOptions, readWorkflowId, streamOptions } from '../n8n/params';
import { runResultToJson } from '../n8n/output';

const show = { operation: ['run'] };

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		displayOptions: { show },
		options: [
			{
				name: 'Stream',
				value: 'stream',
				description: 'Read the output as the workflow produces it. Works for long runs and for workflows that ask questions.',
			},
			{
				name: 'Async',
				value: 'async',
				description: 'Start the run in the background and check on it until it ends. For runs longer than 10 minutes; needs a paid Coze plan.',
			},
			{
				name: 'Sync',
				value: 'sync',
				description: 'Wait for the whole result in one request. Coze stops it after 90 s; not for workflows whose Output nodes stream.',
			},
		],
		default: 'stream',
	},
	{
		displayName: 'Wait for Callback',
		name: 'waitForCallback',
		type: 'boolean',
		displayOptions: { show: { ...show, mode: ['async'] } },
		default: false,
		description:
			'Whether to park the n8n execution until the Coze workflow calls back, instead of polling. Nothing is polled and no worker is held meanwhile, for up to Max Wait Time (24 h at most). The Coze workflow must end with an HTTP node that POSTs to the URL it receives: see the README.',
	},
	{
		displayName: 'Callback URL Input',
		name: 'callbackUrlInput',
		type: 'string',
		displayOptions: { show: { ...show, mode: ['async'], waitForCallback: [true] } },
		default: 'callback_url',
		placeholder: 'callback_url',
		description: "The String input of the Coze workflow's Start node that receives the URL to call when the run ends",
	},
];

type RunMode = 'stream' | 'async' | 'sync';

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CozeConnection, schemas: InputSchemas): Promise<IDataObject> {
	const { client } = connection;
	const workflowId = readWorkflowId(this, itemIndex);
	const mode = this.getNodeParameter('mode', itemIndex, 'stream') as RunMode;
	const options = readRunOptions(this, itemIndex);
	// A tool's caller (an AI agent, an MCP client) waits for the answer within its call: as a tool the run is polled.
	const waits = mode === 'async' && this.getNodeParameter('waitForCallback', itemIndex, false) === true && !isToolMode(this);
	// The node fills this input with the callback URL: a required one is neither asked for nor checked.
	const callbackInput = waits ? readCallbackInput(this, itemIndex) : undefined;
	const request: RunRequest = {
		workflowId,
		parameters: await readRunParameters(this, itemIndex, connection, workflowId, schemas, new Set(callbackInput === undefined ? [] : [callbackInput])),
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
		// With Execute Once n8n hands the node a copy of its input, which a time-out would not pass on.
		if (waits && this.getNode().executeOnce === true) {
			throw new CozeInputError('Wait for Callback', 'Wait for Callback does not work with the node setting Execute Once: turn one of them off (Settings → Execute Once).');
		}
		const callback = waits ? callbackUrl(this, itemIndex) : undefined;
		if (callback === null) {
			throw new CozeInputError('Wait for Callback', 'This execution has no resume URL to hand to Coze (it has no execution ID): turn Wait for Callback off to poll instead.');
		}
		if (callback && callbackInput) request.parameters = { ...request.parameters, [callbackInput]: callback };
		const started = await settle(async () => await client.startAsync(request, options.requestTimeoutMs));
		// 6003 is refused before any run starts, so running in stream mode instead cannot run it twice.
		const fallBack = options.fallbackToStream && started instanceof CozeApiError && started.code === ASYNC_NEEDS_PAID_PLAN_CODE;
		if (started instanceof Error && !fallBack) throw started;
		if (started instanceof Error) {
			result = await stream();
			result.notices.push('Coze refused the async run (6003: async runs need a paid plan); it ran in stream mode instead.');
		} else if (callback) {
			// A run that ended at once may have called back before n8n saved the wait, and n8n refused that call: look once before waiting.
			const record = await settle(async () => await client.getRunHistory(workflowId, started.executeId, options.requestTimeoutMs));
			if (record instanceof Error || (record.status === 'Running' && !record.interrupt)) {
				return pendingItem({ ...started, workflowId }, options.poll.maxWaitMs);
			}
			result = await markingOpenRun('started', async () => await client.resultFromHistory(workflowId, record, 'async', options.requestTimeoutMs));
			result.logId ??= started.logId;
		} else {
			result = await client.followRun(workflowId, started.executeId, options.poll, 'async', { startedAt: started.startedAt, remember: true });
			result.logId ??= started.logId;
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
	return runResultToJson(result, options, workflowId);
}
