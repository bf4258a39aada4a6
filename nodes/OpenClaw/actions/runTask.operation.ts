import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { idempotencyKeyField, show, NOTIFY_POLICY_OPTIONS, RESUME_STATUS_OPTIONS, runtimeField } from '../descriptions/flowFields';
import { keyList } from '../protocol/flowKeys';
import { runTaskOnce } from '../protocol/taskOnce';
import { itemKey } from '../n8n/itemKey';
import { flowIdParam, idText, text, timeParam } from '../n8n/params';
import { flowJson } from '../n8n/output';
import { validateAction } from '../protocol/validate';
import type { OperationContext } from './types';

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		...runtimeField,
		name: 'runtime',
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
		displayName: 'Additional Fields',
		name: 'taskFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('runTask'),
		options: [
			{ displayName: 'Agent ID', name: 'agentId', type: 'string', default: '', description: 'The agent the task is for; the gateway fills in the session\'s agent (e.g. main) if empty' },
			{
				displayName: 'Child Session Key',
				name: 'childSessionKey',
				type: 'string',
				default: '',
				description: 'Links an existing run of that session; needs Run ID too',
			},
			{
				...idempotencyKeyField,
				description:
					"Starts the task once per key: the key and the task's ID are kept in the flow's state (taskKeys), and running an item with that key again gives the task started before. From node version 1.1 the task is also started once when n8n runs the same item again (Retry On Fail, or a re-run after a worker died), key or not. Keeping the ledger takes two more changes of the flow (its revision goes up by 2) and three more requests.",
			},
			{ displayName: 'Label', name: 'label', type: 'string', default: '', description: 'A short name for the task, shown in lists' },
			{
				displayName: 'Last Event At',
				name: 'lastEventAt',
				type: 'dateTime',
				default: '',
				description: 'When the task last reported progress; only with Status running',
			},
			{ displayName: 'Notify Policy', name: 'notifyPolicy', type: 'options', options: NOTIFY_POLICY_OPTIONS, default: 'done_only', description: 'When the session hears about the task' },
			{ displayName: 'Parent Task ID', name: 'parentTaskId', type: 'string', default: '', description: 'The task this one is part of, if any' },
			{ displayName: 'Prefer Metadata', name: 'preferMetadata', type: 'boolean', default: false, description: 'Whether the gateway takes the task\'s details from the linked run rather than from these fields' },
			{
				displayName: 'Progress Summary',
				name: 'progressSummary',
				type: 'string',
				default: '',
				description: 'Only with Status running',
			},
			{ displayName: 'Run ID', name: 'runId', type: 'string', default: '', description: 'The ID of an existing agent run to link, with Child Session Key' },
			{ displayName: 'Source ID', name: 'sourceId', type: 'string', default: '', description: 'Where the task comes from in your system, e.g. a ticket number' },
			{
				displayName: 'Started At',
				name: 'startedAt',
				type: 'dateTime',
				default: '',
				description: 'When work on the task started; only with Status running',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: OperationContext): Promise<IDataObject> {
	const fields = this.getNodeParameter('taskFields', itemIndex, {}) as IDataObject;
	const time = (name: string) => timeParam(fields[name], name);
	const keys = keyList({ key: idText(fields.idempotencyKey, 'idempotencyKey'), itemKey: itemKey(this, itemIndex) });
	const request = {
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
		startedAt: time('startedAt'),
		lastEventAt: time('lastEventAt'),
	};
	if (keys.length === 0) {
		const result = await client.runTask(request);
		return { ...(result.task as unknown as IDataObject), flow: flowJson(result.flow) };
	}
	validateAction({ action: 'run_task', ...request });
	const once = await runTaskOnce(client, keys, request);
	if (once.task) return { ...(once.task as unknown as IDataObject), created: true, flow: flowJson(once.flow) };
	return { ...(once.taskId ? { taskId: once.taskId } : {}), created: false, flow: flowJson(once.flow) };
}
