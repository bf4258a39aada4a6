import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { optionsCollection } from '../shared/descriptions';
import { throwNodeError } from '../shared/itemRunner';
import { settle } from '../shared/settle';
import { OpenClawError, OpenClawRateLimitError } from './protocol/errors';
import { diffFlows, emptyWatchState, sampleTransition, WATCH_EVENTS, type Transition, type WatchEvent, type WatchFilters, type WatchState } from './protocol/flowWatch';
import { createTaskFlowClient } from './n8n/connection';
import { openClawWebhookTest } from './n8n/credentialTest';
import { toNodeError } from './n8n/errors';
import { flowJson } from './n8n/output';

const EVENT_NAMES: Record<WatchEvent, string> = {
	created: 'Flow Created',
	waiting: 'Flow Waiting',
	blocked: 'Flow Blocked',
	succeeded: 'Flow Succeeded',
	failed: 'Flow Failed',
	cancelled: 'Flow Cancelled',
	lost: 'Flow Lost',
	anyChange: 'Any Change',
};

function transitionJson(t: Transition): IDataObject {
	return { event: t.event, previousStatus: t.previousStatus, previousRevision: t.previousRevision, ...flowJson(t.flow) };
}

const NO_SAMPLE_HELP = 'Fetch Test Event shows the newest flow that the chosen Events would report. Move a flow to one of those statuses, or choose other Events.';

/** What a test in the editor says when no flow fits the chosen events and filters. */
function noSampleMessage(events: ReadonlySet<WatchEvent>, filters: WatchFilters): string {
	const statuses = [...events].filter((e) => e !== 'created' && e !== 'anyChange');
	const filtered = filters.controllerId || filters.goalContains || filters.stateField ? ' that matches the Filters' : '';
	if (events.has('created') || events.has('anyChange')) return `No flow${filtered} exists on this route yet`;
	return `No flow${filtered} is in status ${statuses.join(' or ')} yet`;
}

/** A poll never waits for the rate limit: a 429 skips it, and the next poll tries again. */
const POLL_SETTINGS = { timeoutMs: 30_000, rateLimitMaxWaitMs: 0 };

export class OpenClawTaskFlowTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpenClaw TaskFlow Trigger',
		name: 'openClawTaskFlowTrigger',
		icon: {
			light: 'file:../../icons/openclaw.svg',
			dark: 'file:../../icons/openclaw.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: `={{ $parameter["events"].map((e) => (${JSON.stringify(EVENT_NAMES)})[e] ?? e).join(", ") }}`,
		// The node creator shows this under the entry that the trigger shares with the OpenClaw TaskFlow node.
		description: 'Create, update and watch OpenClaw TaskFlows, and hand results off to them',
		defaults: { name: 'OpenClaw TaskFlow Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'openClawWebhookApi', required: true, testedBy: 'openClawWebhookTest' }],
		properties: [
			{
				displayName: "Each poll reads the route's list of flows with one request, which counts against the route's 120 requests per minute.",
				name: 'pollNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: WATCH_EVENTS.map((value) => ({
					name: EVENT_NAMES[value],
					value,
				})),
				default: ['succeeded', 'failed', 'waiting'],
				description: 'Which changes start the workflow. A flow changes status at most once per poll: its latest status counts.',
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					{
						displayName: 'Controller ID',
						name: 'controllerId',
						type: 'string',
						default: '',
						description: 'Only flows with this controller ID',
					},
					{
						displayName: 'Goal Contains',
						name: 'goalContains',
						type: 'string',
						default: '',
						description: 'Only flows whose goal contains this text (any case)',
					},
					{
						displayName: 'State Field',
						name: 'stateFieldPath',
						type: 'string',
						default: '',
						placeholder: 'e.g. executeId',
						description: "A field of the flow's state (dotted path), used with State Field Equals",
					},
					{
						displayName: 'State Field Equals',
						name: 'stateFieldEquals',
						type: 'string',
						default: '',
						description: 'Only flows whose State Field has this value',
					},
				],
			},
			optionsCollection([
				{
					displayName: 'Emit Existing Flows on Activation',
					name: 'emitExisting',
					type: 'boolean',
					default: false,
					description: 'Whether the first poll after activation reports the flows that already exist, instead of only noting them',
				},
			]),
		],
	};

	methods = { credentialTest: { openClawWebhookTest } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const events = new Set(this.getNodeParameter('events', []) as WatchEvent[]);
		if (events.size === 0) throw new NodeOperationError(this.getNode(), 'Events is empty: choose at least one change to react to');
		const unknownEvent = [...events].find((event) => !(WATCH_EVENTS as readonly string[]).includes(event));
		if (unknownEvent !== undefined) {
			throw new NodeOperationError(
				this.getNode(),
				`Events: "${String(unknownEvent)}" is not a change this trigger knows; choose from ${WATCH_EVENTS.join(', ')}`,
			);
		}
		const raw = this.getNodeParameter('filters', {}) as IDataObject;
		const filters: WatchFilters = {
			controllerId: String(raw.controllerId ?? '').trim() || undefined,
			goalContains: String(raw.goalContains ?? '').trim() || undefined,
			stateField: String(raw.stateFieldPath ?? '').trim()
				? {
						path: String(raw.stateFieldPath).trim(),
						equals: String(raw.stateFieldEquals ?? ''),
					}
				: undefined,
		};
		if (!filters.stateField && String(raw.stateFieldEquals ?? '') !== '') {
			throw new NodeOperationError(
				this.getNode(),
				'State Field is empty while State Field Equals is set: Enter the state field to compare, e.g. executeId',
			);
		}
		const options = this.getNodeParameter('options', {}) as IDataObject;

		const flows = await settle(async () => await (await createTaskFlowClient(this, POLL_SETTINGS)).listFlows());
		if (flows instanceof OpenClawRateLimitError) {
			this.logger.warn(`OpenClaw TaskFlow Trigger skipped a poll: ${flows.message}`);
			return null;
		}
		if (flows instanceof OpenClawError) throwNodeError(this.getNode(), toNodeError(this.getNode(), flows, 0));
		if (flows instanceof Error) throw new NodeOperationError(this.getNode(), flows);

		if (this.getMode() === 'manual') {
			// A test in the editor shows the newest flow that the chosen events would report, and
			// leaves the trigger's memory alone.
			const sample = sampleTransition(flows, events, filters);
			if (!sample) throw new NodeOperationError(this.getNode(), noSampleMessage(events, filters), { description: NO_SAMPLE_HELP });
			return [[{ json: transitionJson(sample) }]];
		}

		const staticData = this.getWorkflowStaticData('node');
		const state = (staticData.watch as WatchState | undefined) ?? emptyWatchState();
		const { transitions, next } = diffFlows(state, flows, {
			events,
			filters,
			emitExisting: options.emitExisting === true,
		});
		// Only now, after a successful poll, does the memory move on.
		staticData.watch = next as unknown as IDataObject;
		if (transitions.length === 0) return null;
		return [
			transitions.map((t) => ({ json: transitionJson(t) })),
		];
	}
}
