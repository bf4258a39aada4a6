/**
 * The OpenClaw webhooks plugin's TaskFlow model and action results (openclaw 2026.9.6), as the
 * gateway returns them. Optional fields are omitted by the gateway when empty.
 */

export const FLOW_STATUSES = ['queued', 'running', 'waiting', 'blocked', 'succeeded', 'failed', 'cancelled', 'lost'] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];

/** Statuses a flow can be created with. */
export const CREATE_STATUSES = ['queued', 'running', 'waiting', 'blocked'] as const;
export type CreateStatus = (typeof CREATE_STATUSES)[number];

/** Statuses `resume_flow` and `run_task` accept. */
export const RESUME_STATUSES = ['queued', 'running'] as const;
export type ResumeStatus = (typeof RESUME_STATUSES)[number];

export const NOTIFY_POLICIES = ['done_only', 'state_changes', 'silent'] as const;
export type NotifyPolicy = (typeof NOTIFY_POLICIES)[number];

export const TASK_RUNTIMES = ['subagent', 'acp'] as const;
export type TaskRuntime = (typeof TASK_RUNTIMES)[number];

/** JSON as the gateway stores it in `stateJson` and `waitJson`. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface FlowView {
	flowId: string;
	syncMode: 'managed' | 'task_mirrored';
	controllerId?: string;
	currentStep?: string;
	blockedTaskId?: string;
	blockedSummary?: string;
	revision: number;
	status: FlowStatus;
	notifyPolicy: NotifyPolicy;
	goal: string;
	stateJson?: JsonValue;
	waitJson?: JsonValue;
	cancelRequestedAt?: number;
	createdAt: number;
	updatedAt: number;
	endedAt?: number;
}

export interface TaskView {
	taskId: string;
	runtime: string;
	parentFlowId?: string;
	task: string;
	status: string;
	[key: string]: JsonValue | undefined;
}

export interface TaskSummary {
	total: number;
	active: number;
	terminal: number;
	failures: number;
	byStatus: Record<string, number>;
	byRuntime: Record<string, number>;
}

/** What the gateway answered: `ok`, its `code` (e.g. `cancel_pending`) and `result`. */
export interface ActionAnswer<T> {
	httpStatus: number;
	routeId?: string;
	code?: string;
	result: T;
}

export const ACTIONS = [
	'create_flow',
	'get_flow',
	'list_flows',
	'find_latest_flow',
	'resolve_flow',
	'get_task_summary',
	'set_waiting',
	'resume_flow',
	'finish_flow',
	'fail_flow',
	'request_cancel',
	'cancel_flow',
	'run_task',
] as const;
export type ActionName = (typeof ACTIONS)[number];

/** Actions that take `expectedRevision` (optimistic concurrency). */
export const REVISED_ACTIONS = ['set_waiting', 'resume_flow', 'finish_flow', 'fail_flow', 'request_cancel'] as const;
export type RevisedAction = (typeof REVISED_ACTIONS)[number];

export type ActionBody = { action: ActionName } & Record<string, JsonValue | undefined>;
