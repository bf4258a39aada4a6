import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode, TestCredentialsHelper, type NodeRunResult, type RunNodeOptions } from '../harness/engine';
import { routeAction, type GatewayRoute } from './gateway';
import { useGateway } from './shared-gateway';

export interface RouteUnderTest {
	route: GatewayRoute;
	baseUrl: string;
	release(): Promise<void>;
}

export async function routeFor(routeId: string): Promise<RouteUnderTest> {
	return await useGateway(routeId);
}

export function credentialsFor(target: RouteUnderTest, overrides: IDataObject = {}): TestCredentialsHelper {
	return new TestCredentialsHelper({
		openClawWebhookApi: {
			gatewayUrl: target.baseUrl,
			routePath: target.route.path,
			secret: target.route.secret,
			headerStyle: 'bearer',
			...overrides,
		},
	});
}

/** Runs the OpenClaw TaskFlow node once in n8n-core's engine. */
export async function runTaskFlow(
	target: RouteUnderTest,
	parameters: INodeParameters,
	extra: Partial<RunNodeOptions> & { credentialOverrides?: IDataObject } = {},
): Promise<NodeRunResult> {
	const { credentialOverrides, ...rest } = extra;
	return await runNode({
		node: 'openClawTaskFlow',
		credentialTypes: ['openClawWebhookApi'],
		credentials: credentialsFor(target, credentialOverrides),
		parameters: { options: {}, ...parameters },
		...rest,
	});
}

export function flowRef(flowId: string): INodeParameters {
	return { __rl: true, mode: 'id', value: flowId } as unknown as INodeParameters;
}

/** The route's flows, read directly (one request of the route's budget). */
export async function listFlowsDirect(target: RouteUnderTest): Promise<Array<Record<string, unknown>>> {
	const answer = await routeAction(target.route, { action: 'list_flows' });
	if (answer.status !== 200) throw new Error(`list_flows answered ${answer.status}: ${answer.body}`);
	return (JSON.parse(answer.body) as { result: { flows: Array<Record<string, unknown>> } }).result.flows;
}
