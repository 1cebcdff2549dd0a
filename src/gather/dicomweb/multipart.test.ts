import { describe, expect, it } from 'vitest';
import { contentTypeParameter, parseMultipart } from './multipart.js';

const boundary = 'b0undary-42';
const binary = Buffer.from([0, 1, 13, 10, 45, 45, 255, 13, 10, 13, 10, 7]);

function body(parts: Array<{ headers: string[]; content: Buffer }>): Buffer {
  const chunks: Buffer[] = [Buffer.from('preamble to ignore\r\n')];
  for (const p of parts) chunks.push(Buffer.from(`--${boundary}\r\n${p.headers.join('\r\n')}\r\n\r\n`), p.content, Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

describe('parseMultipart', () => {
  const contentType = `multipart/related; type="application/dicom"; boundary="${boundary}"`;

  it('reads a quoted boundary and the type parameter', () => {
    expect(contentTypeParameter(contentType, 'boundary')).toBe(boundary);
    expect(contentTypeParameter(contentType, 'type')).toBe('application/dicom');
  });

  it('splits parts with binary bodies, with and without Content-Length', () => {
    const parts = parseMultipart(
      body([
        { headers: ['Content-Type: application/dicom', `Content-Length: ${binary.length}`], content: binary },
        { headers: ['Content-Type: application/dicom'], content: Buffer.concat([binary, Buffer.from('tail')]) },
      ]),
      contentType,
    );
    expect(parts).toHaveLength(2);
    expect(parts[0]!.headers['content-type']).toBe('application/dicom');
    expect(parts[0]!.body.equals(binary)).toBe(true);
    expect(parts[1]!.body.equals(Buffer.concat([binary, Buffer.from('tail')]))).toBe(true);
  });

  it('keeps a body that holds the delimiter when Content-Length says so', () => {
    const tricky = Buffer.from(`abc\r\n--${boundary}\r\nnot a part`);
    const parts = parseMultipart(body([{ headers: [`Content-Length: ${tricky.length}`], content: tricky }]), contentType);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.body.equals(tricky)).toBe(true);
  });

  it('needs a boundary', () => {
    expect(() => parseMultipart(Buffer.alloc(0), 'multipart/related')).toThrowError(expect.objectContaining({ code: 'DICOMWEB_BAD_RESPONSE' }));
  });
});
