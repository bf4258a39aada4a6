import type { INodeProperties } from 'n8n-workflow';

import { optionsCollection } from '../../shared/descriptions';

export const cozeTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'In Coze, add an HTTP request node (or a Code node) that calls the URL above: method POST, header Content-Type: application/json, the authentication header below, and a JSON body such as {"executeId": "{{execute_id}}", "output": {{output}}}. Use the Test URL while this node listens in the editor, the Production URL once the workflow is active.',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{
				name: 'Secret in a Header',
				value: 'header',
				description: 'Coze sends the secret, e.g. Authorization: Bearer &lt;secret&gt;',
			},
			{
				name: 'HMAC-SHA256 Signature',
				value: 'hmac',
				description: 'Coze signs timestamp + "." + body with the secret; old or repeated requests are refused',
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
		description: 'With Authorization, Coze sends "Bearer &lt;secret&gt;"; with any other header, the secret alone',
		displayOptions: { show: { authentication: ['header'] } },
	},
	{
		displayName: 'Signature Header',
		name: 'signatureHeader',
		type: 'string',
		default: 'x-coze-signature',
		description: 'Holds the hex HMAC-SHA256 of timestamp + "." + body (a "sha256=" prefix is allowed)',
		displayOptions: { show: { authentication: ['hmac'] } },
	},
	{
		displayName: 'Timestamp Header',
		name: 'timestampHeader',
		type: 'string',
		default: 'x-coze-timestamp',
		description: 'Holds the time of signing in Unix seconds',
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
