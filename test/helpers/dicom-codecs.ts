/**
 * Encoders that make compressed DICOM pixel data for tests: JPEG 2000 and JPEG-LS through the full
 * (encoder-carrying) builds of the same WASM codecs Osteon decodes with, and a small lossless JPEG
 * (process 14, selection value 1) writer, since no npm package encodes that.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface WasmEncoder {
  getDecodedBuffer(info: object): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  encode(): void;
  setDecompositions?(levels: number): void;
  delete(): void;
}

async function wasmEncode(specifier: string, className: string, pixels: Uint16Array | Uint8Array, info: object, configure?: (e: WasmEncoder) => void): Promise<Uint8Array> {
  const module = (await (require(specifier) as (o: object) => Promise<Record<string, new () => WasmEncoder>>)({
    print: () => undefined,
    printErr: () => undefined,
  })) as Record<string, new () => WasmEncoder>;
  const encoder = new module[className]!();
  try {
    encoder.getDecodedBuffer(info).set(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength));
    configure?.(encoder);
    encoder.encode();
    return Uint8Array.from(encoder.getEncodedBuffer());
  } finally {
    encoder.delete();
  }
}

export function encodeJpeg2000(pixels: Uint16Array, width: number, height: number, bitsPerSample: number): Promise<Uint8Array> {
  const info = { width, height, bitsPerSample, componentCount: 1, isSigned: false, isUsingColorTransform: false };
  // the default five wavelet levels need at least 32 pixels a side
  const levels = Math.max(1, Math.min(5, Math.floor(Math.log2(Math.min(width, height))) - 1));
  return wasmEncode('@cornerstonejs/codec-openjpeg/wasmjs', 'J2KEncoder', pixels, info, (e) => e.setDecompositions?.(levels));
}

export function encodeJpegLs(pixels: Uint16Array, width: number, height: number, bitsPerSample: number): Promise<Uint8Array> {
  return wasmEncode('@cornerstonejs/codec-charls/wasmjs', 'JpegLSEncoder', pixels, { width, height, bitsPerSample, componentCount: 1 });
}

/** Huffman code lengths for difference categories 0..16: canonical codes, none of them all ones. */
const CATEGORY_CODE_LENGTHS = [3, 3, 3, 3, 3, 3, 4, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12];

function canonicalCodes(lengths: number[]): { code: number; length: number }[] {
  const order = lengths.map((length, symbol) => ({ length, symbol })).sort((a, b) => a.length - b.length || a.symbol - b.symbol);
  const codes: { code: number; length: number }[] = [];
  let code = 0;
  let length = order[0]!.length;
  for (const entry of order) {
    code <<= entry.length - length;
    length = entry.length;
    codes[entry.symbol] = { code, length };
    code++;
  }
  return codes;
}

class BitWriter {
  readonly bytes: number[] = [];
  private accumulator = 0;
  private count = 0;

  write(value: number, length: number): void {
    for (let bit = length - 1; bit >= 0; bit--) {
      this.accumulator = (this.accumulator << 1) | ((value >> bit) & 1);
      if (++this.count === 8) this.flushByte();
    }
  }

  private flushByte(): void {
    this.bytes.push(this.accumulator);
    if (this.accumulator === 0xff) this.bytes.push(0x00);
    this.accumulator = 0;
    this.count = 0;
  }

  finish(): void {
    while (this.count !== 0) this.write(1, 1);
  }
}

function segment(marker: number, body: number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...body];
}

/** Lossless JPEG, one component, predictor 1 (left), no point transform: DICOM's JPEG Lossless SV1. */
export function encodeJpegLossless(pixels: Uint16Array | Uint8Array, width: number, height: number, precision: number): Uint8Array {
  const codes = canonicalCodes(CATEGORY_CODE_LENGTHS);
  const bits = new Array<number>(16).fill(0);
  for (const length of CATEGORY_CODE_LENGTHS) bits[length - 1]!++;
  const symbolsByLength = CATEGORY_CODE_LENGTHS.map((length, symbol) => ({ length, symbol }))
    .sort((a, b) => a.length - b.length || a.symbol - b.symbol)
    .map((e) => e.symbol);

  const writer = new BitWriter();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const predicted =
        x === 0 && y === 0 ? 1 << (precision - 1) : x === 0 ? pixels[(y - 1) * width]! : pixels[y * width + x - 1]!;
      let diff = (pixels[y * width + x]! - predicted) % 65536;
      if (diff >= 32768) diff -= 65536;
      if (diff < -32767) diff += 65536;
      const magnitude = Math.abs(diff);
      const category = magnitude === 0 ? 0 : magnitude === 32768 ? 16 : Math.floor(Math.log2(magnitude)) + 1;
      writer.write(codes[category]!.code, codes[category]!.length);
      if (category > 0 && category < 16) writer.write(diff < 0 ? diff + (1 << category) - 1 : diff, category);
    }
  }
  writer.finish();

  return Uint8Array.from([
    0xff, 0xd8,
    ...segment(0xc4, [0x00, ...bits, ...symbolsByLength]),
    ...segment(0xc3, [precision, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    ...segment(0xda, [1, 1, 0x00, 1, 0, 0]),
    ...writer.bytes,
    0xff, 0xd9,
  ]);
}
