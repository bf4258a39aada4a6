import type { INodeProperties } from 'n8n-workflow';

import { optionsCollection } from '../../shared/descriptions';

export const optionsProperty: INodeProperties = optionsCollection([
	{
		displayName: 'App ID',
		name: 'appId',
		type: 'string',
		default: '',
		description: "For a workflow inside a Coze app (project): the app's ID (app_id). Do not combine with Bot ID.",
		displayOptions: { show: { '/operation': ['run'] } },
	},
	{
		displayName: 'Bot ID',
		name: 'botId',
		type: 'string',
		default: '',
		description: 'The agent whose context (database, variables) the workflow uses (bot_id). Do not combine with App ID.',
		displayOptions: { show: { '/operation': ['run'] } },
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
		displayName: 'Requests per Second',
		name: 'requestsPerSecond',
		type: 'number',
		typeOptions: { minValue: 0.1, maxValue: 1000 },
		default: 50,
		description: "At most this many requests to Coze per second from this node (Coze's free plan allows about 50 workflow requests per second)",
	},
	{
		displayName: 'Stream to Response',
		name: 'streamToResponse',
		type: 'boolean',
		default: true,
		description:
			'Whether to forward the text of a stream run, as it arrives, into the response of a Webhook or Chat Trigger that streams (n8n 1.104 and later). The item still holds the full result.',
		displayOptions: { show: { '/operation': ['run', 'resume'] } },
	},
	{
		displayName: 'Streamed Nodes',
		name: 'streamNodes',
		type: 'options',
		options: [
			{ name: 'Every Output Node', value: 'all', description: 'The text of every Output node and of the End node' },
			{ name: 'End Node Only', value: 'end', description: 'Only the End node\'s answer' },
		],
		default: 'all',
		description: 'Whose messages go into the streamed response (with Stream to Response on)',
		displayOptions: { show: { '/operation': ['run', 'resume'] } },
	},
	{
		displayName: 'Fall Back to Stream on 6003',
		name: 'fallbackToStream',
		type: 'boolean',
		default: false,
		description:
			'Whether to run in stream mode when Coze refuses async runs with code 6003 (free plan). 6003 means no run was started, so the fallback cannot run the workflow twice.',
		displayOptions: { show: { '/operation': ['run'], '/mode': ['async'] } },
	},
	{
		displayName: 'Idle Timeout (Seconds)',
		name: 'idleTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 90,
		description:
			'Fail when Coze sends nothing for this long. Coze sends a keep-alive about every 35 s and its first byte can take 30 s, so keep this above 40.',
	},
	{
		displayName: 'Include Events',
		name: 'includeEvents',
		type: 'boolean',
		default: false,
		description: 'Whether to add the raw stream events to the output (events)',
	},
	{
		displayName: 'Include Messages',
		name: 'includeMessages',
		type: 'boolean',
		default: false,
		description: "Whether to add the content of every output node to the output (messages), not only the End node's result",
	},
	{
		displayName: 'Max Wait Time (Seconds)',
		name: 'maxWaitTime',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 86400 },
		default: 1800,
		description: "How long to poll a run before giving up (at most 24 h, Coze's limit for async runs). The run goes on in Coze.",
	},
	{
		displayName: 'Parse Output',
		name: 'parseOutput',
		type: 'boolean',
		default: true,
		description:
			"Whether to decode the End node's result into an object (Coze sends it as JSON inside a string, sometimes several layers deep). Off returns the text as Coze sent it.",
	},
	{
		displayName: 'Poll Initial Interval (Seconds)',
		name: 'pollInitialInterval',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 0.5,
		description:
			"The first and shortest wait between polls of a run. Later waits grow to about 10% of the time the run has taken, so its end is noticed within about 10% of its length; once a workflow's runs have been seen, polls are sparse early in a run and close together near its usual length.",
	},
	{
		displayName: 'Poll Max Interval (Seconds)',
		name: 'pollMaxInterval',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 15,
		description:
			"The longest wait between two polls, and so how late a run's end may be noticed. Early in a run of a workflow known to take longer, polls may be further apart.",
	},
	{
		displayName: 'Request Timeout (Seconds)',
		name: 'requestTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 120,
		description: "How long a sync run or another single request may wait for Coze's answer (Coze itself cuts sync runs after 90 s)",
	},
	{
		displayName: 'Total Timeout (Seconds)',
		name: 'totalTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 600,
		description: 'The longest a streamed run may take (Coze limits non-async runs to 10 minutes)',
	},
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		default: '',
		description: 'Your own ID for the end user, sent as ext.user_id (Coze shows it as connector_uid in run history)',
		displayOptions: { show: { '/operation': ['run'] } },
	},
	{
		displayName: 'Workflow Version Name or ID',
		name: 'workflowVersion',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getWorkflowVersions', loadOptionsDependsOn: ['workflowId.value'] },
		default: '',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		displayOptions: { show: { '/operation': ['run'] } },
	},
]);
