import { createRequire } from 'node:module';
import sharp from 'sharp';
import { decodeRleFrame } from './rle.js';
import type { PixelEncoding } from './transfer-syntax.js';

/** What the header says a frame holds; codecs check their stream against it. */
export interface FrameLayout {
  width: number;
  height: number;
  samplesPerPixel: number;
  bitsAllocated: number;
}

/** A frame as little-endian, pixel-interleaved samples: the shape native (uncompressed) pixel data has. */
export interface RawFrame {
  bytes: Uint8Array;
  bytesPerSample: 1 | 2 | 4;
  samplesPerPixel: number;
  /** Bits of precision the codec reports, when it does (JPEG 2000 may disagree with the header). */
  precision?: number;
  /** Set when the codec already turned YCbCr into RGB (baseline JPEG does). */
  colour?: 'RGB';
}

interface EmscriptenDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  getInterleaveMode?(): number;
  delete(): void;
}

type EmscriptenFactory = (options: object) => Promise<Record<string, new () => EmscriptenDecoder>>;

const require = createRequire(import.meta.url);

/**
 * Emscripten modules print progress on stdout by default, which would corrupt `--json` output. Each module
 * needs its own options object: Emscripten adopts it as the module itself.
 */
const quietModuleOptions = (): object => ({ print: () => undefined, printErr: () => undefined });

const wasmModules = new Map<string, Promise<Record<string, new () => EmscriptenDecoder>>>();

function loadWasm(specifier: string): Promise<Record<string, new () => EmscriptenDecoder>> {
  let module = wasmModules.get(specifier);
  if (!module) {
    module = (require(specifier) as EmscriptenFactory)(quietModuleOptions());
    wasmModules.set(specifier, module);
  }
  return module;
}

async function decodeWithWasm(specifier: string, className: string, encoded: Uint8Array, layout: FrameLayout): Promise<RawFrame> {
  const Decoder = (await loadWasm(specifier))[className];
  if (!Decoder) throw new Error(`${specifier} has no ${className}`);
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (info.width !== layout.width || info.height !== layout.height) {
      throw new Error(`the codestream is ${info.width}x${info.height} but the header says ${layout.width}x${layout.height}`);
    }
    const bytesPerSample = info.bitsPerSample > 8 ? 2 : 1;
    let bytes: Uint8Array = Uint8Array.from(decoder.getDecodedBuffer());
    // JPEG-LS may store colour planes one after another
    if (info.componentCount > 1 && decoder.getInterleaveMode?.() === 0) {
      bytes = interleavePlanes(bytes, info.componentCount, bytesPerSample);
    }
    return { bytes, bytesPerSample, samplesPerPixel: info.componentCount, precision: info.bitsPerSample };
  } finally {
    decoder.delete();
  }
}

/** Planar (RRR..GGG..BBB..) to interleaved (RGBRGB..) samples. */
export function interleavePlanes(planar: Uint8Array, planes: number, bytesPerSample: number): Uint8Array {
  const planeBytes = planar.length / planes;
  const pixels = planeBytes / bytesPerSample;
  const out = new Uint8Array(planar.length);
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < pixels; i++) {
      for (let b = 0; b < bytesPerSample; b++) {
        out[(i * planes + p) * bytesPerSample + b] = planar[p * planeBytes + i * bytesPerSample + b]!;
      }
    }
  }
  return out;
}

async function decodeJpegBaseline(encoded: Uint8Array, layout: FrameLayout): Promise<RawFrame> {
  // libjpeg inside sharp: native speed; 12-bit (extended) JPEG is refused by it with a clear message
  const { data, info } = await sharp(encoded, { failOn: 'error', limitInputPixels: false })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== layout.width || info.height !== layout.height) {
    throw new Error(`the JPEG is ${info.width}x${info.height} but the header says ${layout.width}x${layout.height}`);
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { bytes, bytesPerSample: 1, samplesPerPixel: info.channels, precision: 8, colour: info.channels === 3 ? 'RGB' : undefined };
}

interface LosslessJpegDecoder {
  decode(buffer: ArrayBuffer, offset?: number, length?: number, numBytes?: number): Uint8Array | Uint16Array;
}

function decodeJpegLossless(encoded: Uint8Array, layout: FrameLayout): RawFrame {
  const { Decoder } = require('jpeg-lossless-decoder-js') as { Decoder: new () => LosslessJpegDecoder };
  const bytesPerSample = layout.bitsAllocated > 8 ? 2 : 1;
  const copy = Uint8Array.from(encoded);
  const samples = new Decoder().decode(copy.buffer, 0, copy.length, bytesPerSample);
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const expected = layout.width * layout.height * layout.samplesPerPixel * bytesPerSample;
  if (bytes.length !== expected) throw new Error(`lossless JPEG decoded to ${bytes.length} bytes, expected ${expected}`);
  return { bytes, bytesPerSample, samplesPerPixel: layout.samplesPerPixel };
}

/** Decodes one encapsulated frame of the given encoding into raw samples. */
export async function decodeCompressedFrame(encoding: PixelEncoding, encoded: Uint8Array, layout: FrameLayout): Promise<RawFrame> {
  switch (encoding) {
    case 'jpeg-baseline':
      return decodeJpegBaseline(encoded, layout);
    case 'jpeg-lossless':
      return decodeJpegLossless(encoded, layout);
    case 'jpeg-ls':
      return decodeWithWasm('@cornerstonejs/codec-charls/decodewasmjs', 'JpegLSDecoder', encoded, layout);
    case 'jpeg2000':
      return decodeWithWasm('@cornerstonejs/codec-openjpeg/decodewasmjs', 'J2KDecoder', encoded, layout);
    case 'rle': {
      const bytes = decodeRleFrame(encoded, layout);
      return { bytes, bytesPerSample: (layout.bitsAllocated / 8) as 1 | 2 | 4, samplesPerPixel: layout.samplesPerPixel };
    }
    case 'native':
    case 'native-big-endian':
      throw new Error(`${encoding} pixel data is not encapsulated`);
  }
}
