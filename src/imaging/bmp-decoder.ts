import { OsteonError } from '../errors.js';
import { tooManyPixels, truncatedImage, unreadableImage } from './errors.js';
import { luma } from './luma.js';
import { sniffFormat } from './sniff.js';
import type { DecodedImage, DecodeLimits, ImageDecoder } from './types.js';

/** What the BMP header says about the pixel array. */
interface BmpHeader {
  width: number;
  height: number;
  topDown: boolean;
  bitsPerPixel: number;
  pixelOffset: number;
  rowBytes: number;
  /** RGB palette for 1, 4 and 8 bits per pixel. */
  palette: Uint8Array;
  /** Channel masks for 16 and 32 bits per pixel (BI_BITFIELDS, or the defaults of BI_RGB). */
  masks: { red: number; green: number; blue: number };
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

function readHeader(bytes: Uint8Array): BmpHeader {
  if (bytes.length < 26) throw truncatedImage('bmp', 'the header is incomplete');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const infoSize = view.getUint32(14, true);
  if (infoSize === 12) throw unreadableImage('bmp', 'OS/2 1.x bitmaps are not supported; save it as PNG');
  if (infoSize < 40) throw unreadableImage('bmp', `unknown info header size ${infoSize}`);
  if (bytes.length < 14 + infoSize) throw truncatedImage('bmp', 'the header is incomplete');
  const width = view.getInt32(18, true);
  const signedHeight = view.getInt32(22, true);
  const bitsPerPixel = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const colorsUsed = view.getUint32(46, true);
  const height = Math.abs(signedHeight);
  if (width <= 0 || height === 0) throw unreadableImage('bmp', `invalid size ${width}x${signedHeight}`);

  if (![1, 4, 8, 16, 24, 32].includes(bitsPerPixel)) throw unreadableImage('bmp', `${bitsPerPixel} bits per pixel`);
  const bitfields = compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS;
  if (compression !== BI_RGB && !bitfields) {
    throw new OsteonError(
      'UNSUPPORTED_FORMAT',
      `This BMP uses compression type ${compression} (RLE or embedded JPEG/PNG); only uncompressed BMP is read: save it as PNG.`,
    );
  }
  let masks =
    bitsPerPixel === 16
      ? { red: 0x7c00, green: 0x03e0, blue: 0x001f }
      : { red: 0x00ff0000, green: 0x0000ff00, blue: 0x000000ff };
  if (bitfields) {
    // masks follow a 40-byte header as separate fields, or sit inside V2+ headers at the same place
    if (bytes.length < 14 + 40 + 12) throw truncatedImage('bmp', 'the colour masks are missing');
    masks = { red: view.getUint32(54, true), green: view.getUint32(58, true), blue: view.getUint32(62, true) };
  }

  let palette = new Uint8Array(0);
  if (bitsPerPixel <= 8) {
    const entries = colorsUsed || 1 << bitsPerPixel;
    const start = 14 + infoSize;
    if (bytes.length < start + entries * 4) throw truncatedImage('bmp', 'the palette is incomplete');
    palette = new Uint8Array(entries * 3);
    for (let i = 0; i < entries; i++) {
      palette[i * 3] = bytes[start + i * 4 + 2]!;
      palette[i * 3 + 1] = bytes[start + i * 4 + 1]!;
      palette[i * 3 + 2] = bytes[start + i * 4]!;
    }
  }
  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
  return { width, height, topDown: signedHeight < 0, bitsPerPixel, pixelOffset, rowBytes, palette, masks };
}

/** Extracts the bits of `mask` from `value` and scales them to 0..255. */
function channel(value: number, mask: number): number {
  if (mask === 0) return 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return Math.round((((value & mask) >>> shift) * 255) / max);
}

function readRgb(bytes: Uint8Array, header: BmpHeader): Uint8Array {
  const { width, height, bitsPerPixel, rowBytes, palette, masks } = header;
  const rgb = new Uint8Array(width * height * 3);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let y = 0; y < height; y++) {
    const row = header.pixelOffset + (header.topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const out = (y * width + x) * 3;
      if (bitsPerPixel <= 8) {
        const bitOffset = x * bitsPerPixel;
        const byte = bytes[row + (bitOffset >> 3)]!;
        const index = (byte >> (8 - bitsPerPixel - (bitOffset & 7))) & ((1 << bitsPerPixel) - 1);
        rgb[out] = palette[index * 3] ?? 0;
        rgb[out + 1] = palette[index * 3 + 1] ?? 0;
        rgb[out + 2] = palette[index * 3 + 2] ?? 0;
      } else if (bitsPerPixel === 24) {
        rgb[out] = bytes[row + x * 3 + 2]!;
        rgb[out + 1] = bytes[row + x * 3 + 1]!;
        rgb[out + 2] = bytes[row + x * 3]!;
      } else {
        const value = bitsPerPixel === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        rgb[out] = channel(value, masks.red);
        rgb[out + 1] = channel(value, masks.green);
        rgb[out + 2] = channel(value, masks.blue);
      }
    }
  }
  return rgb;
}

function isGreyPalette(palette: Uint8Array): boolean {
  for (let i = 0; i < palette.length; i += 3) {
    if (palette[i] !== palette[i + 1] || palette[i] !== palette[i + 2]) return false;
  }
  return true;
}

/**
 * Uncompressed Windows bitmaps (1, 4, 8, 16, 24 and 32 bits per pixel), which libvips cannot read.
 * Colour becomes the same luma as in the other raster formats.
 */
export const bmpDecoder: ImageDecoder = {
  name: 'bmp',

  canDecode(head: Uint8Array): boolean {
    return sniffFormat(head) === 'bmp';
  },

  async decode(bytes: Uint8Array, limits: DecodeLimits): Promise<DecodedImage> {
    const header = readHeader(bytes);
    const { width, height } = header;
    if (width * height > limits.maxPixels) throw tooManyPixels(width, height, limits.maxPixels);
    const needed = header.pixelOffset + header.rowBytes * height;
    if (bytes.length < needed) throw truncatedImage('bmp', `${bytes.length} of ${needed} bytes present`);

    const rgb = readRgb(bytes, header);
    let pixels: Uint8Array;
    if (header.bitsPerPixel <= 8 && isGreyPalette(header.palette)) {
      pixels = new Uint8Array(width * height);
      for (let i = 0; i < pixels.length; i++) pixels[i] = rgb[i * 3]!;
    } else {
      pixels = luma(rgb, 3);
    }
    return { width, height, bitsStored: 8, pixels, format: 'bmp', metadata: {}, warnings: [] };
  },
};
