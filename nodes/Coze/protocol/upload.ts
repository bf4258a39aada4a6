import { randomBytes } from 'node:crypto';

/** Coze's file upload (`POST /v1/files/upload`): one multipart part named `file`, at most 512 MB. */

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
