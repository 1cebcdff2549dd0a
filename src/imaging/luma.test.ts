import { describe, expect, it } from 'vitest';
import { luma } from './luma.js';

/** The definition, one pixel at a time. */
function lumaOf(samples: ArrayLike<number>, channels: number): number[] {
  const out: number[] = [];
  for (let at = 0; at + channels <= samples.length; at += channels) {
    out.push(Math.round(0.299 * samples[at]! + 0.587 * samples[at + 1]! + 0.114 * samples[at + 2]!));
  }
  return out;
}

/** Deterministic pseudo-random samples (a linear congruential generator). */
function samples(length: number, max: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % (max + 1);
  });
}

describe('luma', () => {
  it('gives BT.601 luma rounded to the nearest level for 8-bit RGB and RGBA', () => {
    for (const channels of [3, 4]) {
      const rgb = Uint8Array.from(samples(3000 * channels, 255, channels));
      const grey = luma(rgb, channels);
      expect(grey).toBeInstanceOf(Uint8Array);
      expect(Array.from(grey)).toEqual(lumaOf(rgb, channels));
    }
  });

  it('keeps 16-bit samples 16-bit', () => {
    const rgb = Uint16Array.from(samples(3000 * 3, 65535, 7));
    const grey = luma(rgb, 3);
    expect(grey).toBeInstanceOf(Uint16Array);
    expect(Array.from(grey)).toEqual(lumaOf(rgb, 3));
  });

  it('maps grey pixels to their level, as the weighted sum rounds them, at every 8- and 16-bit level', () => {
    const levels = Array.from({ length: 65536 }, (_, v) => v);
    expect(lumaOf(levels.flatMap((v) => [v, v, v]), 3)).toEqual(levels);
    expect(Array.from(luma(Uint16Array.from(levels.flatMap((v) => [v, v, v])), 3))).toEqual(levels);
    expect(Array.from(luma(Uint8Array.from(levels.slice(0, 256).flatMap((v) => [v, v, v, 255])), 4))).toEqual(levels.slice(0, 256));
  });

  it('mixes grey and colour pixels in one image', () => {
    const rgb = Uint8Array.from(samples(3000, 255, 11).flatMap((v, i) => (i % 2 === 0 ? [v, v, v] : [v, 255 - v, (v * 3) % 256])));
    expect(Array.from(luma(rgb, 3))).toEqual(lumaOf(rgb, 3));
  });
});
