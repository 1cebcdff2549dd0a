import fs from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../imaging/decode.js';
import { distanceForCorrelation, hashDistance, perceptualHash } from './phash.js';
import { DEFAULT_MIN_CORRELATION, findDuplicateGroups } from './duplicates.js';

const DEV = '../shared/datasets/bone-xray-dev';
const hashOf = async (bytes: Buffer) => perceptualHash(await decodeImage(bytes));

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
