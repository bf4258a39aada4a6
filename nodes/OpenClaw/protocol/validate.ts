import { OpenClawInputError } from './errors';
import {
	CREATE_STATUSES,
	NOTIFY_POLICIES,
	RESUME_STATUSES,
	TASK_RUNTIMES,
	type ActionBody,
	type ActionName,
} from './types';

/**
 * The plugin's request rules (its zod schemas), checked before sending so that a mistake
 * names the field instead of coming back as the gateway's first zod issue. All action objects are
 * strict; the gateway trims strings and needs at least one character.
 */

type Rule = 'text' | 'nullableText' | 'revision' | 'json' | 'boolean' | readonly string[];

const FLOW_ID: Record<string, Rule> = { flowId: 'text' };
const REVISED: Record<string, Rule> = { flowId: 'text', expectedRevision: 'revision' };

const SCHEMAS: Record<ActionName, { required: string[]; fields: Record<string, Rule> }> = {
	create_flow: {
		required: ['goal'],
		fields: {
			goal: 'text',
			controllerId: 'text',
			status: CREATE_STATUSES,
			notifyPolicy: NOTIFY_POLICIES,
			currentStep: 'nullableText',
			stateJson: 'json',
			waitJson: 'json',
		},
	},
	get_flow: { required: ['flowId'], fields: FLOW_ID },
	list_flows: { required: [], fields: {} },
	find_latest_flow: { required: [], fields: {} },
	resolve_flow: { required: ['token'], fields: { token: 'text' } },
	get_task_summary: { required: ['flowId'], fields: FLOW_ID },
	set_waiting: {
		required: ['flowId', 'expectedRevision'],
		fields: { ...REVISED, currentStep: 'nullableText', stateJson: 'json', waitJson: 'json', blockedTaskId: 'nullableText', blockedSummary: 'nullableText' },
	},
	resume_flow: {
		required: ['flowId', 'expectedRevision'],
		fields: { ...REVISED, status: RESUME_STATUSES, currentStep: 'nullableText', stateJson: 'json' },
	},
	finish_flow: { required: ['flowId', 'expectedRevision'], fields: { ...REVISED, stateJson: 'json' } },
	fail_flow: {
		required: ['flowId', 'expectedRevision'],
		fields: { ...REVISED, stateJson: 'json', blockedTaskId: 'nullableText', blockedSummary: 'nullableText' },
	},
	request_cancel: { required: ['flowId', 'expectedRevision'], fields: REVISED },
	cancel_flow: { required: ['flowId'], fields: FLOW_ID },
	run_task: {
		required: ['flowId', 'runtime', 'task'],
		fields: {
			flowId: 'text',
			runtime: TASK_RUNTIMES,
			task: 'text',
			sourceId: 'text',
			childSessionKey: 'text',
			parentTaskId: 'text',
			agentId: 'text',
			runId: 'text',
			label: 'text',
			preferMetadata: 'boolean',
			notifyPolicy: NOTIFY_POLICIES,
			status: RESUME_STATUSES,
			startedAt: 'revision',
			lastEventAt: 'revision',
			progressSummary: 'nullableText',
		},
	},
};

function fail(field: string, problem: string): never {
	throw new OpenClawInputError(field, (label) => `${label} ${problem}`);
}

/** A path to a number JSON cannot carry (NaN, Infinity), which JSON.stringify would quietly turn into null. */
function nonFinitePath(value: unknown, path: string, depth = 0): string | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
	if (depth > 200 || value === null || typeof value !== 'object') return undefined;
	for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
		const found = nonFinitePath(child, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, depth + 1);
		if (found) return found;
	}
	return undefined;
}

function check(field: string, rule: Rule, value: unknown): void {
	if (Array.isArray(rule)) {
		if (typeof value !== 'string' || !rule.includes(value)) fail(field, `must be one of ${rule.join(', ')}, not "${String(value)}"`);
		return;
	}
	switch (rule) {
		case 'text':
			if (typeof value !== 'string' || value.trim() === '') fail(field, 'must not be empty');
			return;
		case 'nullableText':
			if (value !== null && (typeof value !== 'string' || value.trim() === '')) {
				fail(field, 'must be text, or cleared (null); the gateway refuses an empty value');
			}
			return;
		case 'revision':
			if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
				fail(field, `must be a whole number of 0 or more, not ${JSON.stringify(value)}`);
			}
			return;
		case 'boolean':
			if (typeof value !== 'boolean') fail(field, 'must be true or false');
			return;
		case 'json': {
			const path = nonFinitePath(value, field);
			if (path) fail(field, `holds a number JSON cannot carry (NaN or Infinity) at ${path}`);
			return;
		}
	}
}

/** Checks an action body against the plugin's rules. Throws `OpenClawInputError` naming the field. */
export function validateAction(body: ActionBody): void {
	const schema = SCHEMAS[body.action];
	if (!schema) throw new OpenClawInputError('action', `Unknown action "${String(body.action)}"`);
	for (const field of schema.required) {
		if (body[field] === undefined) fail(field, 'is required');
	}
	for (const [field, value] of Object.entries(body)) {
		if (field === 'action' || value === undefined) continue;
		const rule = schema.fields[field];
		if (!rule) fail(field, `is not accepted by ${body.action}`);
		check(field, rule, value);
	}
	if (body.action === 'run_task' && body.status !== 'running') {
		for (const field of ['startedAt', 'lastEventAt', 'progressSummary']) {
			if (body[field] !== undefined) fail(field, 'can only be set when Status is running (a rule of the gateway)');
		}
	}
}

/** Checks one field by the plugin's rule for it in `action`. Throws `OpenClawInputError` naming the field. */
export function validateField(action: ActionName, field: string, value: unknown): void {
	const rule = SCHEMAS[action].fields[field];
	if (rule) check(field, rule, value);
}
