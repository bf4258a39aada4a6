import type { ICredentialDataDecryptedObject, ICredentialTestRequest, ICredentialType, Icon, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { REGION_BASE_URLS, STUDIO_DEFAULT_URL } from '../nodes/Coze/protocol/endpoint';

export const COZE_REGION_OPTIONS = [
	{ name: 'Coze.com (International)', value: 'com', description: 'https://api.coze.com' },
	{ name: 'Coze.cn (China)', value: 'cn', description: 'https://api.coze.cn' },
	{ name: 'Coze Studio (Self-Hosted)', value: 'studio', description: 'Your own Coze Studio server' },
	{ name: 'Other Base URL (Proxy)', value: 'custom', description: "A proxy or gateway in front of Coze's API" },
];

/** The API base URL of a Coze credential, as an n8n expression (for credential tests). */
export const COZE_BASE_URL_EXPRESSION = `={{ $credentials.region === "cn" ? "${REGION_BASE_URLS.cn}" : $credentials.region === "studio" ? $credentials.studioUrl : $credentials.region === "custom" ? String($credentials.baseUrl).trim().replace(/\\/+$/, "").replace(/\\/v1$/i, "") : "${REGION_BASE_URLS.com}" }}`;

/** The Base URL of the "Other Base URL (Proxy)" region, shared by both Coze credentials. */
export const COZE_CUSTOM_BASE_URL: INodeProperties = {
	displayName: 'Base URL',
	name: 'baseUrl',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'https://coze-proxy.example.com',
	description: "The address in front of Coze's API paths, without /v1 (a trailing /v1 is dropped)",
	displayOptions: { show: { region: ['custom'] } },
};

/**
 * The request of the JWT credential's test (the access-token credential is tested by the Coze
 * Workflow node, which can say more). It needs the listRunHistory permission, which the run
 * modes need too, and not listWorkspace, which only the editor's lists need: a token that can run
 * workflows passes. The probed run does not exist, so a valid token gets a "not found" answer.
 * (Coze Studio has its own history path, `/v1/workflow/get_run_history`.)
 */
export const COZE_TOKEN_TEST_URL =
	'={{ $credentials.region === "studio" ? "/v1/workflow/get_run_history?workflow_id=0&execute_id=0" : "/v1/workflows/0/run_histories/0" }}';

const REGION_HINT =
	'A token works only on the Coze site that issued it: check the token, and switch Region if it comes from the other site (coze.cn or coze.com).';

/**
 * Coze answers token problems with HTTP 401 (4100, 700012006) or HTTP 200 and a code. n8n applies
 * the `responseCode` rules to failed responses and the `responseSuccessBody` rules to the others, so
 * one list holds both kinds; n8n-workflow's type allows only one kind per list, hence the cast.
 */
export const COZE_TOKEN_TEST_RULES = [
	{
		type: 'responseCode',
		properties: { value: 401, message: `Coze did not accept the token (HTTP 401): it is wrong, has expired or was revoked. ${REGION_HINT}` },
	},
	{ type: 'responseSuccessBody', properties: { key: 'code', value: 4100, message: `Coze did not accept the token (4100). ${REGION_HINT}` } },
	{
		type: 'responseSuccessBody',
		properties: { key: 'code', value: 700012006, message: `The token is invalid or has expired (700012006): create a new one. ${REGION_HINT}` },
	},
	{
		type: 'responseSuccessBody',
		properties: {
			key: 'code',
			value: 4101,
			message: `Coze refused the token (4101): either it comes from the other Coze site, or it lacks the listRunHistory permission that runs need. ${REGION_HINT}`,
		},
	},
] as unknown as ICredentialTestRequest['rules'];

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
		COZE_CUSTOM_BASE_URL,
	];

	/**
	 * A function rather than the generic `=Bearer {{$credentials.accessToken}}`: n8n evaluates that
	 * expression for every request, building a whole expression context (dates included) each time.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) {
		return {
			...requestOptions,
			headers: { ...(requestOptions.headers ?? {}), Authorization: `Bearer ${String(credentials.accessToken ?? '')}` },
		};
	}

	// No declarative test: the Coze Workflow node's cozeAccessTokenTest also reports unreachable hosts
	// and base URLs that do not serve Coze's API, which rules on a response cannot.
}
