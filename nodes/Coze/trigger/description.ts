import type { INodeProperties } from 'n8n-workflow';

import { optionsCollection } from '../../shared/descriptions';

// Saved workflows store only values that differ from the default: these names stay as they were,
// or the triggers of existing workflows would look for other headers.
export const DEFAULT_SIGNATURE_HEADER = 'x-coze-signature';
export const DEFAULT_TIMESTAMP_HEADER = 'x-coze-timestamp';

const SIGNING_README = 'https://github.com/n8n-nodes-coze-openclaw/n8n-nodes-coze-openclaw#signing-requests-hmac';

const URLS = 'Use the Test URL (Webhook URLs, at the top of this panel) while this node listens in the editor, the Production URL once the workflow is active.';

/** What the editor shows while the trigger waits, and above its executions. */
export const cozeTriggerPanel = {
	header: 'Run the Coze workflow that calls this node',
	executionsHelp: {
		inactive:
			'While you build, click "Listen for test event" and then run the Coze workflow whose HTTP request node calls the Test URL: the request shows up here. Activate this workflow to receive requests at the Production URL; they then show up in the executions list.',
		active:
			'Each request that the Coze workflow sends to the Production URL starts an execution, shown in the executions list. To try changes, deactivate this workflow, click "Listen for test event", and run the Coze workflow against the Test URL.',
	},
	activationHint: 'Once activated, each request that the Coze workflow sends to the Production URL starts this workflow.',
};

export const cozeTriggerProperties: INodeProperties[] = [
	{
		displayName: `In the Coze workflow, add an HTTP request node that calls this node's URL: method POST, header Content-Type: application/json, the secret in the header below, and a JSON body such as {"output": {{output}}}, where {{output}} is the output of an earlier node, inserted as a variable. ${URLS}`,
		name: 'setupNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['header', 'none'] } },
	},
	{
		displayName: `The Coze workflow signs each request itself, in a Code node before its HTTP request node: the Code node builds the JSON body, takes the current Unix time, and computes the hex HMAC-SHA256 of timestamp + "." + body with the secret. The HTTP request node then POSTs that body unchanged to this node's URL, with Content-Type: application/json and the two headers below. See <a href="${SIGNING_README}" target="_blank">Signing requests (HMAC)</a> for the Code node. ${URLS}`,
		name: 'hmacSetupNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['hmac'] } },
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{
				name: 'Secret in a Header',
				value: 'header',
				description: 'The Coze HTTP request node sends the secret, e.g. Authorization: Bearer &lt;secret&gt;',
			},
			{
				name: 'HMAC-SHA256 Signature',
				value: 'hmac',
				description: 'A Code node in the Coze workflow signs timestamp + "." + body with the secret; old or repeated requests are refused',
			},
			{
				name: 'None',
				value: 'none',
				description: 'Anyone who knows the URL can start the workflow',
			},
		],
		default: 'header',
	},
	{
		displayName:
			'Without authentication, anyone who learns this URL can start the workflow. Use a secret unless the URL is private to a trusted network.',
		name: 'noAuthNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['none'] } },
	},
	{
		displayName: 'Header Name',
		name: 'headerName',
		type: 'string',
		default: 'Authorization',
		description: 'With Authorization, the Coze HTTP request node sends "Bearer &lt;secret&gt;"; with any other header, the secret alone',
		displayOptions: { show: { authentication: ['header'] } },
	},
	{
		displayName: 'Signature Header',
		name: 'signatureHeader',
		type: 'string',
		default: DEFAULT_SIGNATURE_HEADER,
		description: 'The header in which the Coze workflow sends the hex HMAC-SHA256 of timestamp + "." + body (a "sha256=" prefix is allowed)',
		displayOptions: { show: { authentication: ['hmac'] } },
	},
	{
		displayName: 'Timestamp Header',
		name: 'timestampHeader',
		type: 'string',
		default: DEFAULT_TIMESTAMP_HEADER,
		description: 'The header in which the Coze workflow sends the time of signing, in Unix seconds',
		displayOptions: { show: { authentication: ['hmac'] } },
	},
	{
		displayName: 'Tolerance (Seconds)',
		name: 'toleranceSeconds',
		type: 'number',
		typeOptions: { minValue: 10, maxValue: 3600 },
		default: 300,
		description: 'How far the timestamp may be from now; older requests are refused, and each signature is accepted once',
		displayOptions: { show: { authentication: ['hmac'] } },
	},
	{
		displayName: 'Respond',
		name: 'responseMode',
		type: 'options',
		options: [
			{
				name: 'Immediately',
				value: 'onReceived',
				description: 'Answer {"received": true} at once',
			},
			{
				name: 'When Last Node Finishes',
				value: 'lastNode',
				description: "Answer with the JSON of the last node's first item: the Coze HTTP node receives the workflow's result",
			},
			{
				name: 'Using Respond to Webhook Node',
				value: 'responseNode',
				description: 'Answer from a Respond to Webhook node',
			},
		],
		default: 'onReceived',
	},
	optionsCollection([
		{
			displayName: 'Decode Nested JSON',
			name: 'decodeNestedJson',
			type: 'boolean',
			default: true,
			description: 'Whether to turn strings that hold JSON objects or arrays into objects (Coze passes objects as strings)',
		},
		{
			displayName: 'Include Headers',
			name: 'includeHeaders',
			type: 'boolean',
			default: false,
			description: 'Whether to add the request headers to the item (the authentication headers are left out)',
		},
		{
			displayName: 'Include Query',
			name: 'includeQuery',
			type: 'boolean',
			default: false,
			description: 'Whether to add the query parameters to the item',
		},
		{
			displayName: 'Max Body Size (KB)',
			name: 'maxBodySizeKb',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 16384 },
			default: 1024,
			description: 'Larger bodies are refused with 413',
		},
	]),
];
