import type { AugmentConfig } from '../types.js';
import type { RandomStream } from '../random.js';
import type { SampleView } from './view.js';

/** With probability p, rotates the view about its centre by an angle uniform in ±degrees; corners fill black. */
export function rotation(view: SampleView, config: AugmentConfig['rotation'], random: RandomStream): void {
  const apply = random.chance(config.p);
  const degrees = random.uniform(-config.degrees, config.degrees);
  if (apply) view.angle += (degrees * Math.PI) / 180;
}
