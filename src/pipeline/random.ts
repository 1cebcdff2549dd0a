/**
 * Seeded randomness for the pipeline: a stream per (seed, epoch, image, repeat) so every augmentation and
 * every epoch order is reproducible and does not depend on which batch an image lands in.
 */

/** Mixes integers into one 32-bit key (MurmurHash3's finaliser over each word). */
export function hashKey(...words: number[]): number {
  let h = 0x9e3779b9;
  for (const word of words) {
    // Split so keys above 2^32 (seeds, ids) still mix all their bits.
    for (const part of [word >>> 0, Math.floor(word / 2 ** 32) >>> 0]) {
      let k = Math.imul(part, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, 0x1b873593);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A small fast generator (mulberry32) with the draws the pipeline needs. */
export class RandomStream {
  private state: number;
  private spareNormal: number | null = null;

  constructor(key: number) {
    this.state = key >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** True with probability p (p <= 0 never, p >= 1 always; one draw either way keeps streams aligned). */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    const u = 1 - this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }
}

/** Fisher-Yates in place. */
export function shuffleInPlace<T>(items: T[], random: RandomStream): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    const swap = items[i]!;
    items[i] = items[j]!;
    items[j] = swap;
  }
  return items;
}
