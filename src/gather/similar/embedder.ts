import type { DecodedImage } from '../../imaging/types.js';

/**
 * Turns radiographs into vectors whose distances say how alike they look. Vectors are unit length and
 * invariant to a horizontal flip (a left hand and a mirrored right hand count as alike, and so do the
 * flipped copies data sets are full of).
 */
export interface ImageEmbedder {
  /** Names the vectors' kind in the store, e.g. `perceptual-v1` or `model:<digest>`: vectors of one id compare. */
  readonly id: string;
  embed(images: readonly DecodedImage[]): Promise<Float32Array[]>;
  release(): Promise<void>;
}

/** Scales a vector to unit length in place (an all-zero vector stays zero). */
export function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! / norm;
  return vector;
}
