// A minimal multipart/form-data parser for the upload endpoint: enough for what HTTP clients
// send (curl, undici FormData, form-data), keeping part bodies as raw bytes.

export interface MultipartPart {
  name: string | undefined;
  /** Decoded file name (filename* wins over filename; raw UTF-8 names are accepted). */
  filename: string | undefined;
  contentType: string | undefined;
  data: Buffer;
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** Parse a multipart body; returns undefined when it is not well-formed multipart. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) return undefined;
  for (;;) {
    position += delimiter.length;
    // "--" after a delimiter closes the body.
    if (body.subarray(position, position + 2).toString('latin1') === '--') return parts;
    if (body.subarray(position, position + 2).toString('latin1') !== '\r\n') return undefined;
    position += 2;
    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd < 0) return undefined;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) return undefined;
    const headers = parseHeaders(body.subarray(position, headerEnd).toString('utf8'));
    const disposition = headers.get('content-disposition') ?? '';
    parts.push({
      name: dispositionParam(disposition, 'name'),
      filename: fileNameOf(disposition),
      contentType: headers.get('content-type'),
      data: body.subarray(headerEnd + 4, next),
    });
    position = next + 2;
  }
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function dispositionParam(disposition: string, param: string): string | undefined {
  const match = new RegExp(`;\\s*${param}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(disposition);
  if (!match) return undefined;
  const quoted = match[1];
  return quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (match[2] ?? '').trim();
}

function fileNameOf(disposition: string): string | undefined {
  // RFC 5987 ext-value: UTF-8''percent-encoded
  const extended = /;\s*filename\*=([^']*)'[^']*'([^;]*)/i.exec(disposition);
  if (extended?.[2] !== undefined) {
    const charset = (extended[1] ?? '').toLowerCase();
    try {
      const encoded = extended[2].trim();
      return charset === 'utf-8' || charset === '' ? decodeURIComponent(encoded) : decodeLatin1Percent(encoded);
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = dispositionParam(disposition, 'filename');
  // WHATWG FormData (undici, browsers) percent-encodes only these three characters.
  return plain?.replace(/%22/g, '"').replace(/%0A/gi, '\n').replace(/%0D/gi, '\r');
}

function decodeLatin1Percent(encoded: string): string {
  return encoded.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
