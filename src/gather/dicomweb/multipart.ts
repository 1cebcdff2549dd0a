import { OsteonError } from '../../errors.js';

export interface BodyPart {
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
}

/** A parameter of a Content-Type header (`boundary`, `type`), quotes removed. */
export function contentTypeParameter(contentType: string, name: string): string | undefined {
  for (const piece of contentType.split(';').slice(1)) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    if (piece.slice(0, eq).trim().toLowerCase() !== name) continue;
    const value = piece.slice(eq + 1).trim();
    return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * The parts of a `multipart/related` body (RFC 2046), as WADO-RS answers. A part's Content-Length, when
 * given, decides where its body ends, so binary bodies that happen to hold the delimiter stay whole.
 */
export function parseMultipart(body: Buffer, contentType: string): BodyPart[] {
  const boundary = contentTypeParameter(contentType, 'boundary');
  if (!boundary) {
    throw new OsteonError('DICOMWEB_BAD_RESPONSE', `The server's multipart answer names no boundary (Content-Type: ${contentType}).`);
  }
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: BodyPart[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const afterDelimiter = at + delimiter.length;
    if (body[afterDelimiter] === 0x2d && body[afterDelimiter + 1] === 0x2d) break; // closing "--boundary--"
    const lineEnd = body.indexOf(CRLF, afterDelimiter);
    const headersEnd = lineEnd < 0 ? -1 : body.indexOf(HEADER_END, lineEnd) ;
    if (lineEnd < 0) break;
    const hasHeaders = headersEnd >= 0 && !body.subarray(lineEnd, headersEnd).includes(delimiter);
    const headerText = hasHeaders ? body.subarray(lineEnd + 2, headersEnd).toString('latin1') : '';
    const headers: Record<string, string> = {};
    for (const line of headerText.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const start = hasHeaders ? headersEnd + 4 : lineEnd + 2;
    const declared = headers['content-length'] !== undefined ? Number(headers['content-length']) : Number.NaN;
    let end: number;
    let next: number;
    if (Number.isInteger(declared) && declared >= 0 && start + declared <= body.length) {
      end = start + declared;
      next = body.indexOf(delimiter, end);
    } else {
      next = body.indexOf(Buffer.concat([CRLF, delimiter]), start);
      end = next < 0 ? body.length : next;
      if (next >= 0) next += 2;
    }
    parts.push({ headers, body: body.subarray(start, end) });
    at = next;
  }
  return parts;
}
