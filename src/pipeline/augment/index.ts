import { hashKey, RandomStream } from '../random.js';
import type { AugmentConfig } from '../types.js';
import { brightness } from './brightness.js';
import { clahe } from './clahe.js';
import { contrast } from './contrast.js';
import { gamma } from './gamma.js';
import { gaussianNoise } from './gaussian-noise.js';
import { horizontalFlip } from './horizontal-flip.js';
import { randomResizedCrop } from './random-resized-crop.js';
import { resampleBilinear } from './resample.js';
import { rotation } from './rotation.js';
import { verticalFlip } from './vertical-flip.js';
import { fullView, viewToAffine, type SampleView } from './view.js';

export { DEFAULT_AUGMENT, NO_AUGMENT, resolveAugment, validateAugment } from './config.js';
export { fullView, viewToAffine, type Affine, type SampleView } from './view.js';
export { resampleBilinear } from './resample.js';
export { brightness, clahe, contrast, gamma, gaussianNoise, horizontalFlip, randomResizedCrop, rotation, verticalFlip };

/** What augmentation drew for one sample (for previews and tests). */
export interface AugmentDraw {
  view: SampleView;
}

/** Each augmentation draws from its own stream, so changing one setting leaves the others' draws alone. */
const enum Stream {
  HorizontalFlip = 1,
  VerticalFlip,
  Rotation,
  Crop,
  Clahe,
  Brightness,
  Contrast,
  Gamma,
  Noise,
}

/** The geometric part: where in the source the sample looks. */
export function drawView(config: AugmentConfig, key: number): SampleView {
  const view = fullView();
  randomResizedCrop(view, config.randomResizedCrop, new RandomStream(hashKey(key, Stream.Crop)));
  rotation(view, config.rotation, new RandomStream(hashKey(key, Stream.Rotation)));
  horizontalFlip(view, config.horizontalFlip, new RandomStream(hashKey(key, Stream.HorizontalFlip)));
  verticalFlip(view, config.verticalFlip, new RandomStream(hashKey(key, Stream.VerticalFlip)));
  return view;
}

/**
 * One augmented training sample: the cached grey plane (square, `sourceSide`, 8 or 16 bits) resampled once
 * through crop, rotation and flips into `out` (outSide x outSide, values in [0, 1]), then CLAHE, brightness,
 * contrast, gamma and noise. `key` (from seed, epoch and image) fixes every random draw.
 */
export function augmentPlane(
  source: Uint8Array | Uint16Array,
  sourceSide: number,
  bits: 8 | 16,
  config: AugmentConfig,
  key: number,
  out: Float32Array,
  outSide: number,
): AugmentDraw {
  const view = drawView(config, key);
  resampleBilinear(source, sourceSide, 1 / (bits === 16 ? 65535 : 255), viewToAffine(view, sourceSide, outSide), out, outSide);
  clahe(out, outSide, config.clahe, new RandomStream(hashKey(key, Stream.Clahe)));
  brightness(out, config.brightness, new RandomStream(hashKey(key, Stream.Brightness)));
  contrast(out, config.contrast, new RandomStream(hashKey(key, Stream.Contrast)));
  gamma(out, config.gamma, new RandomStream(hashKey(key, Stream.Gamma)));
  gaussianNoise(out, config.gaussianNoise, new RandomStream(hashKey(key, Stream.Noise)));
  return { view };
}
