import type { OpenClawError } from '../protocol/errors';

/**
 * The labels the user sees, by the names the protocol gives fields: the plugin's fields, then Hand
 * Off's own (its key, its state's entries, its task's runtime). Errors name fields as the editor
 * shows them; the protocol leaves that to this one table.
 */
const FIELD_LABELS: Record<string, string> = {
	action: 'Operation',
	flowId: 'Flow ID',
	expectedRevision: 'Expected Revision',
	goal: 'Goal',
	controllerId: 'Controller ID',
	status: 'Status',
	notifyPolicy: 'Notify Policy',
	currentStep: 'Current Step',
	stateJson: 'State (JSON)',
	waitJson: 'Wait (JSON)',
	blockedTaskId: 'Blocked Task ID',
	blockedSummary: 'Blocked Summary',
	token: 'Flow ID or Session Key',
	runtime: 'Runtime',
	task: 'Task',
	sourceId: 'Source ID',
	childSessionKey: 'Child Session Key',
	parentTaskId: 'Parent Task ID',
	agentId: 'Agent ID',
	runId: 'Run ID',
	label: 'Label',
	preferMetadata: 'Prefer Metadata',
	startedAt: 'Started At',
	lastEventAt: 'Last Event At',
	progressSummary: 'Progress Summary',
	// Hand Off's own
	idempotencyKey: 'Idempotency Key',
	result: 'Result',
	executeId: 'Execute ID',
	debugUrl: 'Debug URL',
	taskRuntime: 'Runtime',
};

/** The label of a field the protocol names; a field named by the n8n layer is its label already. */
export function fieldLabel(field: string): string {
	return FIELD_LABELS[field] ?? field;
}

/** The error's message, with the field it names (if any) labelled as the user sees it. */
export function userMessage(error: OpenClawError): string {
	return error.named ? error.named.say(fieldLabel(error.named.field)) : error.message;
}
