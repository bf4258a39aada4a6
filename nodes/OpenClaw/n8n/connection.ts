import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

import { clientRuntime } from '../../shared/n8nRuntime';
import { TaskFlowClient } from '../protocol/client';
import { OpenClawInputError } from '../protocol/errors';
import { N8nWebhookTransport, OPENCLAW_CREDENTIAL_TYPE } from './n8nTransport';

export interface ClientSettings {
	timeoutMs: number;
	rateLimitMaxWaitMs: number;
}

export const DEFAULT_CLIENT_SETTINGS: ClientSettings = { timeoutMs: 30_000, rateLimitMaxWaitMs: 150_000 };

/** The route URL of an OpenClaw Webhook Route credential. Throws `OpenClawInputError` naming the field. */
export function routeUrl(gatewayUrl: string, routePath: string): string {
	const base = gatewayUrl.trim().replace(/\/+$/, '');
	const parsed = URL.canParse(base) ? new URL(base) : undefined;
	if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
		throw new OpenClawInputError('Gateway URL', `Gateway URL "${gatewayUrl}" must be an http:// or https:// URL, e.g. http://127.0.0.1:18789`);
	}
	const path = routePath.trim();
	if (!path) throw new OpenClawInputError('Route Path', 'Route Path is empty: enter the route\'s path, e.g. /plugins/webhooks/n8n');
	return `${base}${path.startsWith('/') ? path : `/${path}`}`;
}

export async function createTaskFlowClient(
	context: IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions,
	settings: ClientSettings = DEFAULT_CLIENT_SETTINGS,
): Promise<TaskFlowClient> {
	const credentials = await context.getCredentials(OPENCLAW_CREDENTIAL_TYPE);
	const url = routeUrl(String(credentials.gatewayUrl ?? ''), String(credentials.routePath ?? ''));
	return new TaskFlowClient({
		transport: new N8nWebhookTransport(context, url, [String(credentials.secret ?? ''), String(credentials.secret ?? '').trim()]),
		runtime: clientRuntime(context),
		route: url,
		timeoutMs: settings.timeoutMs,
		rateLimitMaxWaitMs: settings.rateLimitMaxWaitMs,
	});
}
