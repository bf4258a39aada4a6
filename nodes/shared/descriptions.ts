import type { INodeProperties } from 'n8n-workflow';

/** The node's "Options" collection, named `options` as n8n's own nodes do. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
	};
}

/** The order n8n's lint wants for the options of a collection: by display name. */
export function byDisplayName(options: INodeProperties[]): INodeProperties[] {
	return [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/**
 * A node with a single resource, as n8n reads a tool's description: n8n describes a node used as an
 * AI agent's tool by the chosen operation's `action` only when the Operation field is shown for a
 * `resource`. Hidden, with its one value as default, it changes nothing else; saved workflows
 * without it read the default.
 */
export function singleResource(value: string, operation: INodeProperties): [INodeProperties, INodeProperties] {
	const resource: INodeProperties = {
		displayName: 'Resource',
		name: 'resource',
		type: 'hidden',
		noDataExpression: true,
		default: value,
		description: 'The one resource of this node (not shown)',
	};
	return [resource, { ...operation, displayOptions: { ...operation.displayOptions, show: { ...operation.displayOptions?.show, resource: [value] } } }];
}
