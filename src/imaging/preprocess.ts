import { OsteonError } from '../errors.js';
import { resizeGrey } from './resize.js';
import type { DecodedImage, PreprocessSpec } from './types.js';

/** Rejects specs that would silently produce garbage (a zero std, means for the wrong channel count). */
export function validatePreprocessSpec(spec: PreprocessSpec): void {
  const problems: string[] = [];
  if (!Number.isInteger(spec.size) || spec.size < 1 || spec.size > 4096) problems.push(`size ${spec.size} is not an integer in 1..4096`);
  if (spec.channels !== 1 && spec.channels !== 3) problems.push(`channels ${String(spec.channels)} is neither 1 nor 3`);
  if (spec.mean.length !== spec.channels) problems.push(`mean has ${spec.mean.length} values for ${spec.channels} channels`);
  if (spec.std.length !== spec.channels) problems.push(`std has ${spec.std.length} values for ${spec.channels} channels`);
  if (spec.std.some((s) => !(s > 0))) problems.push('every std must be positive');
  if (!['letterbox', 'stretch', 'center-crop'].includes(spec.resize)) problems.push(`resize '${spec.resize}' is unknown`);
  if (problems.length > 0) {
    throw new OsteonError('INVALID_PREPROCESS_SPEC', `Invalid preprocessing settings: ${problems.join('; ')}.`, { spec });
  }
}

/**
 * THE preprocessing of Osteon, shared by training, evaluation and serving: resize the grey radiograph to
 * spec.size (letterbox by default), scale to [0, 1], repeat grey into spec.channels, then subtract mean and
 * divide by std per channel.
 *
 * Returns a Float32Array of shape [size, size, channels], row-major, channels last (HWC).
 */
export async function preprocess(image: DecodedImage, spec: PreprocessSpec): Promise<Float32Array> {
  validatePreprocessSpec(spec);
  const { size, channels } = spec;
  const grey = await resizeGrey(image, size, size, spec.resize);
  const scale = 1 / (image.bitsStored === 16 ? 65535 : 255);
  const out = new Float32Array(size * size * channels);
  for (let c = 0; c < channels; c++) {
    const inverseStd = 1 / spec.std[c]!;
    const offset = spec.mean[c]!;
    for (let i = 0; i < grey.length; i++) out[i * channels + c] = (grey[i]! * scale - offset) * inverseStd;
  }
  return out;
}

/** ImageNet statistics, for models initialised from ImageNet weights (grey repeated to 3 channels). */
export const IMAGENET_NORMALISATION = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;
