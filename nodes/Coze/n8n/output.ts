import type { IDataObject } from 'n8n-workflow';

import type { CozeRunResult } from '../protocol/client';
import { decodeEndOutput } from '../protocol/output';

export interface OutputChoices {
	parseOutput: boolean;
	includeMessages: boolean;
	includeEvents: boolean;
}

/**
 * The output item of a run: the contract of the node's output (IDs stay strings). It names the
 * workflow so that Resume and Get Run after it fill in Workflow from the item.
 */
export function runResultToJson(result: CozeRunResult, choices: OutputChoices, workflowId: string): IDataObject {
	const json: IDataObject = {
		status: result.status,
		output: decodeEndOutput(result.outputText, choices.parseOutput, result.outputIsText) as IDataObject['output'],
		executeId: result.executeId ?? null,
		workflowId,
		debugUrl: result.debugUrl ?? null,
		usage: result.usage ? { ...result.usage } : null,
		logId: result.logId ?? null,
	};
	if (result.interrupt) {
		json.interrupt = {
			eventId: result.interrupt.eventId,
			type: result.interrupt.type,
			question: result.interrupt.question,
			data: result.interrupt.data,
			requiredParameters: (result.interrupt.requiredParameters ?? null) as IDataObject | null,
			nodeTitle: result.interrupt.nodeTitle,
		};
	}
	if (result.outputTrimmed) json.outputTrimmed = true;
	if (choices.includeMessages) json.messages = result.messages.map((m) => ({ ...m }));
	if (choices.includeEvents && result.events) json.events = result.events.map((e) => ({ ...e }) as IDataObject);
	return json;
}
