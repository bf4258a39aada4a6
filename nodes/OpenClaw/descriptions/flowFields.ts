/** Fields and option lists that several operations share. */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import {
	CREATE_STATUSES,
	NOTIFY_POLICIES,
	RESUME_STATUSES,
	TASK_RUNTIMES,
	type FlowStatus,
	type NotifyPolicy,
	type TaskRuntime,
} from '../protocol/types';

/** Shows a field for these operations only. */
export const show = (...operation: string[]) => ({ show: { operation } });

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
const TASK_RUNTIME_NAMES: Record<TaskRuntime, { name: string; description: string }> = {
	subagent: { name: 'Subagent', description: 'A helper agent that the session starts for the task' },
	acp: { name: 'External Coding Agent (ACP)', description: 'A coding agent outside OpenClaw, reached through the Agent Client Protocol' },
};

export const statusOptions = (statuses: readonly FlowStatus[]): INodePropertyOptions[] => statuses.map((value) => ({ name: STATUS_NAMES[value], value }));

export const NOTIFY_POLICY_OPTIONS: INodePropertyOptions[] = NOTIFY_POLICIES.map((value) => ({
	name: NOTIFY_POLICY_NAMES[value].name,
	value,
	description: NOTIFY_POLICY_NAMES[value].description,
}));

const CREATE_STATUS_DESCRIPTIONS: Partial<Record<FlowStatus, string>> = {
	queued: 'Not started yet',
	running: 'Being worked on',
	waiting: 'Waiting for something, e.g. an approval',
	blocked: 'Stuck, e.g. on a failed task',
};

export const CREATE_STATUS_OPTIONS = statusOptions(CREATE_STATUSES).map((o) => ({ ...o, description: CREATE_STATUS_DESCRIPTIONS[o.value as FlowStatus] }));

export const RESUME_STATUS_OPTIONS = statusOptions(RESUME_STATUSES);

/** How a new flow starts: who drives it, its status and when the session hears of it. */
export const controllerId: INodeProperties = {
	displayName: 'Controller ID',
	name: 'controllerId',
	type: 'string',
	default: '',
	description: 'Who drives the flow; the route\'s controller ID (webhooks/&lt;routeId&gt;) if empty',
};
export const createStatus: INodeProperties = {
	displayName: 'Status',
	name: 'status',
	type: 'options',
	options: CREATE_STATUS_OPTIONS,
	default: 'queued',
	description: 'The status the new flow starts in',
};
export const notifyPolicy: INodeProperties = {
	displayName: 'Notify Policy',
	name: 'notifyPolicy',
	type: 'options',
	options: NOTIFY_POLICY_OPTIONS,
	default: 'done_only',
	description: 'When the agent session hears about the flow',
};

export const currentStep: INodeProperties = {
	displayName: 'Current Step',
	name: 'currentStep',
	type: 'string',
	default: '',
	description: 'A short name of the step the flow is at, e.g. "await-approval"',
};
export const stateJson: INodeProperties = {
	displayName: 'State (JSON)',
	name: 'stateJson',
	type: 'json',
	default: '{}',
	description: 'The flow\'s state: any JSON. It replaces the stored state.',
};
/** An optional key of Create Flow and Run Task (Hand Off has a field of its own). */
export const idempotencyKeyField: INodeProperties = {
	displayName: 'Idempotency Key',
	name: 'idempotencyKey',
	type: 'string',
	default: '',
	placeholder: 'e.g. {{ $json.ticketId }}',
	description: 'Identifies what is created',
};
export const waitJson: INodeProperties = {
	displayName: 'Wait (JSON)',
	name: 'waitJson',
	type: 'json',
	default: '{}',
	description: 'What the flow waits for: any JSON',
};
export const blockedTaskId: INodeProperties = {
	displayName: 'Blocked Task ID',
	name: 'blockedTaskId',
	type: 'string',
	default: '',
	description: 'The task that blocks the flow',
};
export const blockedSummary: INodeProperties = {
	displayName: 'Blocked Summary',
	name: 'blockedSummary',
	type: 'string',
	default: '',
	description: 'Why the flow is blocked',
};

export const TASK_RUNTIME_OPTIONS: INodePropertyOptions[] = TASK_RUNTIMES.map((value) => ({ value, ...TASK_RUNTIME_NAMES[value] }));

/** The task's runtime, as Add Child Task and Hand Off ask for it. */
export const runtimeField = {
	displayName: 'Runtime',
	type: 'options',
	options: TASK_RUNTIME_OPTIONS,
	default: 'subagent',
	description: 'What kind of agent the task is meant for. Recording the task starts neither.',
} as const;

