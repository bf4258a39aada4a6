import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { flowIdParam, text } from '../shared/params';
import { flowJson } from '../shared/results';
import type { OperationContext } from './types';

export async function runTask(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const fields = this.getNodeParameter('taskFields', itemIndex, {}) as IDataObject;
	const number = (name: string) => (fields[name] === undefined || fields[name] === 0 ? undefined : (fields[name] as number));
	const result = await client.runTask({
		flowId: flowIdParam(this, itemIndex),
		runtime: this.getNodeParameter('runtime', itemIndex, 'subagent') as string,
		task: text(this.getNodeParameter('task', itemIndex)) ?? '',
		status: this.getNodeParameter('taskStatus', itemIndex, 'queued') as string,
		agentId: text(fields.agentId),
		childSessionKey: text(fields.childSessionKey),
		label: text(fields.label),
		notifyPolicy: text(fields.notifyPolicy),
		parentTaskId: text(fields.parentTaskId),
		preferMetadata: typeof fields.preferMetadata === 'boolean' ? fields.preferMetadata : undefined,
		progressSummary: text(fields.progressSummary),
		runId: text(fields.runId),
		sourceId: text(fields.sourceId),
		startedAt: number('startedAt'),
		lastEventAt: number('lastEventAt'),
	});
	return { ...(result.task as unknown as IDataObject), flow: flowJson(result.flow) };
}
