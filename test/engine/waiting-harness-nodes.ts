/**
 * Node types that exist only to test the waiting harness: a pass-through, and a node that parks the
 * execution and resumes from a restart webhook, the way a node that waits for a callback does.
 */
import {
	WAIT_INDEFINITELY,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { PACKAGE_NAME, registerTestNodeType, type WorkflowJson } from '../harness/engine';

/** What a test lets the parking node do at points it cannot reach otherwise. */
export const parkingHooks: {
	/** Awaited in execute() after putExecutionToWait, with the callback URL the node would hand out. */
	duringExecute?: (callbackUrl: string) => Promise<void>;
} = {};

const passThrough: INodeType = {
	description: {
		displayName: 'Test Pass Through',
		name: 'testPassThrough',
		group: ['transform'],
		version: 1,
		description: 'Outputs its input items',
		defaults: { name: 'Pass Through' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
	async execute(this: IExecuteFunctions) {
		if (this.getInputData().some((item) => item.json.fail === true)) throw new Error('asked to fail');
		return [this.getInputData().map((item, i) => ({ json: { ...item.json }, pairedItem: { item: i } }))];
	},
};

const parking: INodeType = {
	description: {
		displayName: 'Test Parking',
		name: 'testParking',
		group: ['transform'],
		version: 1,
		description: 'Parks the execution until a callback or its time limit',
		defaults: { name: 'Park' },
		inputs: ['main'],
		outputs: ['main'],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: 'cb', restartWebhook: true }],
		properties: [
			{ displayName: 'Wait Seconds', name: 'waitSeconds', type: 'number', default: 60 },
			{ displayName: 'Mark Input', name: 'markInput', type: 'boolean', default: false },
		],
	},
	async execute(this: IExecuteFunctions) {
		const items = this.getInputData();
		// Replacing the input array's elements is what decides the items a time-out passes through.
		if (this.getNodeParameter('markInput', 0) as boolean) {
			for (let i = 0; i < items.length; i++) items[i] = { json: { ...items[i].json, pending: true }, pairedItem: { item: i } };
		}
		const url = new URL(this.evaluateExpression('{{ $execution.resumeUrl }}', 0) as string);
		url.pathname += '/cb';
		const seconds = this.getNodeParameter('waitSeconds', 0) as number;
		await this.putExecutionToWait(seconds > 0 ? new Date(Date.now() + seconds * 1000) : WAIT_INDEFINITELY);
		await parkingHooks.duringExecute?.(url.toString());
		return [items.map((item, i): INodeExecutionData => ({ json: { ...item.json, discarded: true }, pairedItem: { item: i } }))];
	},
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const body = this.getBodyData();
		if (body.throw === true) throw new Error('webhook failed');
		if (body.busy === true) {
			// What a node does to make the sender retry: answer itself and keep waiting.
			this.getResponseObject().status(503).json({ accepted: false, reason: 'busy' });
			return { noWebhookResponse: true };
		}
		if (body.resume !== true) return { webhookResponse: { accepted: false } };
		const seenJson = this.evaluateExpression('{{ $json }}', 0) as IDataObject;
		const seenInput = this.evaluateExpression('{{ $input.all().map((i) => i.json) }}', 0) as IDataObject[];
		return { webhookResponse: { accepted: true }, workflowData: [[{ json: { resumedWith: body, seenJson, seenInput, ...(body.fail === true ? { fail: true } : {}) } }]] };
	},
};

registerTestNodeType('testPassThrough', passThrough);
registerTestNodeType('testParking', parking);

/** Start → Park → After, Park waiting `waitSeconds` (0: no limit). */
export function parkingWorkflow(parameters: { waitSeconds?: number; markInput?: boolean } = {}): WorkflowJson {
	const node = (name: string, kind: string, x: number, params: INodeParameters = {}) => ({
		id: `id-${name.toLowerCase()}`,
		name,
		type: `${PACKAGE_NAME}.${kind}`,
		typeVersion: 1,
		position: [x, 0] as [number, number],
		parameters: params,
	});
	const to = (name: string) => ({ main: [[{ node: name, type: 'main' as const, index: 0 }]] });
	return {
		nodes: [node('Start', 'testPassThrough', 0), node('Park', 'testParking', 200, { waitSeconds: 60, ...parameters }), node('After', 'testPassThrough', 400)],
		connections: { Start: to('Park'), Park: to('After') },
	};
}
