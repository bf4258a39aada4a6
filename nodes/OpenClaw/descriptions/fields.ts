import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import {
	CREATE_STATUSES,
	FLOW_STATUSES,
	NOTIFY_POLICIES,
	RESUME_STATUSES,
	TASK_RUNTIMES,
	type FlowStatus,
	type NotifyPolicy,
	type TaskRuntime,
} from '../protocol/types';

const show = (...operation: string[]) => ({ show: { operation } });

// The option lists are the protocol's lists of values, in their order, with the editor's names.
const NOTIFY_POLICY_NAMES: Record<NotifyPolicy, { name: string; description: string }> = {
	done_only: { name: 'Done Only', description: 'Notify the session when the flow ends' },
	state_changes: { name: 'State Changes', description: 'Notify on every change of state' },
	silent: { name: 'Silent', description: 'Never notify' },
};
const STATUS_NAMES: Record<FlowStatus, string> = {
	queued: 'Queued',
	running: 'Running',
	waiting: 'Waiting',
	blocked: 'Blocked',
	succeeded: 'Succeeded',
	failed: 'Failed',
	cancelled: 'Cancelled',
	lost: 'Lost',
};
const TASK_RUNTIME_NAMES: Record<TaskRuntime, string> = { subagent: 'Subagent', acp: 'ACP' };

const statusOptions = (statuses: readonly FlowStatus[]): INodePropertyOptions[] => statuses.map((value) => ({ name: STATUS_NAMES[value], value }));

export const NOTIFY_POLICY_OPTIONS: INodePropertyOptions[] = NOTIFY_POLICIES.map((value) => ({
	name: NOTIFY_POLICY_NAMES[value].name,
	value,
	description: NOTIFY_POLICY_NAMES[value].description,
}));

export const CREATE_STATUS_OPTIONS = statusOptions(CREATE_STATUSES);

const RESUME_STATUS_OPTIONS = statusOptions(RESUME_STATUSES);

const currentStep: INodeProperties = {
	displayName: 'Current Step',
	name: 'currentStep',
	type: 'string',
	default: '',
	description: 'A short name of the step the flow is at, e.g. "await-approval"',
};
const stateJson: INodeProperties = {
	displayName: 'State (JSON)',
	name: 'stateJson',
	type: 'json',
	default: '{}',
	description: 'The flow\'s state: any JSON. It replaces the stored state.',
};
const waitJson: INodeProperties = {
	displayName: 'Wait (JSON)',
	name: 'waitJson',
	type: 'json',
	default: '{}',
	description: 'What the flow waits for: any JSON',
};
const blockedTaskId: INodeProperties = {
	displayName: 'Blocked Task ID',
	name: 'blockedTaskId',
	type: 'string',
	default: '',
	description: 'The task that blocks the flow',
};
const blockedSummary: INodeProperties = {
	displayName: 'Blocked Summary',
	name: 'blockedSummary',
	type: 'string',
	default: '',
	description: 'Why the flow is blocked',
};

export const createFlowProperties: INodeProperties[] = [
	{
		displayName: 'Goal',
		name: 'goal',
		type: 'string',
		typeOptions: { rows: 2 },
		required: true,
		default: '',
		placeholder: 'e.g. Review the inbound queue',
		description: 'What the flow is for, in words the agent reads',
		displayOptions: show('createFlow'),
	},
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		options: CREATE_STATUS_OPTIONS,
		default: 'queued',
		displayOptions: show('createFlow'),
	},
	{
		displayName: 'Notify Policy',
		name: 'notifyPolicy',
		type: 'options',
		options: NOTIFY_POLICY_OPTIONS,
		default: 'done_only',
		displayOptions: show('createFlow'),
	},
	{
		displayName: 'Additional Fields',
		name: 'createFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('createFlow'),
		options: [
			{
				displayName: 'Controller ID',
				name: 'controllerId',
				type: 'string',
				default: '',
				description: 'Who drives the flow; the route\'s controller ID (webhooks/&lt;routeId&gt;) if empty',
			},
			currentStep,
			stateJson,
			waitJson,
		],
	},
];

export const resolveFlowProperties: INodeProperties[] = [
	{
		displayName: 'Flow ID or Session Key',
		name: 'flowOrSessionKey',
		type: 'string',
		required: true,
		default: '',
		description: 'A flow ID, or the route\'s session key (then the active flow of the session, else its newest)',
		displayOptions: show('resolveFlow'),
	},
];

export const listFlowsProperties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: show('listFlows'),
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { operation: ['listFlows'], returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: show('listFlows'),
		options: [
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				options: statusOptions(FLOW_STATUSES),
				default: [],
				description: 'Only flows with one of these statuses',
			},
		],
	},
];

export const setWaitingProperties: INodeProperties[] = [
	{
		displayName: 'Fields',
		name: 'waitingFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'With a Blocked Task ID or Blocked Summary the flow becomes blocked, else waiting',
		displayOptions: show('setWaiting'),
		options: [currentStep, stateJson, waitJson, blockedTaskId, blockedSummary],
	},
];

export const resumeFlowProperties: INodeProperties[] = [
	{
		displayName: 'Status',
		name: 'resumeStatus',
		type: 'options',
		options: RESUME_STATUS_OPTIONS,
		default: 'queued',
		description: 'The status the flow continues with',
		displayOptions: show('resumeFlow'),
	},
	{
		displayName: 'Fields',
		name: 'resumeFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('resumeFlow'),
		options: [currentStep, stateJson],
	},
];

export const finishFlowProperties: INodeProperties[] = [
	{
		displayName: 'Fields',
		name: 'finishFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('finishFlow'),
		options: [stateJson],
	},
];

export const failFlowProperties: INodeProperties[] = [
	{
		displayName: 'Fields',
		name: 'failFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('failFlow'),
		options: [stateJson, blockedTaskId, blockedSummary],
	},
];

export const TASK_RUNTIME_OPTIONS: INodePropertyOptions[] = TASK_RUNTIMES.map((value) => ({ name: TASK_RUNTIME_NAMES[value], value }));

export const runTaskProperties: INodeProperties[] = [
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
