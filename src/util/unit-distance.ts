/**
 * Euclidean distance between two vectors scaled to unit length: sqrt(2 - 2 cos), 0 for the same direction,
 * 2 for opposite ones and from an all-zero vector. Perceptual hashes and image embeddings both compare this way.
 */
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
