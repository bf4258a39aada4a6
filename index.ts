// The package's nodes and credentials, for programmatic use. n8n itself loads them through the
// `n8n` section of package.json.
export { CozeWorkflow } from './nodes/Coze/CozeWorkflow.node';
export { CozeTrigger } from './nodes/Coze/CozeTrigger.node';
export { CozeWebhookSecretApi } from './credentials/CozeWebhookSecretApi.credentials';
export { CozeAccessTokenApi } from './credentials/CozeAccessTokenApi.credentials';
export { CozeJwtApi } from './credentials/CozeJwtApi.credentials';
export { OpenClawTaskFlow } from './nodes/OpenClaw/OpenClawTaskFlow.node';
export { OpenClawTaskFlowTrigger } from './nodes/OpenClaw/OpenClawTaskFlowTrigger.node';
export { OpenClawWebhookApi } from './credentials/OpenClawWebhookApi.credentials';
