import type { AugmentConfig } from '../types.js';
import type { RandomStream } from '../random.js';

/** With probability p, multiplies every intensity (in [0, 1]) by a factor uniform in 1 ± range, clamped to 1. */
export function brightness(plane: Float32Array, config: AugmentConfig['brightness'], random: RandomStream): void {
  const apply = random.chance(config.p);
  const factor = 1 + random.uniform(-config.range, config.range);
  if (!apply) return;
  for (let i = 0; i < plane.length; i++) plane[i] = Math.min(1, plane[i]! * factor);
}
