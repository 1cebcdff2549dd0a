import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, findDecoder } from './decode.js';
import { writeDicom } from './dicom/dicom-write.js';
import type { DecodedImage } from './types.js';

const DEV_SET = '../shared/datasets/bone-xray-dev';

/** A 40x30 grey gradient with a bright square: distinct enough to compare decodes pixel by pixel. */
function greyPattern(width = 40, height = 30): Buffer {
  const pixels = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inSquare = x >= 10 && x < 20 && y >= 10 && y < 20;
      pixels[y * width + x] = inSquare ? 240 : Math.round((x / width) * 160);
    }
  }
  return pixels;
}

async function encode(format: 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff', raw = greyPattern()): Promise<Buffer> {
  const image = sharp(raw, { raw: { width: 40, height: 30, channels: 1 } });
  switch (format) {
    case 'jpeg':
      return image.jpeg({ quality: 95 }).toBuffer();
    case 'png':
      return image.png().toBuffer();
    case 'gif':
      return image.gif().toBuffer();
    case 'webp':
      return image.webp({ lossless: true }).toBuffer();
    case 'tiff':
      return image.tiff({ compression: 'lzw' }).toBuffer();
  }
}

function meanAbsDifference(a: DecodedImage['pixels'], b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A PNG that claims to be width x height but holds almost no data: a decompression-bomb header. */
function hugePngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(width + 1))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An uncompressed bottom-up BMP written byte by byte, 24-bit colour or 8-bit grey palette. */
function bmpBytes(width: number, height: number, bits: 8 | 24 | 32, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const rowBytes = Math.ceil((width * bits) / 32) * 4;
  const paletteBytes = bits === 8 ? 256 * 4 : 0;
  const pixelOffset = 14 + 40 + paletteBytes;
  const file = Buffer.alloc(pixelOffset + rowBytes * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(pixelOffset, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(bits, 28);
  for (let i = 0; bits === 8 && i < 256; i++) file.fill(i, 54 + i * 4, 54 + i * 4 + 3);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      if (bits === 8) file[row + x] = r;
      else {
        const at = row + (x * bits) / 8;
        file[at] = b;
        file[at + 1] = g;
        file[at + 2] = r;
      }
    }
  }
  return file;
}

async function expectError(bytes: Uint8Array, code: string, limits?: { maxPixels: number }): Promise<Error> {
  const error = await decodeImage(bytes, limits).then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string },
  );
  expect(error, `expected ${code}`).toBeDefined();
  expect(error!.name).toBe('OsteonError');
  expect((error as { code?: string }).code).toBe(code);
  return error!;
}

describe('decodeImage: raster formats', () => {
  const source = greyPattern();

  it.each(['jpeg', 'png', 'gif', 'webp', 'tiff'] as const)('decodes %s to the same grey picture', async (format) => {
    const image = await decodeImage(await encode(format));
    expect(image.format).toBe(format);
    expect([image.width, image.height, image.bitsStored]).toEqual([40, 30, 8]);
    expect(image.pixels).toBeInstanceOf(Uint8Array);
    expect(image.pixels.length).toBe(40 * 30);
    // lossless formats match exactly; JPEG within a few grey levels
    expect(meanAbsDifference(image.pixels, source)).toBeLessThan(format === 'jpeg' ? 3 : 0.5);
  });

  it('keeps a 16-bit PNG and a 16-bit TIFF at 16 bits', async () => {
    const raw16 = new Uint16Array(40 * 30).map((_, i) => i * 50);
    for (const format of ['png', 'tiff'] as const) {
      const input = sharp(raw16, { raw: { width: 40, height: 30, channels: 1 } }).toColourspace('grey16');
      const bytes = await (format === 'png' ? input.png() : input.tiff({ compression: 'lzw' })).toBuffer();
      const image = await decodeImage(bytes);
      expect(image.bitsStored).toBe(16);
      expect(image.pixels).toBeInstanceOf(Uint16Array);
      expect(Array.from(image.pixels.subarray(0, 5))).toEqual([0, 50, 100, 150, 200]);
      expect(image.pixels[40 * 30 - 1]).toBe((40 * 30 - 1) * 50);
    }
  });

  it('converts colour to luminance', async () => {
    const red = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toBuffer();
    const green = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 0, g: 255, b: 0 } } }).png().toBuffer();
    const [r, g] = await Promise.all([decodeImage(red), decodeImage(green)]);
    // ITU-R BT.601 luma, as most training code (PIL's convert('L')) computes it
    expect(r.pixels[0]).toBe(76);
    expect(g.pixels[0]).toBe(150);
  });

  it('recognises content, not the file name', async () => {
    // the dev set holds a GIF saved as .jpg
    const bytes = fs.readFileSync(path.join(DEV_SET, 'train/fractured/159.jpg'));
    const image = await decodeImage(bytes);
    expect(image.format).toBe('gif');
    expect(image.width * image.height).toBeGreaterThan(100 * 100);
    const pngWithJpegName = await encode('png');
    expect((await decodeImage(pngWithJpegName)).format).toBe('png');
  });
});

describe('decoder selection', () => {
  it('gives each format to exactly one decoder, by content', async () => {
    const samples: [string, Uint8Array][] = [
      ...(await Promise.all((['jpeg', 'png', 'gif', 'webp', 'tiff'] as const).map(async (f) => [f, await encode(f)] as [string, Uint8Array]))),
      ['bmp', bmpBytes(4, 4, 24, () => [1, 2, 3])],
      ['dicom', writeDicom({ width: 4, height: 4, bitsAllocated: 8, pixels: new Uint8Array(16) })],
    ];
    const expectedDecoder: Record<string, string> = { jpeg: 'raster', png: 'raster', gif: 'raster', webp: 'raster', tiff: 'raster', bmp: 'bmp', dicom: 'dicom' };
    for (const [format, bytes] of samples) {
      expect(findDecoder(bytes)?.name, format).toBe(expectedDecoder[format]);
      expect((await decodeImage(bytes)).format).toBe(format);
    }
    expect(findDecoder(Buffer.from('BMX not an image'))).toBeUndefined();
  });
});

describe('decodeImage: BMP', () => {
  it('reads a 24-bit colour BMP like the same picture as PNG', async () => {
    const colour = (x: number, y: number): [number, number, number] => [x * 6, y * 8, 255 - x * 6];
    const bmp = await decodeImage(bmpBytes(13, 7, 24, colour));
    const rgb = Buffer.alloc(13 * 7 * 3);
    for (let y = 0; y < 7; y++) for (let x = 0; x < 13; x++) rgb.set(colour(x, y), (y * 13 + x) * 3);
    const png = await decodeImage(await sharp(rgb, { raw: { width: 13, height: 7, channels: 3 } }).png().toBuffer());
    expect([bmp.format, bmp.width, bmp.height]).toEqual(['bmp', 13, 7]);
    expect(Array.from(bmp.pixels)).toEqual(Array.from(png.pixels));
  });

  it('reads 8-bit grey and 32-bit BMPs, top row first', async () => {
    const grey = await decodeImage(bmpBytes(5, 3, 8, (x, y) => [x * 10 + y * 100, 0, 0]));
    expect(Array.from(grey.pixels)).toEqual([0, 10, 20, 30, 40, 100, 110, 120, 130, 140, 200, 210, 220, 230, 240]);
    const wide = await decodeImage(bmpBytes(4, 2, 32, (x, y) => [x * 50 + y, x * 50 + y, x * 50 + y]));
    expect(Array.from(wide.pixels)).toEqual([0, 50, 100, 150, 1, 51, 101, 151]);
  });

  it('says a cut-off BMP is truncated', async () => {
    const bytes = bmpBytes(20, 20, 24, () => [1, 2, 3]);
    await expectError(bytes.subarray(0, bytes.length - 100), 'TRUNCATED_IMAGE');
  });
});

describe('decodeImage: bad inputs', () => {
  it('rejects an empty file', async () => {
    await expectError(new Uint8Array(0), 'EMPTY_FILE');
  });

  it('rejects a text file and says what it expected', async () => {
    const error = await expectError(Buffer.from('patient,label\n1,fractured\n'), 'UNSUPPORTED_FORMAT');
    expect(error.message).toMatch(/text/);
    expect(error.message).toMatch(/JPEG, PNG/);
  });

  it('rejects truncated JPEG and PNG files', async () => {
    for (const format of ['jpeg', 'png'] as const) {
      const bytes = await encode(format, Buffer.from(greyPattern().map((v, i) => (v + i * 37) % 256)));
      const error = await expectError(bytes.subarray(0, Math.floor(bytes.length * 0.6)), 'TRUNCATED_IMAGE');
      expect(error.message).toMatch(format === 'jpeg' ? /JPEG/ : /PNG/);
    }
  });

  it('rejects a 30000x30000 PNG from its header, fast', async () => {
    const started = performance.now();
    const error = await expectError(hugePngHeader(30000, 30000), 'TOO_MANY_PIXELS');
    expect(performance.now() - started).toBeLessThan(500);
    expect(error.message).toMatch(/30000x30000/);
  });

  it('applies a caller pixel limit to every format', async () => {
    for (const format of ['jpeg', 'gif', 'webp', 'tiff'] as const) {
      await expectError(await encode(format), 'TOO_MANY_PIXELS', { maxPixels: 1000 });
    }
    await expectError(bmpBytes(40, 30, 24, () => [0, 0, 0]), 'TOO_MANY_PIXELS', { maxPixels: 1000 });
  });

  it('rejects corrupt data inside a valid header', async () => {
    const bytes = Buffer.from(await encode('png'));
    bytes.fill(0x55, 60, bytes.length - 20);
    const error = await expectError(bytes, 'UNREADABLE_IMAGE');
    expect(error.message).toMatch(/PNG/);
  });
});

describe('decodeImage: the dev set', () => {
  function devFiles(): string[] {
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    return walk(DEV_SET).filter((f) => !f.endsWith('.json')).sort();
  }

  it('decodes a sample of real files of every format (the whole set is covered by bench/decode.ts)', async () => {
    const files = devFiles();
    const sample = files.filter((f, i) => i % 40 === 0 || /\.png$/i.test(f) || f.endsWith('159.jpg'));
    const formats = new Set<string>();
    for (const file of sample) {
      const image = await decodeImage(fs.readFileSync(file));
      expect(image.pixels.length, file).toBe(image.width * image.height);
      formats.add(image.format);
    }
    expect([...formats].sort()).toEqual(['gif', 'jpeg', 'png']);
  });

  it('says a real radiograph cut short is truncated', async () => {
    const largest = devFiles()
      .map((f) => ({ f, size: fs.statSync(f).size }))
      .filter(({ f }) => fs.readFileSync(f).subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])))
      .sort((a, b) => b.size - a.size)[0]!.f;
    const bytes = fs.readFileSync(largest);
    const error = await expectError(bytes.subarray(0, Math.floor(bytes.length * 0.7)), 'TRUNCATED_IMAGE');
    expect(error.message).toMatch(/JPEG file is truncated.*re-copy/);
  });
});

