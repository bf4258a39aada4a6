/**
 * One OpenClaw gateway for a whole test run: it costs about 1 GB of RAM and 12–18 s to start.
 *
 * The test runner calls `startSharedGateway(SUITE_ROUTE_IDS)` once and passes `env` to the test
 * processes; a test file calls `useGateway('<its route>')`, which takes the route from
 * `OPENCLAW_TEST_GATEWAY` or, when the file runs alone
 * (`node --import tsx --test test/openclaw/x.test.ts`), starts a private gateway with just that
 * route. Each route has its own path, so its own rate-limit budget (120 requests / 60 s), and its
 * own session `agent:main:<id>`, so a test only sees its own flows.
 */
import { startGateway, type GatewayRoute, type RunningGateway } from './gateway';

/** Route ids of the suite: one per test file (or concern), so tests do not share a rate-limit budget. */
export const SUITE_ROUTE_IDS = ['actions', 'errors', 'revisions', 'handoff', 'burst', 'retry', 'once', 'trigger', 'spare'];

/** Environment variable with the JSON `{ baseUrl, routes }` of the shared gateway (secrets included). */
export const GATEWAY_ENV = 'OPENCLAW_TEST_GATEWAY';

export interface SharedGatewayInfo {
	baseUrl: string;
	routes: Record<string, GatewayRoute>;
}

export async function startSharedGateway(
	routeIds: string[],
	options: { log?: (line: string) => void } = {},
): Promise<{ gateway: RunningGateway; env: Record<string, string> }> {
	const gateway = await startGateway({ routeIds, log: options.log });
	const info: SharedGatewayInfo = { baseUrl: gateway.baseUrl, routes: gateway.routes };
	return { gateway, env: { [GATEWAY_ENV]: JSON.stringify(info) } };
}

export async function useGateway(
	routeId: string,
	options: { log?: (line: string) => void } = {},
): Promise<{ route: GatewayRoute; baseUrl: string; release(): Promise<void> }> {
	const shared = process.env[GATEWAY_ENV];
	if (shared) {
		const info = JSON.parse(shared) as SharedGatewayInfo;
		const route = info.routes[routeId];
		if (!route) {
			throw new Error(`${GATEWAY_ENV} has no route ${JSON.stringify(routeId)} (it has ${Object.keys(info.routes).join(', ')}); add it to SUITE_ROUTE_IDS`);
		}
		return { route, baseUrl: info.baseUrl, release: async () => {} };
	}
	const gateway = await startGateway({ routeIds: [routeId], log: options.log });
	return { route: gateway.routes[routeId], baseUrl: gateway.baseUrl, release: () => gateway.stop() };
}
