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
