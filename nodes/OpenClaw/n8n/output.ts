import type { IDataObject } from 'n8n-workflow';

import type { FlowView } from '../protocol/types';

/** A flow as an output item. */
export function flowJson(flow: FlowView): IDataObject {
	return { ...flow } as unknown as IDataObject;
}

/** A read that may find nothing: `found` says which. */
export function maybeFlowJson(flow: FlowView | null, asked: IDataObject = {}): IDataObject {
	return flow ? { found: true, ...flowJson(flow) } : { found: false, ...asked };
}
