import { describe, expect, it } from 'vitest';
import { hashKey, RandomStream } from '../random.js';
import type { AugmentConfig } from '../types.js';
import { clahe } from './clahe.js';
import { DEFAULT_AUGMENT, NO_AUGMENT, resolveAugment } from './config.js';
import { augmentPlane, drawView } from './index.js';

const SIDE = 40;

/** A plane with structure in both directions, so flips and rotations change it. */
function testPlane(side: number, bits: 8 | 16): Uint8Array | Uint16Array {
  const max = bits === 8 ? 255 : 65535;
  const plane = bits === 8 ? new Uint8Array(side * side) : new Uint16Array(side * side);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) plane[y * side + x] = Math.round(max * ((x * 3 + y * y) % side) / side);
  return plane;
}

function render(config: AugmentConfig, key: number, source = testPlane(SIDE, 8), bits: 8 | 16 = 8): Float32Array {
  const out = new Float32Array(SIDE * SIDE);
  augmentPlane(source, SIDE, bits, config, key, out, SIDE);
  return out;
}

describe('augmentations', () => {
  it('flips horizontally with p = 0.5 within binomial bounds (1000 draws, 3 sigma), never with p = 0, always with p = 1', () => {
    const draws = 1000;
    const count = (p: number) => {
      const config = resolveAugment({ ...NO_AUGMENT, horizontalFlip: p });
      let flipped = 0;
      for (let i = 0; i < draws; i++) if (drawView(config, hashKey(11, 0, i)).flipX) flipped++;
      return flipped;
    };
    const sigma = Math.sqrt(draws * 0.25);
    expect(Math.abs(count(0.5) - draws / 2)).toBeLessThanOrEqual(3 * sigma);
    expect(count(0)).toBe(0);
    expect(count(1)).toBe(draws);
  });

  it('vertical flip is off by default and follows its probability when set', () => {
    let flipped = 0;
    for (let i = 0; i < 1000; i++) if (drawView(DEFAULT_AUGMENT, hashKey(5, i)).flipY) flipped++;
    expect(flipped).toBe(0);
    const config = resolveAugment({ ...NO_AUGMENT, verticalFlip: 0.2 });
    for (let i = 0; i < 1000; i++) if (drawView(config, hashKey(5, i)).flipY) flipped++;
    expect(Math.abs(flipped - 200)).toBeLessThanOrEqual(3 * Math.sqrt(1000 * 0.2 * 0.8));
  });

  it('with nothing drawn, the sample is the source scaled to [0, 1]; a flip mirrors it exactly', () => {
    const source = testPlane(SIDE, 8);
    const plain = render(NO_AUGMENT, 1, source);
    let worst = 0;
    for (let i = 0; i < source.length; i++) worst = Math.max(worst, Math.abs(plain[i]! - source[i]! / 255));
    expect(worst).toBeLessThan(1e-6);
    const mirrored = render(resolveAugment({ ...NO_AUGMENT, horizontalFlip: 1 }), 1, source);
    worst = 0;
    for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) worst = Math.max(worst, Math.abs(mirrored[y * SIDE + x]! - plain[y * SIDE + SIDE - 1 - x]!));
    expect(worst).toBeLessThan(1e-6);
  });

  it('the same key gives the same sample; another key another one', () => {
    const a = render(DEFAULT_AUGMENT, hashKey(1, 2, 3));
    const b = render(DEFAULT_AUGMENT, hashKey(1, 2, 3));
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    const differ = [4, 5, 6, 7].some((k) => !Buffer.from(render(DEFAULT_AUGMENT, hashKey(1, 2, k)).buffer).equals(Buffer.from(a.buffer)));
    expect(differ).toBe(true);
  });

  it('leaves no NaN and no value outside [0, 1] under any settings (random configurations, many seeds, 8 and 16 bits)', () => {
    const random = new RandomStream(2024);
    for (let trial = 0; trial < 300; trial++) {
      const scaleLow = random.uniform(0.01, 1);
      const ratioLow = random.uniform(0.2, 1);
      const gammaLow = random.uniform(0.2, 3);
      const config = resolveAugment({
        horizontalFlip: random.next(),
        verticalFlip: random.next(),
        rotation: { p: random.next(), degrees: random.uniform(0, 180) },
        randomResizedCrop: { p: random.next(), scale: [scaleLow, random.uniform(scaleLow, 1)], ratio: [ratioLow, random.uniform(1, 5)] },
        brightness: { p: random.next(), range: random.uniform(0, 0.99) },
        contrast: { p: random.next(), range: random.uniform(0, 0.99) },
        gamma: { p: random.next(), range: [gammaLow, gammaLow * random.uniform(1, 3)] },
        gaussianNoise: { p: random.next(), std: random.uniform(0, 1) },
        clahe: { p: random.next(), clipLimit: random.uniform(1, 10), tiles: 1 + random.below(12) },
      });
      const bits = trial % 2 === 0 ? 8 : 16;
      const out = render(config, hashKey(trial), testPlane(SIDE, bits), bits);
      for (const value of out) {
        if (!(value >= 0 && value <= 1)) throw new Error(`trial ${trial}: value ${value} with ${JSON.stringify(config)}`);
      }
    }
    expect(true).toBe(true);
  });

  it('CLAHE spreads a low-contrast image over a wider range', () => {
    const plane = new Float32Array(SIDE * SIDE);
    for (let i = 0; i < plane.length; i++) plane[i] = 0.45 + 0.1 * ((i * 7919) % 97) / 97;
    const spread = (p: Float32Array) => Math.max(...p) - Math.min(...p);
    const before = spread(plane);
    clahe(plane, SIDE, { p: 1, clipLimit: 4, tiles: 4 }, new RandomStream(1));
    expect(spread(plane)).toBeGreaterThan(2 * before);
    expect(plane.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('rejects settings outside their ranges with a clear error', () => {
    expect(() => resolveAugment({ horizontalFlip: 1.5 })).toThrow(/horizontalFlip probability 1.5/);
    expect(() => resolveAugment({ randomResizedCrop: { scale: [0.9, 0.5] } })).toThrow(/scale/);
    expect(() => resolveAugment({ clahe: { tiles: 0 } })).toThrow(/tiles/);
  });
});
