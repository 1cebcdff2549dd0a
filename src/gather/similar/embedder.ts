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

/** Euclidean distance between unit vectors: sqrt(2 - 2 cos), 0 for the same direction, 2 from a zero vector. */
export function unitDistance(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`vectors of ${a.length} and ${b.length} values do not compare`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  if (na === 0 || nb === 0) return 2;
  return Math.sqrt(Math.max(0, 2 - (2 * dot) / Math.sqrt(na * nb)));
}
