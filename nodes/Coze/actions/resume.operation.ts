import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CozeRunResult, CozeWorkflowClient, ResumeRequest } from '../protocol/client';
import { CozeInputError } from '../protocol/errors';
import { liveChunkForwarder } from '../shared/liveChunks';
import { reportNotices } from '../shared/notices';
import { readRunOptions, readWorkflowId, streamOptions } from '../shared/runOptions';
import { runResultToJson } from '../shared/results';

export async function resumeRun(this: IExecuteFunctions, itemIndex: number, client: CozeWorkflowClient): Promise<IDataObject> {
	const workflowId = readWorkflowId(this, itemIndex);
	const options = readRunOptions(this, itemIndex);
	const eventId = String(this.getNodeParameter('eventId', itemIndex, '') ?? '').trim();
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
	return runResultToJson(result, options);
}
