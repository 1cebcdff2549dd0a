/**
 * mulberry32: a small, fast, seedable generator of uniform numbers in [0, 1). The state is kept as an int32
 * (`| 0`) so V8 keeps it unboxed; the sequence is the usual mulberry32's.
 */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
