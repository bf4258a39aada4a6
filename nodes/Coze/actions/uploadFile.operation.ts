import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CozeWorkflowClient } from '../protocol/client';
import { fileParameter } from '../protocol/inputs';

/** Uploads the item's binary file; the output has the file ID and the value a file input takes. */
export async function uploadFile(this: IExecuteFunctions, itemIndex: number, client: CozeWorkflowClient): Promise<IDataObject> {
	const property = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
	const binary = this.helpers.assertBinaryData(itemIndex, property);
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	const uploaded = await client.uploadFile({ fileName: binary.fileName ?? `${property}.bin`, mimeType: binary.mimeType, data });
	return { fileId: uploaded.id, fileName: uploaded.fileName, bytes: uploaded.bytes, fileParameter: fileParameter({ kind: 'fileId', id: uploaded.id }) };
}
