import { sleep, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { controllerId, createStatus, currentStep, notifyPolicy, runtimeField } from '../descriptions/flowFields';
import { handOff as handOffResult, handOffKeys, type HandOffRequest } from '../protocol/handOff';
import type { JsonValue } from '../protocol/types';
import { idText, jsonValue, text } from '../n8n/params';
import { itemKey } from '../n8n/itemKey';
import { flowJson } from '../n8n/output';
import type { OperationContext } from './types';

const show = { show: { operation: ['handOff'] } };

const HAND_OFF_KEY = '={{ $json.interrupt ? $json.executeId + ":interrupt:" + $json.interrupt.eventId : $json.executeId ?? $json.body?.executeId }}';

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		displayName:
			'Hands each item off once: its Idempotency Key is stored in the flow\'s state and looked up before a flow is created, so running the item again finds its flow.',
		name: 'handOffNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Goal',
		name: 'goal',
		type: 'string',
		typeOptions: { rows: 2 },
		required: true,
		default: '=Follow up on the Coze run {{ $json.executeId ?? $json.body?.executeId }}',
		description: 'What the flow is for; use expressions to build it from the item',
		displayOptions: show,
	},
	{
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		required: true,
		default: HAND_OFF_KEY,
		description:
			'Identifies the result: an item with a key that was handed off before gets the existing flow. By default the Coze execute ID (from a Coze Workflow item, or the body of a Coze Trigger item); a run that stopped for a question adds the question\'s event ID, so its final result gets a flow of its own.',
		displayOptions: { show: { operation: ['handOff'], '@version': [1] } },
	},
	{
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: HAND_OFF_KEY,
		description:
			'Identifies the result: an item with a key that was handed off before gets the existing flow. By default the Coze execute ID (from a Coze Workflow item, or the body of a Coze Trigger item); a run that stopped for a question adds the question\'s event ID. The flow is also found by where the item ran (workflow, execution, node, item), so an item n8n runs again (Retry On Fail, a re-run after a worker died) gets its flow even if its Coze run started again. May be empty.',
		displayOptions: { show: { operation: ['handOff'], '@version': [{ _cnd: { gte: 1.1 } }] } },
	},
	{
		displayName: 'Result',
		name: 'result',
		type: 'json',
		default: '={{ $json.output ?? $json.body?.output ?? $json.body ?? $json }}',
		description: 'What the flow\'s state keeps of the item (as "result"), next to its execute ID and debug URL',
		displayOptions: show,
	},
	{
		displayName: 'Execute ID',
		name: 'executeId',
		type: 'string',
		default: '={{ $json.executeId ?? $json.body?.executeId ?? "" }}',
		description: 'The Coze run this result comes from (kept as text: Coze IDs exceed what numbers hold)',
		displayOptions: show,
	},
	{
		displayName: 'Debug URL',
		name: 'debugUrl',
		type: 'string',
		default: '={{ $json.debugUrl ?? $json.body?.debugUrl ?? "" }}',
		description: 'Where the Coze run can be inspected',
		displayOptions: show,
	},
	{
		displayName: 'Add Child Task',
		name: 'addTask',
		type: 'boolean',
		default: false,
		description:
			'Whether to record a child task (queued) in the flow. Also applies to a flow handed off earlier that is still unchanged since then and has no task yet.',
		displayOptions: show,
	},
	{
		...runtimeField,
		name: 'taskRuntime',
		displayOptions: { show: { operation: ['handOff'], addTask: [true] } },
	},
	{
		displayName: 'Task',
		name: 'taskText',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		required: true,
		description: 'What the child task is to do',
		displayOptions: { show: { operation: ['handOff'], addTask: [true] } },
	},
	{
		displayName: 'Task Label',
		name: 'taskLabel',
		type: 'string',
		default: '',
		description: 'A short name for the task, shown in lists',
		displayOptions: { show: { operation: ['handOff'], addTask: [true] } },
	},
	{
		displayName: 'Then Wait',
		name: 'thenWait',
		type: 'boolean',
		default: false,
		description:
			'Whether to set the flow to waiting after it is created. Also applies to a flow handed off earlier that is still unchanged since then.',
		displayOptions: show,
	},
	{
		displayName: 'Wait (JSON)',
		name: 'waitJson',
		type: 'json',
		default: '{}',
		description: 'What the flow waits for: any JSON',
		displayOptions: { show: { operation: ['handOff'], thenWait: [true] } },
	},
	{
		displayName: 'Waiting Step',
		name: 'waitStep',
		type: 'string',
		default: '',
		placeholder: 'e.g. await-review',
		description: 'A short name of the step the flow waits at',
		displayOptions: { show: { operation: ['handOff'], thenWait: [true] } },
	},
	{
		displayName: 'Additional Fields',
		name: 'handOffFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show,
		options: [
controllerId, currentStep, notifyPolicy, createStatus
		],
	},
];

/** Turns the item into a flow once per idempotency key; see protocol/handOff.ts. */
export async function execute(this: IExecuteFunctions, itemIndex: number, { client, flowIndex }: OperationContext): Promise<IDataObject> {
	const param = (name: string, fallback: unknown = '') => this.getNodeParameter(name, itemIndex, fallback);
	const fields = param('handOffFields', {}) as IDataObject;
	const keys = handOffKeys({ key: idText(param('idempotencyKey'), 'idempotencyKey') ?? '', itemKey: itemKey(this, itemIndex) });
	const state: Record<string, JsonValue> = {
		// A Coze result may be plain text: a string that is not JSON is kept as it is.
		result: jsonValue(param('result', null), 'result', { textAllowed: true }) ?? null,
		executeId: idText(param('executeId'), 'executeId') ?? null,
		debugUrl: text(param('debugUrl')) ?? null,
	};
	const addTask = param('addTask', false) === true;
	const thenWait = param('thenWait', false) === true;
	const request: HandOffRequest = {
		key: keys.key ?? '',
		itemKey: keys.itemKey,
		goal: text(param('goal')) ?? '',
		state,
		controllerId: text(fields.controllerId),
		currentStep: text(fields.currentStep),
		notifyPolicy: text(fields.notifyPolicy) as 'done_only' | undefined,
		status: text(fields.status) as 'queued' | undefined,
		task: addTask
			? { runtime: param('taskRuntime', 'subagent') as 'subagent', task: text(param('taskText')) ?? '', label: text(param('taskLabel')) }
			: undefined,
		wait: thenWait ? { waitJson: jsonValue(param('waitJson', '{}'), 'waitJson') ?? null, currentStep: text(param('waitStep')) } : undefined,
	};
	const result = await handOffResult(client, flowIndex, request, async (ms) => await sleep(ms));
	return {
		...flowJson(result.flow),
		...(keys.key ? { idempotencyKey: keys.key } : {}),
		created: result.created,
		...(result.recovered ? { recoveredAfterLostAnswer: true } : {}),
		...(result.task ? { task: result.task as unknown as IDataObject } : {}),
		...(result.taskExisted ? { taskExisted: true } : {}),
	};
}
