import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { TaskFlowClient } from '../protocol/client';
import type { HandOffIndex } from '../protocol/handOff';

export interface OperationContext {
	client: TaskFlowClient;
	/** Flows by idempotency key, shared by all items of one execution. */
	handOffIndex: HandOffIndex;
}

/** One operation for one item: one output item, or several (List Flows). */
export type Operation = (this: IExecuteFunctions, itemIndex: number, context: OperationContext) => Promise<IDataObject | IDataObject[]>;
