import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CozeConnection } from '../n8n/connection';
import { secondsOption } from '../n8n/params';
import { CozeInputError } from '../protocol/errors';
import { fileParameter } from '../protocol/inputs';

/** The operation's fields, shown when it is chosen. */
export const description: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the file to upload',
		description: 'Coze keeps uploaded files for 3 months; at most 512 MB per file',
		displayOptions: { show: { operation: ['uploadFile'] } },
	},
];

/** Uploads the item's binary file; the output has the file ID and the value a file input takes. */
export async function execute(this: IExecuteFunctions, itemIndex: number, { client }: CozeConnection): Promise<IDataObject> {
	const property = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim();
	if (property === '' || !this.getInputData()[itemIndex]?.binary?.[property]) {
		throw new CozeInputError(
			'Input Binary Field',
			property === ''
				? "Input Binary Field is empty: Enter the name of the input's binary field that holds the file, e.g. data"
				: `Input Binary Field: the item has no binary field "${property}". Enter the name of the input's binary field that holds the file.`,
		);
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const idleTimeoutMs = secondsOption(options, 'idleTimeout', 'Idle Timeout', 120);
	const deadlineMs = secondsOption(options, 'requestTimeout', 'Request Timeout', 600);
	const binary = this.helpers.assertBinaryData(itemIndex, property);
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	const uploaded = await client.uploadFile({ fileName: binary.fileName ?? `${property}.bin`, mimeType: binary.mimeType, data }, { idleTimeoutMs, deadlineMs });
	return { fileId: uploaded.id, fileName: uploaded.fileName, bytes: uploaded.bytes, fileParameter: fileParameter({ kind: 'fileId', id: uploaded.id }) };
}
