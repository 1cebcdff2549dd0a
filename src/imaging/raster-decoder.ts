import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { OsteonError } from '../errors.js';
import { tooManyPixels, truncatedImage, unreadableImage } from './errors.js';
import { readJpegFrame } from './jpeg-header.js';
import { luma } from './luma.js';
import { sniffFormat, type ImageFormat } from './sniff.js';
import type { DecodedImage, DecodeLimits, ImageDecoder } from './types.js';

const RASTER_FORMATS: ReadonlySet<ImageFormat> = new Set(['jpeg', 'png', 'gif', 'webp', 'tiff']);

/** Formats whose 16-bit samples are kept as 16 bits (JPEG, GIF and WebP are 8-bit by nature). */
const SIXTEEN_BIT_FORMATS: ReadonlySet<string> = new Set(['png', 'tiff']);

const TRUNCATION_MESSAGE = /premature end|truncat|unexpected end|end of (file|data|stream)|not enough data|short read/i;

/**
 * 'error' rather than 'warning': libpng and libjpeg warn about harmless things (odd ICC profiles,
 * extraneous bytes) in many valid files, while truncation is raised as an error at this level.
 */
const FAIL_ON: SharpOptions['failOn'] = 'error';

/** Reads a PNG's IHDR directly, so a decompression bomb is refused even when the rest of its header is damaged. */
function pngDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Detects files that end before their format's end marker: sharp's own messages do not always say so. */
function endsEarly(bytes: Uint8Array, format: ImageFormat): boolean {
  if (format === 'png') {
    const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 64)));
    return !tail.includes('IEND');
  }
  if (format === 'gif') {
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end--;
    return bytes[end - 1] !== 0x3b;
  }
  return false;
}

function decodeFailure(error: unknown, bytes: Uint8Array, format: ImageFormat): OsteonError {
  if (error instanceof OsteonError) return error;
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  if (/exceeds pixel limit/i.test(message)) {
    return new OsteonError('TOO_MANY_PIXELS', `Image exceeds the pixel limit (${message}); downscale it before importing.`);
  }
  // What the bytes show comes first: the image library's words for the same file vary from call to call (its
  // error buffer is shared between threads: "Unknown error" one time, "libpng read error" the next).
  if (endsEarly(bytes, format)) return truncatedImage(format, `the file ends before its ${format === 'png' ? 'IEND chunk' : 'trailer'}`);
  if (TRUNCATION_MESSAGE.test(message)) return truncatedImage(format, message);
  return unreadableImage(format, message);
}

/** The header facts that decoding depends on. */
type Header = Pick<Metadata, 'width' | 'height' | 'pages' | 'depth' | 'channels' | 'hasAlpha'>;

/** Baseline, extended and progressive Huffman-coded JPEG: what the image library reads as 8-bit samples. */
const PLAIN_JPEG_FRAMES: ReadonlySet<number> = new Set([0xc0, 0xc1, 0xc2]);

/**
 * A plain 8-bit grey or YCbCr JPEG (nearly every radiograph exported as JPEG) is described by its frame
 * header alone, read here without a second call into sharp; anything else asks sharp for its metadata.
 */
async function readHeader(bytes: Uint8Array, format: ImageFormat): Promise<Header> {
  if (format === 'jpeg') {
    const frame = readJpegFrame(bytes);
    if (
      frame && frame.precision === 8 && PLAIN_JPEG_FRAMES.has(frame.marker) &&
      (frame.components === 1 || frame.components === 3) && frame.width > 0 && frame.height > 0
    ) {
      return { width: frame.width, height: frame.height, pages: 1, depth: 'uchar', channels: frame.components, hasAlpha: false };
    }
  }
  try {
    return await sharp(bytes, { limitInputPixels: false, failOn: FAIL_ON }).metadata();
  } catch (error) {
    throw decodeFailure(error, bytes, format);
  }
}

/**
 * JPEG, PNG, GIF (first frame), WebP and TIFF through sharp (libvips): the pixel count is checked from the
 * header before any pixel is decoded; EXIF orientation is applied; colour becomes luminance; alpha is
 * flattened onto black; 16-bit PNG and TIFF stay 16-bit.
 */
export const rasterDecoder: ImageDecoder = {
  name: 'raster',

  canDecode(head: Uint8Array): boolean {
    const format = sniffFormat(head);
    return format !== undefined && RASTER_FORMATS.has(format);
  },

  async decode(bytes: Uint8Array, limits: DecodeLimits): Promise<DecodedImage> {
    const format = sniffFormat(bytes);
    if (format === undefined || !RASTER_FORMATS.has(format)) {
      throw new OsteonError('UNSUPPORTED_FORMAT', 'The raster decoder was given a file that is not JPEG, PNG, GIF, WebP or TIFF.');
    }
    if (format === 'png') {
      const dims = pngDimensions(bytes);
      if (dims && dims.width * dims.height > limits.maxPixels) throw tooManyPixels(dims.width, dims.height, limits.maxPixels);
    }
    const metadata = await readHeader(bytes, format);
    const width = metadata.width ?? 0;
    const height = metadata.height ?? 0;
    if (width * height > limits.maxPixels) throw tooManyPixels(width, height, limits.maxPixels);

    const warnings: string[] = [];
    if ((metadata.pages ?? 1) > 1) warnings.push(`${format} has ${metadata.pages} frames: the first frame was used`);
    const keep16 = metadata.depth === 'ushort' && SIXTEEN_BIT_FORMATS.has(format);

    const isGrey = metadata.channels === 1 || (metadata.channels === 2 && metadata.hasAlpha === true);
    try {
      let pipeline = sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: FAIL_ON, page: 0, pages: 1 }).autoOrient();
      if (metadata.hasAlpha) pipeline = pipeline.flatten({ background: '#000000' });
      const colourspace = isGrey ? (keep16 ? 'grey16' : 'b-w') : keep16 ? 'rgb16' : 'srgb';
      const { data, info } = await pipeline
        .toColourspace(colourspace)
        .raw({ depth: keep16 ? 'ushort' : 'uchar' })
        .toBuffer({ resolveWithObject: true });
      const samples = keep16 ? toUint16(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const pixels = info.channels === 1 ? samples : luma(samples, info.channels);
      return { width: info.width, height: info.height, bitsStored: keep16 ? 16 : 8, pixels, format, metadata: {}, warnings };
    } catch (error) {
      throw decodeFailure(error, bytes, format);
    }
  },
};

function toUint16(data: Buffer): Uint16Array {
  if (data.byteOffset % 2 === 0) return new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  return new Uint16Array(Uint8Array.from(data).buffer);
}

