import type { AugmentConfig } from '../types.js';
import type { RandomStream } from '../random.js';

/** With probability p, adds independent normal noise of standard deviation `std` to every pixel, clamped to [0, 1]. */
export function gaussianNoise(plane: Float32Array, config: AugmentConfig['gaussianNoise'], random: RandomStream): void {
  if (!random.chance(config.p) || config.std === 0) return;
  for (let i = 0; i < plane.length; i++) plane[i] = Math.min(1, Math.max(0, plane[i]! + config.std * random.normal()));
}
