/**
 * The package's built node and credential classes, loaded from dist/ as n8n loads them, and n8n's
 * node-type registry over them.
 */
import { join, resolve } from 'node:path';

import { isNodeClassInstance, type ICredentialType, type IExecuteFunctions, type INodeType, type INodeTypes } from 'n8n-workflow';

export const PACKAGE_NAME = 'n8n-nodes-coze-openclaw';
const DIST = resolve(__dirname, '../../dist');

type NodeClass = new () => INodeType;
type CredentialClass = new () => ICredentialType;

function loadExport<T>(file: string, exportName: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(join(DIST, file)) as Record<string, unknown>;
	const value = mod[exportName];
	if (!value) throw new Error(`${file} does not export ${exportName}: run npm run build first`);
	return value as T;
}

const nodeClasses: Record<string, () => NodeClass> = {
	cozeWorkflow: () => loadExport<NodeClass>('nodes/Coze/CozeWorkflow.node.js', 'CozeWorkflow'),
	cozeAgent: () => loadExport<NodeClass>('nodes/Coze/CozeAgent.node.js', 'CozeAgent'),
	cozeTrigger: () => loadExport<NodeClass>('nodes/Coze/CozeTrigger.node.js', 'CozeTrigger'),
	openClawTaskFlow: () => loadExport<NodeClass>('nodes/OpenClaw/OpenClawTaskFlow.node.js', 'OpenClawTaskFlow'),
	openClawTaskFlowTrigger: () => loadExport<NodeClass>('nodes/OpenClaw/OpenClawTaskFlowTrigger.node.js', 'OpenClawTaskFlowTrigger'),
};
const credentialClasses: Record<string, () => CredentialClass> = {
	cozeAccessTokenApi: () => loadExport<CredentialClass>('credentials/CozeAccessTokenApi.credentials.js', 'CozeAccessTokenApi'),
	cozeJwtApi: () => loadExport<CredentialClass>('credentials/CozeJwtApi.credentials.js', 'CozeJwtApi'),
	cozeWebhookSecretApi: () => loadExport<CredentialClass>('credentials/CozeWebhookSecretApi.credentials.js', 'CozeWebhookSecretApi'),
	openClawWebhookApi: () => loadExport<CredentialClass>('credentials/OpenClawWebhookApi.credentials.js', 'OpenClawWebhookApi'),
};

/** The nodes of this package, by their type name without the package prefix. */
export const NODE_KINDS = Object.keys(nodeClasses);

/**
 * The node kind behind a type name: `<name>Tool` is the variant n8n makes of a `usableAsTool` node
 * (a copy of its description with an AI-tool output) and runs the same class.
 */
export function baseKind(name: string): string {
	return !(name in nodeClasses) && name.endsWith('Tool') && name.slice(0, -'Tool'.length) in nodeClasses ? name.slice(0, -'Tool'.length) : name;
}

const nodeInstances = new Map<string, INodeType>();
export function nodeType(type: string): INodeType {
	const name = baseKind(type);
	let instance = nodeInstances.get(name);
	if (!instance) {
		const make = nodeClasses[name];
		if (!make) throw new Error(`unknown node ${name}`);
		instance = new (make())();
		nodeInstances.set(name, instance);
	}
	return instance;
}

/**
 * Adds a node type that exists only in tests (e.g. to exercise the harness itself), under `name`
 * with or without the package prefix.
 */
export function registerTestNodeType(name: string, type: INodeType): void {
	nodeInstances.set(name, type);
}

export const nodeTypes: INodeTypes = {
	getByName: (type: string) => nodeType(type.replace(`${PACKAGE_NAME}.`, '')),
	getByNameAndVersion: (type: string) => nodeType(type.replace(`${PACKAGE_NAME}.`, '')),
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

export function credentialType(name: string): ICredentialType {
	const make = credentialClasses[name];
	if (!make) throw new Error(`unknown credential ${name}`);
	return new (make())();
}

/** The registry's node types, each execute() and webhook() counted per node name. */
export function countingNodeTypes(calls: { execute: Record<string, number>; webhook: Record<string, number> }): INodeTypes {
	const wrapped = new Map<string, INodeType>();
	const counted = (type: INodeType, method: 'execute' | 'webhook', counts: Record<string, number>) =>
		function (this: unknown, ...args: unknown[]) {
			const context = (isNodeClassInstance(type) ? args[0] : this) as IExecuteFunctions;
			const name = context.getNode().name;
			counts[name] = (counts[name] ?? 0) + 1;
			return (type[method] as (...a: unknown[]) => unknown).apply(this, args);
		};
	const get = (name: string): INodeType => {
		let type = wrapped.get(name);
		if (!type) {
			const base = nodeTypes.getByName(name) as INodeType;
			type = Object.create(base) as INodeType;
			if (base.execute) type.execute = counted(base, 'execute', calls.execute) as INodeType['execute'];
			if (base.webhook) type.webhook = counted(base, 'webhook', calls.webhook) as INodeType['webhook'];
			wrapped.set(name, type);
		}
		return type;
	};
	return { ...nodeTypes, getByName: get, getByNameAndVersion: get } as INodeTypes;
}
