import type { AugmentConfig } from '../types.js';
import type { RandomStream } from '../random.js';

/** With probability p, stretches intensities about the image mean by a factor uniform in 1 ± range, clamped to [0, 1]. */
export function contrast(plane: Float32Array, config: AugmentConfig['contrast'], random: RandomStream): void {
  const apply = random.chance(config.p);
  const factor = 1 + random.uniform(-config.range, config.range);
  if (!apply) return;
  let sum = 0;
  for (let i = 0; i < plane.length; i++) sum += plane[i]!;
  const mean = sum / plane.length;
  for (let i = 0; i < plane.length; i++) plane[i] = Math.min(1, Math.max(0, mean + (plane[i]! - mean) * factor));
}
