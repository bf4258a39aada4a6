import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { TaskFlowClient } from '../protocol/client';
import type { FlowKeyIndex } from '../protocol/flowOnce';

export interface OperationContext {
	client: TaskFlowClient;
	/** Flows by their keys, shared by all items of one execution. */
	flowIndex: FlowKeyIndex;
}

/** One operation for one item: one output item, or several (List Flows). */
export type Operation = (this: IExecuteFunctions, itemIndex: number, context: OperationContext) => Promise<IDataObject | IDataObject[]>;
