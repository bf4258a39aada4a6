import {
	NodeConnectionTypes,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IDataObject,
	type IHookFunctions,
	type INodeCredentialTestResult,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { header, rawBodyOf, readTriggerSettings, reject } from './trigger/request';
import { ReplayGuard, verifyHmac, verifySecretHeader, type WebhookVerdict } from './trigger/webhookAuth';
import { readWebhookBody } from './trigger/webhookBody';
import { cozeTriggerPanel, cozeTriggerProperties, DEFAULT_SIGNATURE_HEADER, DEFAULT_TIMESTAMP_HEADER } from './trigger/description';

export const WEBHOOK_SECRET_CREDENTIAL = 'cozeWebhookSecretApi';
const MIN_SECRET_LENGTH = 16;

/** Signatures seen per trigger node, for replay protection (per n8n process). */
const replayGuards = new Map<string, ReplayGuard>();

/** Headers that carry the secret or signature are never part of the output. */
const SECRET_HEADERS = new Set(['authorization', 'cookie']);

/** A header name parameter as n8n keys request headers: trimmed and lower-cased. */
function headerNameParameter(context: IWebhookFunctions, name: string, fallback: string): string {
	return (String(context.getNodeParameter(name, fallback) ?? '').trim() || fallback).toLowerCase();
}

/** Whatever header the secret arrived in, it stays out of the item. */
function carriesSecret(value: unknown, secret: string): boolean {
	if (secret.trim() === '') return false;
	return (Array.isArray(value) ? value : [value]).some((v) => typeof v === 'string' && v.includes(secret.trim()));
}

export class CozeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Coze Trigger',
		name: 'cozeTrigger',
		icon: { light: 'file:../../icons/coze.svg', dark: 'file:../../icons/coze.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "POST, " + ($parameter["authentication"] === "none" ? "no authentication" : $parameter["authentication"] === "hmac" ? "signed" : "secret header") }}',
		description: 'Starts the workflow when a Coze workflow or agent pushes a result to n8n',
		defaults: { name: 'Coze Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'cozeWebhookSecretApi',
				required: true,
				testedBy: 'cozeWebhookSecretTest',
				displayOptions: { show: { authentication: ['header', 'hmac'] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: '={{ $parameter["responseMode"] }}',
				// n8n answers "onReceived" with any non-empty responseData text as is (and defaults it to
				// "firstEntryJson"), so it is empty there: the answer is then webhookResponse.
				responseData: '={{ $parameter["responseMode"] === "lastNode" ? "firstEntryJson" : "" }}',
				path: 'coze',
			},
		],
		triggerPanel: cozeTriggerPanel,
		properties: cozeTriggerProperties,
	};

	methods = {
		credentialTest: {
			/** Nothing remote knows the secret: the test checks that it is long enough to be one. */
			async cozeWebhookSecretTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				const secret = String(credential.data?.secret ?? '');
				if (secret.trim().length < MIN_SECRET_LENGTH) {
					return { status: 'Error', message: `Secret must have at least ${MIN_SECRET_LENGTH} characters, e.g. the output of: openssl rand -hex 32` };
				}
				return { status: 'OK', message: 'The secret is long enough. Put the same value into the Coze workflow that calls n8n.' };
			},
		},
	};

	// The URL is pasted into Coze by hand: there is no webhook registration to make or undo.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { authentication, options, maxBodyBytes } = readTriggerSettings(this);
		const rawBody = await rawBodyOf(this);
		// One normalised name per header, for both the check and the filter of the item's headers.
		const secretHeader = headerNameParameter(this, 'headerName', 'Authorization');
		const signatureHeader = headerNameParameter(this, 'signatureHeader', DEFAULT_SIGNATURE_HEADER);
		let secret = '';

		if (authentication !== 'none') {
			const credentials = await this.getCredentials(WEBHOOK_SECRET_CREDENTIAL);
			secret = String(credentials.secret ?? '');
			let verdict: WebhookVerdict;
			if (secret.trim().length < MIN_SECRET_LENGTH) {
				// A weak secret is refused for every request rather than accepted.
				verdict = { ok: false, status: 401, reason: 'The trigger\'s secret is not set up.' };
			} else if (authentication === 'hmac') {
				const node = this.getNode();
				const key = `${this.getWorkflow().id ?? ''}:${node.id}`;
				let replays = replayGuards.get(key);
				if (!replays) replayGuards.set(key, (replays = new ReplayGuard()));
				verdict = verifyHmac({
					secret,
					timestampHeader: header(this, headerNameParameter(this, 'timestampHeader', DEFAULT_TIMESTAMP_HEADER)),
					signatureHeader: header(this, signatureHeader),
					rawBody: rawBody ?? Buffer.alloc(0),
					toleranceSeconds: Number(this.getNodeParameter('toleranceSeconds', 300)),
					nowMs: Date.now(),
					replays,
				});
			} else {
				verdict = verifySecretHeader(header(this, secretHeader), secret, secretHeader === 'authorization');
			}
			if (!verdict.ok) return reject(this, verdict.status, verdict.reason);
		}

		const body = readWebhookBody({
			contentType: header(this, 'content-type'),
			rawBody: rawBody ?? Buffer.from(JSON.stringify(this.getBodyData() ?? {})),
			maxBytes: maxBodyBytes,
			decodeNested: options.decodeNestedJson !== false,
		});
		if (!body.ok) return reject(this, body.status, body.reason);

		const json: IDataObject = { body: body.body as IDataObject };
		if (options.includeHeaders === true) {
			const hidden = new Set([...SECRET_HEADERS, secretHeader, signatureHeader]);
			json.headers = Object.fromEntries(
				Object.entries(this.getHeaderData()).filter(([name, value]) => !hidden.has(name.toLowerCase()) && !carriesSecret(value, secret)),
			) as IDataObject;
		}
		if (options.includeQuery === true) json.query = this.getQueryData() as IDataObject;
		const responseMode = this.getNodeParameter('responseMode', 'onReceived') as string;
		return {
			workflowData: [[{ json }]],
			...(responseMode === 'onReceived' ? { webhookResponse: { received: true } } : {}),
		};
	}
}
