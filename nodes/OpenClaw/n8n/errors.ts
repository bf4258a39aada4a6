import { NodeApiError, NodeOperationError, type IDataObject, type INode, type JsonObject } from 'n8n-workflow';

import {
	OpenClawAbortedError,
	OpenClawApiError,
	OpenClawChangedError,
	OpenClawConnectionError,
	OpenClawError,
	OpenClawInputError,
	OpenClawRateLimitError,
	OpenClawTimeoutError,
} from '../protocol/errors';
import type { FlowView } from '../protocol/types';
import { fieldLabel, userMessage } from './fieldLabels';

/** How an OpenClaw failure becomes an n8n error, and the fields a failed item carries with continue-on-fail. */

/** The fields a failed item carries with continue-on-fail. */
export function errorJson(error: OpenClawError): IDataObject {
	const json: IDataObject = { error: userMessage(error) };
	if (error instanceof OpenClawApiError) {
		json.code = error.details.code ?? null;
		json.httpStatus = error.details.httpStatus;
		json.route = error.details.route;
		const current = (error.details.result as { current?: FlowView } | undefined)?.current;
		if (current) json.currentRevision = current.revision;
	} else if (error instanceof OpenClawInputError) {
		json.field = fieldLabel(error.field);
	} else if (error instanceof OpenClawTimeoutError) {
		json.outcomeUnknown = true;
	} else if (error instanceof OpenClawChangedError) {
		json.outcomeUnknown = true;
		json.currentRevision = error.current.revision;
	}
	return json;
}

/** n8n's error for an OpenClaw error: API answers keep their status, input errors name the field. */
export function toNodeError(node: INode, error: OpenClawError, itemIndex: number): NodeApiError | NodeOperationError {
	const message = userMessage(error);
	if (error instanceof OpenClawApiError) {
		const d = error.details;
		const facts = [d.code ? `code ${d.code}` : undefined, `HTTP ${d.httpStatus}`, `route ${d.route}`].filter(Boolean).join(', ');
		return new NodeApiError(node, { message, code: d.code ?? null, httpStatus: d.httpStatus } as JsonObject, {
			message,
			description: d.gatewayMessage && d.gatewayMessage !== message ? `${facts}. The gateway said: "${d.gatewayMessage}"` : facts,
			httpCode: String(d.httpStatus),
			itemIndex,
		});
	}
	if (error instanceof OpenClawInputError) {
		return new NodeOperationError(node, message, { itemIndex, description: `Check the field "${fieldLabel(error.field)}".` });
	}
	if (error instanceof OpenClawAbortedError) return new NodeOperationError(node, message, { itemIndex });
	const description =
		error instanceof OpenClawRateLimitError
			? 'Raise Rate Limit Max Wait in the options, or spread the work over more time or more routes (each route path has its own budget).'
			: error instanceof OpenClawTimeoutError || (error instanceof OpenClawConnectionError && error.mayHaveReachedGateway)
				? 'The outcome is unknown. Hand Off finds its flow again when the item runs again; for other operations, check the flow before repeating.'
				: undefined;
	return new NodeOperationError(node, message, { itemIndex, description });
}
