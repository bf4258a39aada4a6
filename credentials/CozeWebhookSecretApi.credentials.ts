import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/**
 * The secret a Coze workflow sends to the Coze Trigger (as a header, or as the key of an HMAC
 * signature). Nothing remote holds it, so its test (on the Coze Trigger) checks it locally.
 */
export class CozeWebhookSecretApi implements ICredentialType {
	name = 'cozeWebhookSecretApi';

	displayName = 'Coze Webhook Secret API';

	icon: Icon = { light: 'file:../icons/coze.svg', dark: 'file:../icons/coze.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-coze-openclaw/n8n-nodes-coze-openclaw#coze-trigger';

	properties: INodeProperties[] = [
		{
			// n8n shows a failed test's reason only behind "More details": the rule is stated while it is broken.
			displayName:
				'The secret needs at least 16 characters: a shorter one is refused, and the Coze Trigger then refuses every request. Generate one with: openssl rand -hex 32',
			name: 'lengthNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { secret: [{ _cnd: { regex: '^\\s*.{0,15}\\s*$' } }] } },
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'At least 16 characters; the same value goes into the Coze workflow that calls n8n. E.g. the output of: openssl rand -hex 32.',
		},
	];
}
