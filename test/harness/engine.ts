/**
 * The engine harness: the package's built nodes inside n8n-core's real `WorkflowExecute` and
 * contexts, the engine n8n itself uses. `registry.ts` loads the built nodes and credentials,
 * `credentials.ts` stores credentials and authenticates as n8n's credentials helper does, and
 * `contexts.ts` runs a node, a workflow, a poll, a webhook call or an editor method.
 * `waiting.ts` adds what n8n's server does around a waiting execution: its row, the callback, the
 * resume and the time-out.
 */
export * from './registry';
export * from './credentials';
export * from './contexts';
export * from './answers';
export * from './waiting';
export * from './waiting-server';
