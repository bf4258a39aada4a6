import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { byDisplayName, optionsCollection } from '../../shared/descriptions';
import { chatOptions, maxEventSizeOption } from './chat';

// Each option is listed only where the chosen operation and mode read it, and n8n drops the value
// of an option that is not listed when the node runs. n8n checks these rules with the defaults of
// every field, shown or not (Mode is "stream" even for Resume), so a rule that spans operations
// would misfire: an option read by several operations is listed once per operation instead, with
// rules that each name one operation. Only one of the copies is ever shown.
const RUN_RESUME_GET: IDisplayOptions['show'] = { '/operation': ['run', 'resume', 'getRun'] };
/** Read by a streamed run: Run in Stream mode, Resume via Stream. */
const STREAMED: IDisplayOptions[] = [
	{ show: { '/operation': ['run'], '/mode': ['stream'] } },
	{ show: { '/operation': ['resume'], '/resumeVia': ['stream'] } },
];
/** Read while the node checks on a run in the background: Run in Async mode, Resume via Non-Stream, Get Run that waits. */
const POLLED: IDisplayOptions[] = [
	{ show: { '/operation': ['run'], '/mode': ['async'] } },
	{ show: { '/operation': ['resume'], '/resumeVia': ['nonStream'] } },
	{ show: { '/operation': ['getRun'], '/waitForCompletion': [true] } },
];
/** Read by single requests that wait for Coze's answer: all but a streamed run. */
const REQUESTED: IDisplayOptions[] = [
	{ show: { '/operation': ['run'], '/mode': ['async', 'sync'] } },
	{ show: { '/operation': ['resume'], '/resumeVia': ['nonStream'] } },
	{ show: { '/operation': ['getRun'] } },
];
const RUN_ONLY: IDisplayOptions = { show: { '/operation': ['run'] } };
const RUN_OR_CHAT: IDisplayOptions = { show: { '/operation': ['run', 'chat'] } };
const CHAT: IDisplayOptions = { show: { '/operation': ['chat'] } };
const UPLOAD: IDisplayOptions = { show: { '/operation': ['uploadFile'] } };

/** The option once for each of the rules under which it is shown. */
function shownWhen(rules: IDisplayOptions[], option: Omit<INodeProperties, 'displayOptions'>): INodeProperties[] {
	return rules.map((displayOptions) => ({ ...option, displayOptions }));
}

const options: INodeProperties[] = [
	...chatOptions(CHAT),
	{
		displayName: 'App ID',
		name: 'appId',
		type: 'string',
		default: '',
		description: "For a workflow inside a Coze app (project): the app's ID. Do not combine with Bot ID (Coze calls it app_id).",
		displayOptions: RUN_ONLY,
	},
	{
		displayName: 'Bot ID',
		name: 'botId',
		type: 'string',
		default: '',
		description: 'The agent whose context (database, variables) the workflow uses. Do not combine with App ID (Coze calls it bot_id).',
		displayOptions: RUN_ONLY,
	},
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50, numberPrecision: 0 },
		default: 1,
		description: 'How many items run at the same time. Output order and item pairing stay as the input.',
	},
	{
		displayName: 'Fall Back to Stream When Async Is Not Allowed',
		name: 'fallbackToStream',
		type: 'boolean',
		default: false,
		description:
			'Whether to run the workflow in Stream mode when Coze does not allow runs in the background, as on the free plan. Coze then has started no run, so the workflow cannot run twice (Coze code 6003).',
		displayOptions: { show: { '/operation': ['run'], '/mode': ['async'] } },
	},
	...shownWhen(STREAMED, {
		displayName: 'Idle Timeout (Seconds)',
		name: 'idleTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 90,
		description:
			'Fail when Coze sends nothing for this long. Coze sends a keep-alive about every 35 s and its first byte can take 30 s, so keep this above 40.',
	}),
	{
		displayName: 'Idle Timeout (Seconds)',
		name: 'idleTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 120,
		description: 'Fail when the connection to Coze stays silent this long while the file is sent or its answer awaited',
		displayOptions: UPLOAD,
	},
	...shownWhen(STREAMED, {
		displayName: 'Include Events',
		name: 'includeEvents',
		type: 'boolean',
		default: false,
		description: 'Whether to add the raw events of the streamed run to the output (events)',
	}),
	{
		displayName: 'Include Messages',
		name: 'includeMessages',
		type: 'boolean',
		default: false,
		description: "Whether to add the content of every output node to the output (messages), not only the End node's result",
		displayOptions: { show: RUN_RESUME_GET, hide: { '/mode': ['sync'] } },
	},
	...shownWhen(STREAMED, maxEventSizeOption),
	...shownWhen(POLLED, {
		displayName: 'Max Wait Time (Seconds)',
		name: 'maxWaitTime',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 86400 },
		default: 1800,
		description:
			"How long to wait for a run in the background before giving up (at most 24 h, Coze's limit for background runs). The run goes on in Coze. With Wait for Callback, the execution waits this long (n8n may take up to a minute more to notice), then passes on the item with status running and executeId for a Get Run.",
	}),
	{
		displayName: 'Parse Output',
		name: 'parseOutput',
		type: 'boolean',
		default: true,
		description:
			"Whether to decode the End node's result into an object (Coze sends it as JSON inside a string, sometimes several layers deep). Off returns the text as Coze sent it.",
		displayOptions: { show: RUN_RESUME_GET },
	},
	...shownWhen(POLLED, {
		displayName: 'Poll Initial Interval (Seconds)',
		name: 'pollInitialInterval',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 0.5,
		description:
			"The first and shortest wait between two checks on a run. Later waits grow to about 10% of the time the run has taken, so its end is noticed within about 10% of its length; once a workflow's runs have been seen, checks are sparse early in a run and close together near its usual length.",
	}),
	...shownWhen(POLLED, {
		displayName: 'Poll Max Interval (Seconds)',
		name: 'pollMaxInterval',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 15,
		description:
			"The longest wait between two checks on a run, and so how late a run's end may be noticed. Early in a run of a workflow known to take longer, checks may be further apart.",
	}),
	...shownWhen(REQUESTED, {
		displayName: 'Request Timeout (Seconds)',
		name: 'requestTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 120,
		description: "How long a sync run or another single request may wait for Coze's answer (Coze itself stops sync runs after 90 s)",
	}),
	{
		displayName: 'Request Timeout (Seconds)',
		name: 'requestTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 600,
		description: "The longest an upload may take, from the first byte sent to Coze's answer (a 512 MB file over a slow link takes minutes)",
		displayOptions: UPLOAD,
	},
	{
		displayName: 'Requests per Second',
		name: 'requestsPerSecond',
		type: 'number',
		typeOptions: { minValue: 0.1, maxValue: 1000 },
		default: 50,
		description: "At most this many requests to Coze per second from this node (Coze's free plan allows about 50 workflow requests per second)",
	},
	...shownWhen(STREAMED, {
		displayName: 'Stream to Response',
		name: 'streamToResponse',
		type: 'boolean',
		default: true,
		description:
			'Whether to forward the text of a streamed run, as it arrives, into the response of a Webhook or Chat Trigger that streams (n8n 1.104 and later). The item still holds the full result.',
	}),
	...shownWhen(STREAMED, {
		displayName: 'Streamed Nodes',
		name: 'streamNodes',
		type: 'options',
		options: [
			{ name: 'Every Output Node', value: 'all', description: 'The text of every Output node and of the End node' },
			{ name: 'End Node Only', value: 'end', description: "Only the End node's answer" },
		],
		default: 'all',
		description: 'Whose messages go into the streamed response (with Stream to Response on)',
	}),
	...shownWhen(STREAMED, {
		displayName: 'Total Timeout (Seconds)',
		name: 'totalTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 600,
		description: 'The longest a streamed run may take (Coze stops runs that are not in the background after 10 minutes)',
	}),
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		default: '',
		description: 'Your own ID for the end user. Coze shows it as connector_uid in the run history (sent as ext.user_id).',
		displayOptions: RUN_OR_CHAT,
	},
	{
		displayName: 'Workflow Version Name or ID',
		name: 'workflowVersion',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getWorkflowVersions', loadOptionsDependsOn: ['workflowId.value'] },
		default: '',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		displayOptions: RUN_OR_CHAT,
	},
];

export const optionsProperty: INodeProperties = optionsCollection(byDisplayName(options));
