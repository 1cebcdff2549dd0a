import type { PreprocessSpec } from '../imaging/types.js';
import { augmentPlane } from './augment/index.js';
import type { TensorCacheReader } from './cache/reader.js';
import type { AugmentConfig } from './types.js';

/** One image of a batch: which cached image, and the augmentation key (null: the evaluation view). */
export interface SampleRequest {
  imageId: number;
  key: number | null;
}

/**
 * Renders a batch into one NHWC Float32Array (n x size x size x channels), normalised by spec.mean/std with
 * grey repeated into every channel. Evaluation samples follow `preprocess` step for step on the cached plane
 * that `resizeGrey` produced, so they equal what serving computes for the same file.
 */
export function renderBatch(
  cache: TensorCacheReader,
  requests: readonly SampleRequest[],
  spec: PreprocessSpec,
  augment: AugmentConfig,
): Float32Array {
  const size = spec.size;
  const pixels = size * size;
  const out = new Float32Array(requests.length * pixels * spec.channels);
  const plane = new Float32Array(pixels);
  requests.forEach((request, n) => {
    const entry = cache.entry(request.imageId);
    if (!entry) throw new Error(`image ${request.imageId} is not in the tensor cache ${cache.file}`);
    const offset = n * pixels * spec.channels;
    if (request.key === null) {
      const evaluation = cache.plane(entry, 'evaluation');
      writeEvaluation(evaluation.pixels, evaluation.bits, spec, out, offset);
    } else {
      const training = cache.plane(entry, 'training');
      augmentPlane(training.pixels, training.side, training.bits, augment, request.key, plane, size);
      writeNormalised(plane, spec, out, offset);
    }
  });
  return out;
}

/** Exactly `preprocess`'s arithmetic, on the plane resizeGrey made. */
export function writeEvaluation(grey: Uint8Array | Uint16Array, bits: 8 | 16, spec: PreprocessSpec, out: Float32Array, offset: number): void {
  const channels = spec.channels;
  const scale = 1 / (bits === 16 ? 65535 : 255);
  for (let c = 0; c < channels; c++) {
    const inverseStd = 1 / spec.std[c]!;
    const mean = spec.mean[c]!;
    for (let i = 0; i < grey.length; i++) out[offset + i * channels + c] = (grey[i]! * scale - mean) * inverseStd;
  }
}

/** Intensities in [0, 1] to normalised channels-last values. */
export function writeNormalised(plane: Float32Array, spec: PreprocessSpec, out: Float32Array, offset: number): void {
  const channels = spec.channels;
  for (let c = 0; c < channels; c++) {
    const inverseStd = 1 / spec.std[c]!;
    const mean = spec.mean[c]!;
    for (let i = 0; i < plane.length; i++) out[offset + i * channels + c] = (plane[i]! - mean) * inverseStd;
  }
}
