import { NodeOperationError, type IDataObject, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';

/** The trigger's settings, checked: a setting that is not a number (an expression) would disable its check, so it is refused (fail closed). */
export interface TriggerSettings {
	authentication: 'none' | 'header' | 'hmac';
	options: IDataObject;
	maxBodyBytes: number;
}

export function readTriggerSettings(context: IWebhookFunctions): TriggerSettings {
	const authentication = context.getNodeParameter('authentication', 'header') as TriggerSettings['authentication'];
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const maxBodySizeKb = Number(options.maxBodySizeKb ?? 1024);
	if (!Number.isFinite(maxBodySizeKb) || maxBodySizeKb < 1 || maxBodySizeKb > 16384) {
		throw new NodeOperationError(context.getNode(), `Max Body Size (KB) must be a number from 1 to 16384, not "${String(options.maxBodySizeKb)}"`);
	}
	if (authentication === 'hmac') {
		const tolerance = context.getNodeParameter('toleranceSeconds', 300) as unknown;
		const seconds = typeof tolerance === 'number' || typeof tolerance === 'string' ? Number(tolerance) : NaN;
		if (!Number.isFinite(seconds) || seconds < 10 || seconds > 3600) {
			throw new NodeOperationError(context.getNode(), `Tolerance (Seconds) must be a number from 10 to 3600, not "${String(tolerance)}"`);
		}
		for (const [name, label] of [
			['signatureHeader', 'Signature Header'],
			['timestampHeader', 'Timestamp Header'],
		]) {
			if (String(context.getNodeParameter(name, '') ?? '').trim() === '') {
				throw new NodeOperationError(context.getNode(), `${label} is empty: Enter the header that carries it, as the Coze workflow sends it`);
			}
		}
	}
	return { authentication, options, maxBodyBytes: Math.round(maxBodySizeKb * 1024) };
}

interface RawRequest {
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

/** The request body as it arrived (signatures are over these bytes, not over parsed JSON). */
export async function rawBodyOf(context: IWebhookFunctions): Promise<Buffer | undefined> {
	const request = context.getRequestObject() as unknown as RawRequest;
	if (!Buffer.isBuffer(request.rawBody) && typeof request.readRawBody === 'function') await request.readRawBody();
	return Buffer.isBuffer(request.rawBody) ? request.rawBody : undefined;
}

export function header(context: IWebhookFunctions, name: string): string | undefined {
	const value = context.getHeaderData()[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/** Answers a rejected request with a fixed text, and starts no execution. */
export function reject(context: IWebhookFunctions, status: number, reason: string): IWebhookResponseData {
	context.getResponseObject().status(status).json({ received: false, error: reason });
	return { noWebhookResponse: true };
}
