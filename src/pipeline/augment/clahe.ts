import type { AugmentConfig } from '../types.js';
import type { RandomStream } from '../random.js';

const BINS = 256;

/**
 * With probability p, contrast-limited adaptive histogram equalisation of a square plane in [0, 1]: a
 * `tiles` x `tiles` grid of histograms, each clipped at `clipLimit` times the mean bin count (the excess
 * spread evenly), mapped through its cumulative distribution and blended bilinearly between tile centres.
 */
export function clahe(plane: Float32Array, side: number, config: AugmentConfig['clahe'], random: RandomStream): void {
  if (!random.chance(config.p)) return;
  const tiles = Math.min(config.tiles, side);
  const tileSide = side / tiles;
  const bins = new Uint16Array(plane.length);
  for (let i = 0; i < plane.length; i++) bins[i] = Math.min(BINS - 1, Math.max(0, Math.floor(plane[i]! * BINS)));

  const maps = new Float32Array(tiles * tiles * BINS);
  const histogram = new Float64Array(BINS);
  for (let ty = 0; ty < tiles; ty++) {
    for (let tx = 0; tx < tiles; tx++) {
      histogram.fill(0);
      const x0 = Math.floor(tx * tileSide);
      const x1 = Math.floor((tx + 1) * tileSide);
      const y0 = Math.floor(ty * tileSide);
      const y1 = Math.floor((ty + 1) * tileSide);
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) histogram[bins[y * side + x]!]!++;
      const count = (x1 - x0) * (y1 - y0);
      const limit = Math.max(1, (config.clipLimit * count) / BINS);
      let excess = 0;
      for (let b = 0; b < BINS; b++) {
        if (histogram[b]! > limit) {
          excess += histogram[b]! - limit;
          histogram[b] = limit;
        }
      }
      const share = excess / BINS;
      const map = maps.subarray((ty * tiles + tx) * BINS, (ty * tiles + tx + 1) * BINS);
      let cumulative = 0;
      for (let b = 0; b < BINS; b++) {
        cumulative += histogram[b]! + share;
        map[b] = Math.min(1, cumulative / count);
      }
    }
  }

  for (let y = 0; y < side; y++) {
    // position between tile centres, clamped at the borders
    const gy = Math.min(tiles - 1, Math.max(0, (y + 0.5) / tileSide - 0.5));
    const ty0 = Math.min(tiles - 2, Math.floor(gy));
    const wy = tiles === 1 ? 0 : gy - Math.max(0, ty0);
    for (let x = 0; x < side; x++) {
      const gx = Math.min(tiles - 1, Math.max(0, (x + 0.5) / tileSide - 0.5));
      const tx0 = Math.min(tiles - 2, Math.floor(gx));
      const wx = tiles === 1 ? 0 : gx - Math.max(0, tx0);
      const b = bins[y * side + x]!;
      if (tiles === 1) {
        plane[y * side + x] = maps[b]!;
        continue;
      }
      const m = (tyi: number, txi: number) => maps[(tyi * tiles + txi) * BINS + b]!;
      const top = m(ty0, tx0) + (m(ty0, tx0 + 1) - m(ty0, tx0)) * wx;
      const bottom = m(ty0 + 1, tx0) + (m(ty0 + 1, tx0 + 1) - m(ty0 + 1, tx0)) * wx;
      plane[y * side + x] = top + (bottom - top) * wy;
    }
  }
}
