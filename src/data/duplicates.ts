import { HASH_LENGTH, distanceForCorrelation, hashVector } from './phash.js';
import { UnionFind } from './union-find.js';
import { VpTree } from './vp-tree.js';

/**
 * Hash correlation at or above which two images count as near-duplicates. Tuned on bone-xray-dev, whose
 * rotated/flipped/re-encoded families it recovers with pair recall 1.0 (see duplicates.dev.test.ts).
 */
export const DEFAULT_MIN_CORRELATION = 0.975;

export interface HashedImage {
  id: number;
  phash: string;
}

/**
 * Groups near-duplicate images: links every pair whose hashes are within the threshold and takes the
 * connected components (union-find), so a family of gradually rotated copies ends up in one group.
 * Returns the groups with two or more members, each as ascending image ids, ordered by their first id.
 */
export function findDuplicateGroups(images: HashedImage[], minCorrelation = DEFAULT_MIN_CORRELATION): number[][] {
  const vectors = images.map((image) => hashVector(image.phash));
  // A featureless (blank) image has no direction: it is nobody's near-duplicate.
  const indexed = images.map((_, i) => i).filter((i) => vectors[i]!.some((v) => v !== 0));
  const packed = new Float32Array(indexed.length * HASH_LENGTH);
  indexed.forEach((i, k) => packed.set(vectors[i]!, k * HASH_LENGTH));
  const tree = new VpTree(indexed.length, (a, b) => packedDistance(packed, a, b));
  const radius = distanceForCorrelation(minCorrelation);
  const sets = new UnionFind(indexed.length);
  for (let i = 0; i < indexed.length; i++) for (const j of tree.within(i, radius)) sets.union(i, j);
  return sets
    .groups(2)
    .map((members) => members.map((m) => images[indexed[m]!]!.id).sort((a, b) => a - b))
    .sort((a, b) => a[0]! - b[0]!);
}

/** Distance between two unit vectors stored side by side: sqrt(2 - 2 * dot). */
function packedDistance(packed: Float32Array, a: number, b: number): number {
  const oa = a * HASH_LENGTH;
  const ob = b * HASH_LENGTH;
  let dot = 0;
  for (let i = 0; i < HASH_LENGTH; i++) dot += packed[oa + i]! * packed[ob + i]!;
  return Math.sqrt(Math.max(0, 2 - 2 * dot));
}
