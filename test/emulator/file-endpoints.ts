import type { RequestContext, Route, UploadedFile } from './context';
import { newId19 } from './ids';
import { MSG } from './messages';
import { boundaryOf, parseMultipart } from './multipart';

// POST /v1/files/upload (multipart/form-data, one part named `file`) and GET /v1/files/retrieve.
// Uploaded bytes stay in memory (emulator.files) so tests can check what a client sent.

function fileData(file: UploadedFile): Record<string, unknown> {
  return { bytes: file.bytes.length, created_at: file.createdAt, file_name: file.fileName, id: file.id };
}

async function upload(ctx: RequestContext): Promise<void> {
  if (ctx.knobs.uploadLatencyMs) await ctx.sleep(ctx.knobs.uploadLatencyMs);
  const maxBytes = ctx.knobs.maxUploadBytes;
  const tooLarge = (): void => ctx.reply.error(4302, MSG.uploadTooLarge, { reason: `the file is larger than ${maxBytes} bytes` });
  if (ctx.bodyTooLarge) return tooLarge();

  const boundary = boundaryOf(ctx.req.headers['content-type']);
  const parts = boundary === undefined ? undefined : parseMultipart(ctx.rawBody, boundary);
  if (!parts) return ctx.reply.error(4300, MSG.uploadEmpty, { reason: 'the body is not multipart/form-data' });
  const fileParts = parts.filter((part) => part.name === 'file');
  if (fileParts.length > 1) return ctx.reply.error(4301, MSG.uploadTooMany);
  const part = fileParts[0];
  if (!part || part.data.length === 0) return ctx.reply.error(4300, MSG.uploadEmpty, { reason: 'no non-empty part named "file"' });
  if (part.data.length > maxBytes) return tooLarge();

  const file: UploadedFile = {
    id: newId19('74'),
    fileName: part.filename ?? 'file',
    bytes: Buffer.from(part.data),
    contentType: part.contentType,
    createdAt: Math.floor(Date.now() / 1000),
  };
  ctx.state.files.set(file.id, file);
  ctx.reply.json({ code: 0, data: fileData(file), msg: '' });
}

function retrieve(ctx: RequestContext): void {
  const fileId = ctx.query['file_id'];
  if (!fileId) return ctx.reply.error(4000, MSG.paramError, { reason: 'file_id is required' });
  const file = ctx.state.files.get(fileId);
  if (!file) return ctx.reply.error(4200, MSG.fileNotFound);
  ctx.reply.json({ code: 0, data: fileData(file), msg: '' });
}

export const FILE_ROUTES: Route[] = [
  { method: 'POST', pattern: '/v1/files/upload', permission: 'uploadFile', flavors: ['cloud', 'studio'], handler: upload },
  { method: 'GET', pattern: '/v1/files/retrieve', permission: 'uploadFile', flavors: ['cloud'], handler: retrieve },
];
