import { OsteonError } from '../../errors.js';
import type { AugmentConfig } from '../types.js';

/**
 * Mild defaults for radiographs: a left and a right limb are both plausible (horizontal flip), upside-down
 * films are not (vertical flip off); small rotations and zooms, small exposure changes, rare noise; CLAHE off.
 */
export const DEFAULT_AUGMENT: Readonly<AugmentConfig> = Object.freeze({
  horizontalFlip: 0.5,
  verticalFlip: 0,
  rotation: { p: 0.5, degrees: 10 },
  randomResizedCrop: { p: 0.5, scale: [0.7, 1] as [number, number], ratio: [3 / 4, 4 / 3] as [number, number] },
  brightness: { p: 0.5, range: 0.1 },
  contrast: { p: 0.5, range: 0.1 },
  gamma: { p: 0.3, range: [0.8, 1.25] as [number, number] },
  gaussianNoise: { p: 0.2, std: 0.02 },
  clahe: { p: 0, clipLimit: 2, tiles: 8 },
});

/** No augmentation at all: every probability 0 (the training view is then the plain resized image). */
export const NO_AUGMENT: Readonly<AugmentConfig> = Object.freeze({
  ...DEFAULT_AUGMENT,
  horizontalFlip: 0,
  verticalFlip: 0,
  rotation: { ...DEFAULT_AUGMENT.rotation, p: 0 },
  randomResizedCrop: { ...DEFAULT_AUGMENT.randomResizedCrop, p: 0 },
  brightness: { ...DEFAULT_AUGMENT.brightness, p: 0 },
  contrast: { ...DEFAULT_AUGMENT.contrast, p: 0 },
  gamma: { ...DEFAULT_AUGMENT.gamma, p: 0 },
  gaussianNoise: { ...DEFAULT_AUGMENT.gaussianNoise, p: 0 },
  clahe: { ...DEFAULT_AUGMENT.clahe, p: 0 },
});

type Overrides = { [K in keyof AugmentConfig]?: AugmentConfig[K] extends number ? number : Partial<AugmentConfig[K]> };

/** Defaults overlaid with the given settings (nested settings may be partial), checked. */
export function resolveAugment(overrides: Overrides = {}): AugmentConfig {
  const d = DEFAULT_AUGMENT;
  const config: AugmentConfig = {
    horizontalFlip: overrides.horizontalFlip ?? d.horizontalFlip,
    verticalFlip: overrides.verticalFlip ?? d.verticalFlip,
    rotation: { ...d.rotation, ...overrides.rotation },
    randomResizedCrop: { ...d.randomResizedCrop, ...overrides.randomResizedCrop },
    brightness: { ...d.brightness, ...overrides.brightness },
    contrast: { ...d.contrast, ...overrides.contrast },
    gamma: { ...d.gamma, ...overrides.gamma },
    gaussianNoise: { ...d.gaussianNoise, ...overrides.gaussianNoise },
    clahe: { ...d.clahe, ...overrides.clahe },
  };
  validateAugment(config);
  return config;
}

export function validateAugment(c: AugmentConfig): void {
  const problems: string[] = [];
  const probability = (name: string, p: number) => {
    if (!(p >= 0 && p <= 1)) problems.push(`${name} probability ${p} is not in [0, 1]`);
  };
  const interval = (name: string, [low, high]: [number, number], min: number, max: number) => {
    if (!(low > min && low <= high && high <= max)) problems.push(`${name} [${low}, ${high}] is not an interval within (${min}, ${max}]`);
  };
  probability('horizontalFlip', c.horizontalFlip);
  probability('verticalFlip', c.verticalFlip);
  for (const key of ['rotation', 'randomResizedCrop', 'brightness', 'contrast', 'gamma', 'gaussianNoise', 'clahe'] as const) {
    probability(key, c[key].p);
  }
  if (!(c.rotation.degrees >= 0 && c.rotation.degrees <= 180)) problems.push(`rotation degrees ${c.rotation.degrees} is not in [0, 180]`);
  interval('randomResizedCrop scale', c.randomResizedCrop.scale, 0, 1);
  interval('randomResizedCrop ratio', c.randomResizedCrop.ratio, 0, 100);
  if (!(c.brightness.range >= 0 && c.brightness.range < 1)) problems.push(`brightness range ${c.brightness.range} is not in [0, 1)`);
  if (!(c.contrast.range >= 0 && c.contrast.range < 1)) problems.push(`contrast range ${c.contrast.range} is not in [0, 1)`);
  interval('gamma range', c.gamma.range, 0, 10);
  if (!(c.gaussianNoise.std >= 0 && c.gaussianNoise.std <= 1)) problems.push(`gaussianNoise std ${c.gaussianNoise.std} is not in [0, 1]`);
  if (!(c.clahe.clipLimit >= 1)) problems.push(`clahe clipLimit ${c.clahe.clipLimit} is below 1`);
  if (!(Number.isInteger(c.clahe.tiles) && c.clahe.tiles >= 1 && c.clahe.tiles <= 64)) problems.push(`clahe tiles ${c.clahe.tiles} is not a whole number in 1..64`);
  if (problems.length > 0) {
    throw new OsteonError('INVALID_AUGMENT', `Invalid augmentation settings: ${problems.join('; ')}.`, { config: c });
  }
}
