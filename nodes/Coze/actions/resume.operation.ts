import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CozeRunResult, ResumeRequest } from '../protocol/client';
import { CozeInputError } from '../protocol/errors';
import type { CozeConnection } from '../n8n/connection';
import { liveChunkForwarder } from '../n8n/liveChunks';
import { reportNotices } from '../n8n/notices';
import { idParameter, readRunOptions, readWorkflowId, streamOptions } from '../n8n/params';
import { runResultToJson } from '../n8n/output';

const show = { operation: ['resume'] };

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '={{ $json.interrupt?.eventId }}',
		placeholder: '7404830425073352713/2769808280134765896',
		description: "The interrupt's event ID (interrupt.eventId of an interrupted run)",
	},
	{
		displayName: 'Interrupt Type',
		name: 'interruptType',
		// Text, not a number field, so that its default can come from the item: an Input node's
		// interrupt (5) then needs no change by hand. Saved numbers still read the same.
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '={{ $json.interrupt?.type ?? 2 }}',
		placeholder: '2',
		description: "The interrupt's type (interrupt.type of the interrupted run's item): 2 for a Question node, 5 for an Input node",
	},
	{
		displayName: 'Answer',
		name: 'resumeData',
		type: 'string',
		typeOptions: { rows: 2 },
		required: true,
		displayOptions: { show },
		default: '',
		description: "The answer to the question (Coze calls it resume_data). For an Input node, a JSON object of the requested values, e.g. {\"img\":\"{\\\"file_id\\\":\\\"…\\\"}\"}.",
	},
	{
		displayName: 'Resume Via',
		name: 'resumeVia',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'Stream', value: 'stream', description: 'For a run started in Stream mode: the rest of the run streams back' },
			{
				name: 'Non-Stream',
				value: 'nonStream',
				description: 'For a run started in Sync or Async mode. The node checks on an async run in the background until it ends.',
			},
		],
		default: 'stream',
		description: 'How the run that asked the question was started',
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: CozeConnection): Promise<IDataObject> {
	const workflowId = readWorkflowId(this, itemIndex);
	const options = readRunOptions(this, itemIndex);
	const eventId = idParameter(this.getNodeParameter('eventId', itemIndex, '') as unknown, 'Event ID');
	if (!/^\d+\/\d+$/.test(eventId)) {
		throw new CozeInputError(
			'Event ID',
			eventId === ''
				? "Event ID is empty: use the interrupt's event ID (interrupt.eventId of the interrupted run)"
				: `Event ID must look like <execute_id>/<interrupt_id> (interrupt.eventId of the interrupted run), not "${eventId}"`,
		);
	}
	const rawType = this.getNodeParameter('interruptType', itemIndex, 2) as unknown;
	const interruptType = Number(rawType);
	if (!Number.isInteger(interruptType) || interruptType <= 0) {
		throw new CozeInputError('Interrupt Type', `Interrupt Type must be a positive whole number (interrupt.type), not "${String(rawType)}"`);
	}
	const answer = this.getNodeParameter('resumeData', itemIndex, '') as unknown;
	const resumeData = typeof answer === 'string' ? answer : JSON.stringify(answer);
	if (resumeData.trim() === '') {
		throw new CozeInputError('Answer', 'Answer is empty: Coze needs an answer to resume the run');
	}
	const request: ResumeRequest = { workflowId, eventId, interruptType, resumeData };
	const via = this.getNodeParameter('resumeVia', itemIndex, 'stream') as string;
	if (via !== 'stream' && via !== 'nonStream') {
		throw new CozeInputError('Resume Via', `Resume Via must be Stream or Non-Stream (stream or nonStream), not "${String(via)}"`);
	}

	let result: CozeRunResult;
	if (via === 'nonStream') {
		result = await client.resume(request, options.requestTimeoutMs, options.poll);
	} else {
		const live = liveChunkForwarder(this, itemIndex, options);
		try {
			result = await client.streamResume(request, streamOptions(options, live?.forward));
		} finally {
			live?.finish();
		}
	}
	reportNotices(this, result);
	return runResultToJson(result, options, workflowId);
}
