import type { AugmentConfig } from '../types.js';
import type { RandomStream } from '../random.js';

const LUT_SIZE = 4096;

/**
 * With probability p, raises intensities (in [0, 1]) to a power log-uniform in `range` (below 1 brightens
 * the mid-tones, above 1 darkens them). A 4096-entry table with linear interpolation stands in for pow().
 */
export function gamma(plane: Float32Array, config: AugmentConfig['gamma'], random: RandomStream): void {
  const apply = random.chance(config.p);
  const exponent = Math.exp(random.uniform(Math.log(config.range[0]), Math.log(config.range[1])));
  if (!apply) return;
  const table = new Float32Array(LUT_SIZE + 1);
  for (let i = 0; i <= LUT_SIZE; i++) table[i] = Math.pow(i / LUT_SIZE, exponent);
  for (let i = 0; i < plane.length; i++) {
    const position = Math.min(1, Math.max(0, plane[i]!)) * LUT_SIZE;
    const k = Math.min(LUT_SIZE - 1, Math.floor(position));
    plane[i] = table[k]! + (table[k + 1]! - table[k]!) * (position - k);
  }
}
