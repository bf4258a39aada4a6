import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/** The header that carries the route's secret, as Header Style says. */
export function openClawSecretHeader(credentials: ICredentialDataDecryptedObject): Record<string, string> {
	const secret = String(credentials.secret ?? '').trim();
	return credentials.headerStyle === 'header' ? { 'x-openclaw-webhook-secret': secret } : { Authorization: `Bearer ${secret}` };
}

/** The gateway URL and route path of a credential, joined as requests use them. */
export function openClawRouteUrl(credentials: ICredentialDataDecryptedObject): string {
	const path = String(credentials.routePath ?? '').trim();
	return `${String(credentials.gatewayUrl ?? '').trim().replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/** A route of the OpenClaw gateway's webhooks plugin, which drives TaskFlows for one agent session. */
export class OpenClawWebhookApi implements ICredentialType {
	name = 'openClawWebhookApi';

	displayName = 'OpenClaw Webhook Route API';

	icon: Icon = { light: 'file:../icons/openclaw.svg', dark: 'file:../icons/openclaw.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-coze-openclaw/n8n-nodes-coze-openclaw#openclaw-webhook-route';

	properties: INodeProperties[] = [
		{
			displayName: 'Gateway URL',
			name: 'gatewayUrl',
			type: 'string',
			default: 'http://127.0.0.1:18789',
			placeholder: 'http://127.0.0.1:18789',
			required: true,
			description: 'The base URL of the OpenClaw gateway (its HTTP port, 18789 by default)',
		},
		{
			displayName: 'Route Path',
			name: 'routePath',
			type: 'string',
			default: '/plugins/webhooks/n8n',
			placeholder: '/plugins/webhooks/<routeId>',
			required: true,
			description:
				'The path of the route in the webhooks plugin config (plugins.entries.webhooks.config.routes). Without a path of its own, a route answers at /plugins/webhooks/&lt;routeId&gt;.',
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The route\'s secret (its "secret" setting, or the value of the SecretRef it points to)',
		},
		{
			displayName: 'Header Style',
			name: 'headerStyle',
			type: 'options',
			options: [
				{ name: 'Authorization: Bearer', value: 'bearer', description: 'Authorization: Bearer &lt;secret&gt;' },
				{ name: 'X-Openclaw-Webhook-Secret', value: 'header', description: 'x-openclaw-webhook-secret: &lt;secret&gt; (when a proxy uses Authorization itself)' },
			],
			default: 'bearer',
			description: 'How the secret is sent. The gateway reads Authorization first and uses the other header only when Authorization is absent or not Bearer.',
		},
	];

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return { ...requestOptions, headers: { ...(requestOptions.headers ?? {}), ...openClawSecretHeader(credentials) } };
	}

	// No declarative test: the OpenClaw TaskFlow node's openClawWebhookTest also says when nothing
	// answers at the Gateway URL, which rules on a response cannot.
}
