import { sleep, type IExecuteFunctions, type ILoadOptionsFunctions, type IPollFunctions, type IWebhookFunctions } from 'n8n-workflow';

import type { ClientRuntime } from './clientRuntime';

export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions | IWebhookFunctions;

/** The execution's cancel signal; editor, poll and webhook contexts have none. */
export function cancelSignal(context: RequestContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

/** The runtime of a protocol client that works for this n8n context. */
export function clientRuntime(context: RequestContext): ClientRuntime {
	const signal = cancelSignal(context);
	return {
		sleep: async (ms) => await sleep(ms),
		now: () => Date.now(),
		random: () => Math.random(),
		isAborted: () => signal?.aborted === true,
	};
}
