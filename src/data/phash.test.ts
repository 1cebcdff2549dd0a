import fs from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../imaging/decode.js';
import { averageGrid, distanceForCorrelation, hashDistance, perceptualHash, type GreyImage } from './phash.js';
import { DEFAULT_MIN_CORRELATION, findDuplicateGroups } from './duplicates.js';

const DEV = '../shared/datasets/bone-xray-dev';
const hashOf = async (bytes: Buffer) => perceptualHash(await decodeImage(bytes));

/** The grid by its definition: every pixel added to its cell in raster order, then each cell divided by its count. */
function referenceGrid({ width, height, pixels }: GreyImage): Float64Array {
  const sums = new Float64Array(64 * 64);
  const counts = new Float64Array(64 * 64);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const cell = Math.floor((y * 64) / height) * 64 + Math.floor((x * 64) / width);
      sums[cell]! += pixels[y * width + x]!;
      counts[cell]! += 1;
    }
  }
  return sums.map((sum, cell) => {
    if (counts[cell]! > 0) return sum / counts[cell]!;
    const [y, x] = [Math.floor(cell / 64), cell % 64];
    return pixels[Math.min(height - 1, Math.floor((y * height) / 64)) * width + Math.min(width - 1, Math.floor((x * width) / 64))]!;
  });
}

/** Deterministic pseudo-random levels in [0, max]. */
function levels(length: number, max: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % (max + 1);
  });
}

describe('averageGrid', () => {
  it('equals the pixel-by-pixel cell means exactly for 8-bit, 16-bit and fractional pixels of any size', () => {
    const sizes: Array<[number, number]> = [[1, 1], [3, 70], [63, 64], [64, 64], [65, 129], [224, 224], [300, 17], [501, 257]];
    for (const [width, height] of sizes) {
      const n = width * height;
      const images: GreyImage[] = [
        { width, height, pixels: Uint8Array.from(levels(n, 255, width)) },
        { width, height, pixels: Uint16Array.from(levels(n, 65535, height)) },
        { width, height, pixels: Float32Array.from(levels(n, 1000, n), (v) => v / 7) },
      ];
      for (const image of images) expect(averageGrid(image)).toEqual(referenceGrid(image));
    }
  });
});

describe('perceptualHash', () => {
  it('stays within the duplicate threshold under re-encoding, resizing, flips and 90-degree rotations, and not across radiographs', async () => {
    const original = fs.readFileSync(`${DEV}/train/fractured/86-rotated1.jpg`);
    const other = fs.readFileSync(`${DEV}/train/normal/59-rotated2-rotated2-rotated1.jpg`);
    const base = await hashOf(original);
    const variants = {
      reencoded: await sharp(original).jpeg({ quality: 40 }).toBuffer(),
      png: await sharp(original).png().toBuffer(),
      halfSize: await sharp(original).resize(112).toBuffer(),
      doubleSize: await sharp(original).resize(448).toBuffer(),
      flipH: await sharp(original).flop().toBuffer(),
      flipV: await sharp(original).flip().toBuffer(),
      rot90: await sharp(original).rotate(90).toBuffer(),
      rot180: await sharp(original).rotate(180).toBuffer(),
      rot270: await sharp(original).rotate(270).toBuffer(),
      transposed: await sharp(original).rotate(90).flop().toBuffer(),
    };
    const limit = distanceForCorrelation(DEFAULT_MIN_CORRELATION);
    const distances: Record<string, number> = {};
    for (const [name, bytes] of Object.entries(variants)) distances[name] = hashDistance(base, await hashOf(bytes));
    for (const d of Object.values(distances)) expect(d).toBeLessThan(limit);
    expect(hashDistance(base, await hashOf(other))).toBeGreaterThan(limit);
  });

  it('groups near-duplicates transitively and leaves blank images alone', async () => {
    const a = await hashOf(fs.readFileSync(`${DEV}/train/fractured/86-rotated1.jpg`));
    const b = await hashOf(fs.readFileSync(`${DEV}/train/normal/59-rotated2-rotated2-rotated1.jpg`));
    const blank = perceptualHash({ width: 8, height: 8, pixels: new Uint8Array(64) });
    const groups = findDuplicateGroups([
      { id: 1, phash: a },
      { id: 2, phash: b },
      { id: 3, phash: a },
      { id: 4, phash: blank },
      { id: 5, phash: blank },
    ]);
    expect(groups).toEqual([[1, 3]]);
  });
});
