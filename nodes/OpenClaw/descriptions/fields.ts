import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

const show = (...operation: string[]) => ({ show: { operation } });

export const NOTIFY_POLICY_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Done Only', value: 'done_only', description: 'Notify the session when the flow ends' },
	{ name: 'State Changes', value: 'state_changes', description: 'Notify on every change of state' },
	{ name: 'Silent', value: 'silent', description: 'Never notify' },
];

export const CREATE_STATUS_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Queued', value: 'queued' },
	{ name: 'Running', value: 'running' },
	{ name: 'Waiting', value: 'waiting' },
	{ name: 'Blocked', value: 'blocked' },
];

const RESUME_STATUS_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Queued', value: 'queued' },
	{ name: 'Running', value: 'running' },
];

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
				options: [
					...CREATE_STATUS_OPTIONS,
					{ name: 'Succeeded', value: 'succeeded' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'Cancelled', value: 'cancelled' },
					{ name: 'Lost', value: 'lost' },
				],
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

export const TASK_RUNTIME_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Subagent', value: 'subagent' },
	{ name: 'ACP', value: 'acp' },
];

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
