import { randomBytes } from 'node:crypto';

import { CozeInputError, CozeProtocolError } from './errors';
import { idString } from './json';
import type { CozeRequester } from './requester';

/** Coze's file upload, `POST /v1/files/upload`: one multipart part named `file`, at most 512 MB. */

export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

export interface UploadedFile {
	id: string;
	fileName: string;
	bytes: number;
}

/**
 * The file name as browsers and the SDKs' FormData send it (WHATWG multipart/form-data encoding):
 * UTF-8 as is, with only quote and line breaks percent-encoded, so non-ASCII names survive.
 */
function dispositionFileName(fileName: string): string {
	return `filename="${fileName.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
}

export function multipartFile(file: { fileName: string; mimeType?: string; data: Uint8Array }): { contentType: string; body: Uint8Array } {
	const boundary = `----n8nCozeUpload${randomBytes(12).toString('hex')}`;
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="file"; ${dispositionFileName(file.fileName)}\r\nContent-Type: ${file.mimeType || 'application/octet-stream'}\r\n\r\n`,
		'utf8',
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
	return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat([head, Buffer.from(file.data), tail]) };
}

/** How long an upload may be silent (`idleTimeoutMs`) and take in all, sending included (`deadlineMs`). */
export interface UploadTimeouts {
	idleTimeoutMs: number;
	deadlineMs?: number;
}

/**
 * Uploads one file (`POST /v1/files/upload`, multipart part `file`). Files over 512 MB are refused
 * before sending. An upload is not repeated after a connection failure: it could store the file twice.
 */
export async function uploadFile(
	requester: CozeRequester,
	file: { fileName: string; mimeType?: string; data: Uint8Array },
	{ idleTimeoutMs, deadlineMs }: UploadTimeouts = { idleTimeoutMs: 120_000 },
): Promise<UploadedFile> {
	if (file.data.byteLength > MAX_UPLOAD_BYTES) {
		throw new CozeInputError('File', `The file "${file.fileName}" is ${Math.ceil(file.data.byteLength / 1048576)} MB; Coze accepts at most 512 MB per file.`);
	}
	if (file.data.byteLength === 0) throw new CozeInputError('File', `The file "${file.fileName}" is empty; Coze refuses empty files (4300).`);
	const { contentType, body } = multipartFile(file);
	const { data } = await requester.requestJson(
		{ method: 'POST', path: '/v1/files/upload', raw: { contentType, data: body }, idleTimeoutMs, deadlineMs },
		'uploads',
	);
	const id = idString(data.id);
	if (!id) throw new CozeProtocolError('Coze accepted the upload but returned no file ID');
	return { id, fileName: typeof data.file_name === 'string' ? data.file_name : file.fileName, bytes: typeof data.bytes === 'number' ? data.bytes : file.data.byteLength };
}
