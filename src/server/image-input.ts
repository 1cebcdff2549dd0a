import type { FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { isOsteonError, OsteonError } from '../errors.js';

/** One uploaded image: its bytes and, from multipart, the client's file name. */
export interface Upload {
  name: string | null;
  bytes: Uint8Array;
}

/** Content types taken as a raw image body; the format itself is read from the bytes, never from the type. */
export const RAW_IMAGE_TYPES = ['application/octet-stream', 'application/dicom'] as const;
export const RAW_IMAGE_TYPE_PATTERN = /^image\/[\w.+-]+$/;

const asBytes = (buffer: Buffer): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/** The image of a single-image request: multipart field `file`, or the raw body. */
export async function readSingleUpload(request: FastifyRequest): Promise<Upload> {
  if (request.isMultipart()) {
    return multipartErrors(async () => {
      for await (const part of request.parts()) {
        if (part.type === 'file' && part.fieldname === 'file') return { name: part.filename || null, bytes: asBytes(await part.toBuffer()) };
        if (part.type === 'file') part.file.resume();
      }
      throw new OsteonError('MISSING_FILE', 'The multipart body has no field "file"; send the image as the field named file.');
    });
  }
  if (Buffer.isBuffer(request.body)) return { name: null, bytes: asBytes(request.body) };
  throw unsupportedMediaType(request);
}

/**
 * Every file of a multipart batch request, in order. A file over `maxFileBytes` becomes an error entry (the
 * others go on); more files than the plugin's limit fail the request (413).
 */
export async function readBatchUploads(request: FastifyRequest, maxFileBytes: number): Promise<(Upload | { name: string | null; error: OsteonError })[]> {
  if (!request.isMultipart()) throw unsupportedMediaType(request, 'a batch is multipart/form-data with one part per file');
  return multipartErrors(async () => {
    const uploads: (Upload | { name: string | null; error: OsteonError })[] = [];
    // throwFileSizeLimit per call is honoured at run time though missing from the plugin's types.
    const perFile = { limits: { fileSize: maxFileBytes }, throwFileSizeLimit: false } as Parameters<typeof request.parts>[0];
    for await (const part of request.parts(perFile)) {
      if (part.type !== 'file') continue;
      const bytes = await part.toBuffer();
      const name = part.filename || null;
      uploads.push(
        (part as MultipartFile).file.truncated
          ? { name, error: new OsteonError('FILE_TOO_LARGE', `The file is larger than ${(maxFileBytes / 2 ** 20).toFixed(0)} MiB; send it downscaled.`) }
          : { name, bytes: asBytes(bytes) },
      );
    }
    if (uploads.length === 0) throw new OsteonError('MISSING_FILE', 'The multipart body holds no file; add one part per image.');
    return uploads;
  });
}

/** Errors of a broken multipart body (no boundary, cut short) are the client's: 400 MALFORMED_MULTIPART. */
async function multipartErrors<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isOsteonError(error)) throw error;
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413 || status === 415) throw error;
    throw new OsteonError('MALFORMED_MULTIPART', `The multipart body cannot be parsed (${(error as Error).message}); send well-formed multipart/form-data.`);
  }
}

function unsupportedMediaType(request: FastifyRequest, expected = 'send multipart/form-data field "file", or a raw image/*, application/dicom or application/octet-stream body'): OsteonError {
  return new OsteonError('UNSUPPORTED_MEDIA_TYPE', `Content type "${request.headers['content-type'] ?? 'none'}" is not an image upload; ${expected}.`);
}
