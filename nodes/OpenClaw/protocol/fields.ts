/** How the node's fields are labelled for the user, by the plugin's field names: errors name fields the way the user sees them. */
export const FIELD_LABELS: Record<string, string> = {
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
};

export function fieldLabel(field: string): string {
	return FIELD_LABELS[field] ?? field;
}

/** The biggest entry by its JSON size (the first of equals): the one to name when a request is too big. */
export function biggestField(entries: Record<string, unknown>): string | undefined {
	let best: string | undefined;
	let size = -1;
	for (const [key, value] of Object.entries(entries)) {
		const bytes = Buffer.byteLength(JSON.stringify(value) ?? '');
		if (bytes > size) {
			best = key;
			size = bytes;
		}
	}
	return best;
}
