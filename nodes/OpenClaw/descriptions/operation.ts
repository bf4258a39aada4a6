import type { INodeProperties } from 'n8n-workflow';

/** Operations that act on one flow, picked with the Flow parameter. */
export const FLOW_OPERATIONS = ['getFlow', 'getTaskSummary', 'setWaiting', 'resumeFlow', 'finishFlow', 'failFlow', 'requestCancel', 'cancelFlow', 'runTask'];

/** Operations that change a flow at a revision (optimistic concurrency). */
export const REVISED_OPERATIONS = ['setWaiting', 'resumeFlow', 'finishFlow', 'failFlow', 'requestCancel'];

/** The canvas subtitle: the chosen operation's name, as the Operation list shows it. */
export function operationSubtitle(): string {
	const names = (operationProperty.options as Array<{ name: string; value: string }>).map((o) => `${JSON.stringify(o.value)}: ${JSON.stringify(o.name)}`);
	return `={{ ({ ${names.join(', ')} })[$parameter["operation"]] ?? $parameter["operation"] }}`;
}

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Add Child Task',
			value: 'runTask',
			action: 'Add a task for an agent to a flow',
			description: 'Record a task in a flow for an agent to pick up; recording it starts no agent',
		},
		{ name: 'Cancel Flow', value: 'cancelFlow', action: 'Cancel a flow', description: 'Cancel a flow now, or once its active child tasks settle' },
		{ name: 'Create Flow', value: 'createFlow', action: 'Create a flow with a goal for the agent session', description: 'Create a TaskFlow for the agent session of the route' },
		{ name: 'Fail Flow', value: 'failFlow', action: 'Mark a flow as failed', description: 'Mark a flow as failed' },
		{ name: 'Find Latest Flow', value: 'findLatestFlow', action: 'Get the newest flow of the agent session', description: 'Get the newest flow of the route\'s session' },
		{ name: 'Finish Flow', value: 'finishFlow', action: 'Mark a flow as succeeded', description: 'Mark a flow as succeeded' },
		{ name: 'Get Flow', value: 'getFlow', action: 'Get the status of a flow by its ID', description: 'Get a flow by ID' },
		{ name: 'Get Task Summary', value: 'getTaskSummary', action: 'Count the tasks of a flow by status', description: 'Count a flow\'s child tasks by status and runtime' },
		{
			name: 'Hand Off',
			value: 'handOff',
			action: 'Hand a result off to an agent as a new flow once per key',
			description: 'Turn an incoming result (e.g. a Coze run) into a flow, once per idempotency key',
		},
		{ name: 'List Flows', value: 'listFlows', action: 'List the flows of the agent session newest first', description: 'List the flows of the route\'s session, newest first' },
		{ name: 'Request Cancel', value: 'requestCancel', action: 'Ask a flow to stop taking new tasks', description: 'Ask a flow to stop: it then takes no new tasks' },
		{ name: 'Resolve Flow', value: 'resolveFlow', action: 'Find a flow by its ID or session key', description: 'Find a flow by flow ID, or the active flow of a session key' },
		{ name: 'Resume Flow', value: 'resumeFlow', action: 'Resume a waiting or blocked flow', description: 'Continue a waiting or blocked flow' },
		{ name: 'Set Waiting', value: 'setWaiting', action: 'Set a flow to waiting', description: 'Mark a flow as waiting (or blocked, with a blocker)' },
	],
	default: 'handOff',
};
