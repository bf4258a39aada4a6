import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { show, NOTIFY_POLICY_OPTIONS, RESUME_STATUS_OPTIONS, TASK_RUNTIME_OPTIONS } from '../descriptions/flowFields';
import { flowIdParam, text } from '../n8n/params';
import { flowJson } from '../n8n/output';
import type { OperationContext } from './types';

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		displayName: 'Runtime',
		name: 'runtime',
		type: 'options',
		options: TASK_RUNTIME_OPTIONS,
		default: 'subagent',
		displayOptions: show('runTask'),
	},
	{
		displayName: 'Task',
		name: 'task',
		type: 'string',
		typeOptions: { rows: 2 },
		required: true,
		default: '',
		description: 'What the child task is to do',
		displayOptions: show('runTask'),
	},
	{
		displayName: 'Status',
		name: 'taskStatus',
		type: 'options',
		options: RESUME_STATUS_OPTIONS,
		default: 'queued',
		description:
			'Queued unless an agent already runs it. The gateway keeps an unbacked running task active, which delays its shutdown by minutes.',
		displayOptions: show('runTask'),
	},
	{
		displayName: 'Fields',
		name: 'taskFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('runTask'),
		options: [
			{ displayName: 'Agent ID', name: 'agentId', type: 'string', default: '' },
			{
				displayName: 'Child Session Key',
				name: 'childSessionKey',
				type: 'string',
				default: '',
				description: 'Links an existing run of that session; needs Run ID too',
			},
			{ displayName: 'Label', name: 'label', type: 'string', default: '' },
			{
				displayName: 'Last Event At',
				name: 'lastEventAt',
				type: 'number',
				default: 0,
				description: 'Milliseconds since 1970; only with Status running',
			},
			{ displayName: 'Notify Policy', name: 'notifyPolicy', type: 'options', options: NOTIFY_POLICY_OPTIONS, default: 'done_only' },
			{ displayName: 'Parent Task ID', name: 'parentTaskId', type: 'string', default: '' },
			{ displayName: 'Prefer Metadata', name: 'preferMetadata', type: 'boolean', default: false },
			{
				displayName: 'Progress Summary',
				name: 'progressSummary',
				type: 'string',
				default: '',
				description: 'Only with Status running',
			},
			{ displayName: 'Run ID', name: 'runId', type: 'string', default: '' },
			{ displayName: 'Source ID', name: 'sourceId', type: 'string', default: '' },
			{
				displayName: 'Started At',
				name: 'startedAt',
				type: 'number',
				default: 0,
				description: 'Milliseconds since 1970; only with Status running',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
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
