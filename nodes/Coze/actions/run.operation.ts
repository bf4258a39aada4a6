import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CozeRunResult, CozeWorkflowClient, RunRequest } from '../protocol/client';
import { ASYNC_NEEDS_PAID_PLAN_CODE, CozeApiError, CozeInputError } from '../protocol/errors';
import { settle } from '../../shared/settle';
import { liveChunkForwarder } from '../n8n/liveChunks';
import { reportNotices } from '../n8n/notices';
import { readRunParameters, type SchemaCache } from '../n8n/inputValues';
import { readRunOptions, readWorkflowId, streamOptions } from '../n8n/params';
import { runResultToJson } from '../n8n/output';

const show = { operation: ['run'] };

const INPUT_MODE_OPTIONS = [
	{ name: 'Fields', value: 'fields', description: "One field per input of the workflow's Start node, with its type" },
	{ name: 'JSON', value: 'json', description: 'A JSON object of the inputs by name' },
];

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
		displayName: 'Inputs',
		name: 'inputMode',
		type: 'options',
		displayOptions: { show: { ...show, '@version': [1] } },
		options: INPUT_MODE_OPTIONS,
		default: 'json',
	},
	{
		displayName: 'Inputs',
		name: 'inputMode',
		type: 'options',
		displayOptions: { show: { ...show, '@version': [{ _cnd: { gte: 1.1 } }] } },
		options: INPUT_MODE_OPTIONS,
		default: 'fields',
	},
	{
		displayName:
			'Each input shows its Coze type. A file input takes the name of a binary field of the incoming item (uploaded for you), a URL, or a Coze file ID; a list of files takes several, comma-separated.',
		name: 'inputsNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...show, inputMode: ['fields'] } },
	},
	{
		displayName: 'Inputs',
		name: 'inputs',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			loadOptionsDependsOn: ['workflowId.value'],
			resourceMapper: {
				resourceMapperMethod: 'getWorkflowInputs',
				mode: 'add',
				fieldWords: { singular: 'input', plural: 'inputs' },
				addAllFields: true,
				multiKeyMatch: false,
				// The automatic mode would need its own wording ("Mapping Column Mode … in Coze Workflow" is
				// n8n's), and Inputs = JSON with an expression such as {{ $json }} already maps items as a whole.
				supportAutoMap: false,
				// Before a workflow is chosen, or when Coze cannot find it, the notice says why; no red error.
				hideNoDataError: true,
			},
		},
		displayOptions: { show: { ...show, inputMode: ['fields'] } },
	},
	{
		displayName: 'Inputs (JSON)',
		name: 'parametersJson',
		type: 'json',
		displayOptions: { show: { ...show, inputMode: ['json'] } },
		default: '{}',
		description: "The workflow's inputs as a JSON object: the Start node's parameters by name (Coze calls them parameters)",
	},
];

type RunMode = 'stream' | 'async' | 'sync';

export async function execute(this: IExecuteFunctions, itemIndex: number, client: CozeWorkflowClient, schemas: SchemaCache): Promise<IDataObject> {
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
			result = await client.followRun(workflowId, started.executeId, options.poll, 'async', { startedAt: started.startedAt, remember: true });
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
	return runResultToJson(result, options, workflowId);
}
