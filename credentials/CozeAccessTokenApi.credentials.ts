import type { ICredentialTestRequest, ICredentialType, Icon, INodeProperties, IAuthenticateGeneric } from 'n8n-workflow';

import { REGION_BASE_URLS, STUDIO_DEFAULT_URL } from '../nodes/Coze/protocol/endpoint';

export const COZE_REGION_OPTIONS = [
	{ name: 'Coze.com (International)', value: 'com', description: 'https://api.coze.com' },
	{ name: 'Coze.cn (China)', value: 'cn', description: 'https://api.coze.cn' },
	{ name: 'Coze Studio (Self-Hosted)', value: 'studio', description: 'Your own Coze Studio server' },
	{ name: 'Other Base URL (Proxy)', value: 'custom', description: "A proxy or gateway in front of Coze's API" },
];

/** The API base URL of a Coze credential, as an n8n expression (for credential tests). */
export const COZE_BASE_URL_EXPRESSION = `={{ $credentials.region === "cn" ? "${REGION_BASE_URLS.cn}" : $credentials.region === "studio" ? $credentials.studioUrl : $credentials.region === "custom" ? $credentials.baseUrl : "${REGION_BASE_URLS.com}" }}`;

const REGION_HINT =
	'A token works only on the Coze site that issued it: check the token, and switch Region if it is from the other site (coze.cn or coze.com).';

/** Coze answers most token problems with HTTP 200 and a code; a 401 gets n8n's own "authorization failed". */
export const COZE_TOKEN_TEST_RULES: ICredentialTestRequest['rules'] = [
	{ type: 'responseSuccessBody', properties: { key: 'code', value: 4100, message: `Coze rejected the token (4100). ${REGION_HINT}` } },
	{ type: 'responseSuccessBody', properties: { key: 'code', value: 700012006, message: `The token is invalid or has expired (700012006). ${REGION_HINT}` } },
	{
		type: 'responseSuccessBody',
		properties: {
			key: 'code',
			value: 4101,
			message: `Coze refused the token for this request (4101): either it is from the other site or it lacks the listWorkspace permission. ${REGION_HINT}`,
		},
	},
];

export class CozeAccessTokenApi implements ICredentialType {
	name = 'cozeAccessTokenApi';

	displayName = 'Coze Access Token API';

	icon: Icon = { light: 'file:../icons/coze.svg', dark: 'file:../icons/coze.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-coze-openclaw/n8n-nodes-coze-openclaw#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'pat_…',
			description:
				'A personal access token (pat_…), a service access token (sat_…) or an OAuth access token. Create one in Coze under API → Personal Access Tokens, with the permissions the nodes need (run, listRunHistory, listWorkflow, getMetaData, listWorkspace, uploadFile).',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: COZE_REGION_OPTIONS,
			default: 'com',
			description: 'Which Coze the token belongs to. A token from coze.cn does not work on coze.com, and the other way round.',
		},
		{
			displayName: 'Base URL',
			name: 'studioUrl',
			type: 'string',
			default: STUDIO_DEFAULT_URL,
			placeholder: STUDIO_DEFAULT_URL,
			description: 'The URL of your Coze Studio server',
			displayOptions: { show: { region: ['studio'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://coze-proxy.example.com',
			description: 'The URL that serves Coze\'s API paths (/v1/…)',
			displayOptions: { show: { region: ['custom'] } },
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: COZE_BASE_URL_EXPRESSION,
			// Coze Studio has no workspace list; an unknown run answers with a JSON error, proving the token works.
			url: '={{ $credentials.region === "studio" ? "/v1/workflow/get_run_history?workflow_id=0&execute_id=0" : "/v1/workspaces?page_size=1" }}',
			method: 'GET',
		},
		rules: COZE_TOKEN_TEST_RULES,
	};
}
