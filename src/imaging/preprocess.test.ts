import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode.js';
import { preprocess } from './preprocess.js';
import { toPngBytes } from './png.js';
import { resizeGrey } from './resize.js';
import type { DecodedImage, PreprocessSpec } from './types.js';

function greyImage(width: number, height: number, value: (x: number, y: number) => number, bitsStored: 8 | 16 = 8): DecodedImage {
  const pixels = bitsStored === 16 ? new Uint16Array(width * height) : new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = value(x, y);
  return { width, height, bitsStored, pixels, format: 'png', metadata: {}, warnings: [] };
}

const IDENTITY_GREY: PreprocessSpec = { size: 32, channels: 1, mean: [0], std: [1], resize: 'letterbox' };

/** Channel c of pixel (x, y) in an HWC tensor. */
const at = (t: Float32Array, size: number, channels: number, x: number, y: number, c = 0) => t[(y * size + x) * channels + c]!;

describe('preprocess', () => {
  it('returns [size, size, channels] floats, HWC, grey repeated into each channel', async () => {
    const image = greyImage(64, 64, (x) => x * 4);
    const spec: PreprocessSpec = { size: 16, channels: 3, mean: [0, 0, 0], std: [1, 1, 1], resize: 'stretch' };
    const tensor = await preprocess(image, spec);
    expect(tensor).toBeInstanceOf(Float32Array);
    expect(tensor.length).toBe(16 * 16 * 3);
    for (let x = 0; x < 16; x++) {
      const r = at(tensor, 16, 3, x, 5, 0);
      expect(at(tensor, 16, 3, x, 5, 1)).toBe(r);
      expect(at(tensor, 16, 3, x, 5, 2)).toBe(r);
    }
    // channels-last: the left-to-right ramp increases along the fastest-but-channel axis
    expect(at(tensor, 16, 3, 15, 5)).toBeGreaterThan(at(tensor, 16, 3, 0, 5) + 0.8);
  });

  it('applies mean and std per channel after scaling to [0, 1]', async () => {
    const image = greyImage(8, 8, () => 51); // 51 / 255 = 0.2
    const spec: PreprocessSpec = { size: 8, channels: 3, mean: [0.1, 0.2, 0.4], std: [0.5, 0.25, 0.1], resize: 'stretch' };
    const tensor = await preprocess(image, spec);
    expect(at(tensor, 8, 3, 3, 3, 0)).toBeCloseTo((0.2 - 0.1) / 0.5, 5);
    expect(at(tensor, 8, 3, 3, 3, 1)).toBeCloseTo(0, 5);
    expect(at(tensor, 8, 3, 3, 3, 2)).toBeCloseTo((0.2 - 0.4) / 0.1, 5);
  });

  it('scales 16-bit images by 65535', async () => {
    const tensor = await preprocess(greyImage(8, 8, () => 32768, 16), { ...IDENTITY_GREY, size: 8 });
    expect(tensor[10]).toBeCloseTo(32768 / 65535, 4);
  });

  it('letterboxes a wide image: keeps aspect, centres it, pads black above and below', async () => {
    // 64x32 white image -> 32x16 band in the middle of a 32x32 square
    const tensor = await preprocess(greyImage(64, 32, () => 255), IDENTITY_GREY);
    expect(at(tensor, 32, 1, 16, 0)).toBe(0);
    expect(at(tensor, 32, 1, 16, 7)).toBe(0);
    expect(at(tensor, 32, 1, 16, 9)).toBeCloseTo(1, 2);
    expect(at(tensor, 32, 1, 0, 16)).toBeCloseTo(1, 2);
    expect(at(tensor, 32, 1, 16, 22)).toBeCloseTo(1, 2);
    expect(at(tensor, 32, 1, 16, 24)).toBe(0);
    expect(at(tensor, 32, 1, 16, 31)).toBe(0);
    // a circle stays round: its extent is the same across and down
    const disc = greyImage(100, 50, (x, y) => ((x - 50) ** 2 + (y - 25) ** 2 < 20 ** 2 ? 255 : 0));
    const round = await preprocess(disc, { ...IDENTITY_GREY, size: 50 });
    let across = 0;
    let down = 0;
    for (let i = 0; i < 50; i++) {
      if (at(round, 50, 1, i, 25) > 0.5) across++;
      if (at(round, 50, 1, 25, i) > 0.5) down++;
    }
    expect(Math.abs(across - down)).toBeLessThanOrEqual(1);
  });

  it('stretches and centre-crops as asked', async () => {
    // left half black, right half white, 64x32
    const halves = greyImage(64, 32, (x) => (x < 32 ? 0 : 255));
    const stretched = await preprocess(halves, { ...IDENTITY_GREY, resize: 'stretch' });
    expect(at(stretched, 32, 1, 2, 0)).toBeCloseTo(0, 2);
    expect(at(stretched, 32, 1, 29, 31)).toBeCloseTo(1, 2);
    // the crop keeps only the central 32x32: the stripe boundary is still at the middle, no padding rows
    const cropped = await preprocess(halves, { ...IDENTITY_GREY, resize: 'center-crop' });
    expect(at(cropped, 32, 1, 2, 0)).toBeCloseTo(0, 2);
    expect(at(cropped, 32, 1, 29, 0)).toBeCloseTo(1, 2);
    expect(at(cropped, 32, 1, 29, 31)).toBeCloseTo(1, 2);
  });

  it('is deterministic', async () => {
    const image = greyImage(123, 77, (x, y) => (x * 7 + y * 13) % 256);
    const spec: PreprocessSpec = { size: 48, channels: 3, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], resize: 'letterbox' };
    const [a, b] = await Promise.all([preprocess(image, spec), preprocess(image, spec)]);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('rejects inconsistent settings with a clear error', async () => {
    const image = greyImage(8, 8, () => 0);
    await expect(preprocess(image, { ...IDENTITY_GREY, channels: 3 })).rejects.toMatchObject({ code: 'INVALID_PREPROCESS_SPEC' });
    await expect(preprocess(image, { ...IDENTITY_GREY, std: [0] })).rejects.toThrow(/std must be positive/);
  });
});

describe('resizeGrey and toPngBytes', () => {
  it('keeps 16 bits through resize and PNG', async () => {
    const image = greyImage(40, 20, (x) => x * 1000, 16);
    const small = await resizeGrey(image, 20, 10, 'stretch');
    expect(small).toBeInstanceOf(Uint16Array);
    expect(small[19]!).toBeGreaterThan(30000);
    const png = await toPngBytes(image);
    const decoded = await decodeImage(png);
    expect([decoded.width, decoded.height, decoded.bitsStored]).toEqual([40, 20, 16]);
    expect(Array.from(decoded.pixels)).toEqual(Array.from(image.pixels));
  });

  it('shrinks previews to a maximum side, keeping aspect', async () => {
    const png = await toPngBytes(greyImage(300, 100, (x) => x % 256), { maxSide: 60 });
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([60, 20, 'png']);
  });
});
