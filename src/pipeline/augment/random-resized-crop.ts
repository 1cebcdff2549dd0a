import type { AugmentConfig } from '../types.js';
import type { RandomStream } from '../random.js';
import type { SampleView } from './view.js';

const ATTEMPTS = 10;

/**
 * With probability p, looks at a random crop instead of the whole image, as torchvision's RandomResizedCrop:
 * area a fraction of the image drawn uniformly from `scale`, aspect ratio log-uniform in `ratio`, position
 * uniform; after ten crops that do not fit, the whole image.
 */
export function randomResizedCrop(view: SampleView, config: AugmentConfig['randomResizedCrop'], random: RandomStream): void {
  if (!random.chance(config.p)) return;
  const [logLow, logHigh] = [Math.log(config.ratio[0]), Math.log(config.ratio[1])];
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const area = random.uniform(config.scale[0], config.scale[1]);
    const ratio = Math.exp(random.uniform(logLow, logHigh));
    const width = Math.sqrt(area * ratio);
    const height = Math.sqrt(area / ratio);
    if (width <= 1 && height <= 1) {
      view.width = width;
      view.height = height;
      view.centreX = width / 2 + random.next() * (1 - width);
      view.centreY = height / 2 + random.next() * (1 - height);
      return;
    }
  }
}
