import type { Route } from './context';
import { BOT_ROUTES } from './bot-endpoints';
import { CHAT_ROUTES } from './chat-endpoints';
import { CHATFLOW_ROUTES } from './chatflow-endpoint';
import { CONVERSATION_ROUTES } from './conversation-endpoints';
import { DISCOVERY_ROUTES } from './discovery-endpoints';
import { FILE_ROUTES } from './file-endpoints';
import { HISTORY_ROUTES } from './history-endpoints';
import type { Flavor } from './knobs';
import { OAUTH_ROUTES } from './oauth-endpoint';
import { RUN_ROUTES } from './run-endpoints';

// Every endpoint of the emulator and the matching of a request to one (`:name` path segments).

const ALL_ROUTES: Route[] = [
  ...RUN_ROUTES,
  ...HISTORY_ROUTES,
  ...DISCOVERY_ROUTES,
  ...FILE_ROUTES,
  ...OAUTH_ROUTES,
  ...CHAT_ROUTES,
  ...CHATFLOW_ROUTES,
  ...CONVERSATION_ROUTES,
  ...BOT_ROUTES,
];

export interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

export function compileRoutes(flavor: Flavor): CompiledRoute[] {
  return ALL_ROUTES.filter((r) => r.flavors.includes(flavor)).map((route) => {
    const names: string[] = [];
    const source = route.pattern
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    return { route, regex: new RegExp(`^${source}$`), names };
  });
}

export function matchRoute(routes: CompiledRoute[], method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const { route, regex, names } of routes) {
    if (route.method !== method) continue;
    const match = regex.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1] ?? '')));
    return { route, params };
  }
  return undefined;
}
