import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { TaskFlowClient } from '../protocol/client';
import { keepFlowKeys, mayDropFlowKeys } from '../protocol/flowKeys';
import type { ActionBody, RevisedAction } from '../protocol/types';
import { flowIdParam, revisionPolicy } from './params';
import { flowJson } from './output';

/** A change at a revision, with the node's revision settings; the output is the changed flow. */
export async function mutateFlow(
	context: IExecuteFunctions,
	itemIndex: number,
	client: TaskFlowClient,
	action: RevisedAction,
	fields: Omit<ActionBody, 'action' | 'flowId' | 'expectedRevision'>,
): Promise<IDataObject> {
	// A new state replaces the stored one: it keeps a hand-off's key (see keepFlowKeys).
	const state = fields.stateJson;
	const result = await client.mutate(action, flowIdParam(context, itemIndex), fields, revisionPolicy(context, itemIndex), {
		needsCurrent: mayDropFlowKeys(state),
		stateFor: (current) => keepFlowKeys(state, current),
	});
	return {
		...flowJson(result.flow),
		applied: true,
		appliedOnRevision: result.appliedOnRevision,
		revisionRetries: result.conflictRetries,
		...(result.recovered ? { recoveredAfterLostAnswer: true } : {}),
	};
}
