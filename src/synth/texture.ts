import { Random } from './random.js';
import { gaussianBlur } from './blur.js';

const TILE = 64;

/**
 * Trabecular grain: a small tile of blurred noise, wrapped, sampled in each bone's own coordinates so the
 * grain follows the bone (and its fragments when it breaks). Mean 1.
 */
export class TrabecularTexture {
  private readonly tile: Float32Array;

  constructor(random: Random, contrast: number) {
    const raw = new Float32Array(TILE * TILE);
    for (let i = 0; i < raw.length; i++) raw[i] = random.normal();
    const smooth = gaussianBlur(raw, TILE, TILE, 1.1, 'wrap');
    let sumSq = 0;
    for (const v of smooth) sumSq += v * v;
    const norm = contrast / Math.sqrt(sumSq / smooth.length);
    for (let i = 0; i < smooth.length; i++) smooth[i] = Math.max(0.05, 1 + smooth[i]! * norm);
    this.tile = smooth;
  }

  /** Bilinear sample at tile coordinates (any real numbers; the tile wraps). */
  sample(x: number, y: number): number {
    const fx = Math.floor(x);
    const fy = Math.floor(y);
    const tx = x - fx;
    const ty = y - fy;
    const x0 = fx & (TILE - 1);
    const y0 = fy & (TILE - 1);
    const x1 = (x0 + 1) & (TILE - 1);
    const y1 = (y0 + 1) & (TILE - 1);
    const t = this.tile;
    const top = t[y0 * TILE + x0]! * (1 - tx) + t[y0 * TILE + x1]! * tx;
    const bottom = t[y1 * TILE + x0]! * (1 - tx) + t[y1 * TILE + x1]! * tx;
    return top * (1 - ty) + bottom * ty;
  }
}
