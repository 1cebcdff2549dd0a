/**
 * Seeded randomness for the generator. Every image draws from streams keyed by (seed, index, stream), so an
 * image never depends on how many others are generated or in which order.
 */

/** Mixes integers into one well-distributed 32-bit seed (murmur3's finaliser over each part). */
export function hashSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    // Parts above 2^32 (large seeds) still count.
    const high = Math.floor(part / 0x1_0000_0000) >>> 0;
    if (high !== 0) h = Math.imul(h ^ high, 0x27d4eb2f);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, and good enough for procedural images. */
export class Random {
  private state: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Integer in [low, high] inclusive. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  sign(): number {
    return this.next() < 0.5 ? -1 : 1;
  }

  /** Approximately standard normal, from a fixed table: cheap enough for one draw per pixel. */
  fastNormal(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return NORMAL_TABLE[((t ^ (t >>> 14)) >>> 0) >>> 16]!;
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + std * z;
    }
    const u = 1 - this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * this.next();
    this.spareNormal = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: Record<K, number>): K {
    const entries = Object.entries(weights) as Array<[K, number]>;
    const total = entries.reduce((sum, [, w]) => sum + Math.max(0, w), 0);
    let r = this.next() * total;
    for (const [key, w] of entries) {
      r -= Math.max(0, w);
      if (r < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }
}

/** The independent streams one image draws from; a new stream never shifts the draws of the others. */
export const Stream = {
  anatomy: 1,
  fracture: 2,
  exposure: 3,
  noise: 4,
  texture: 5,
  marker: 6,
  label: 7,
  split: 8,
} as const;

export function imageRandom(seed: number, index: number, stream: number): Random {
  return new Random(hashSeed(seed, index, stream));
}

/** 65,536 normal quantiles, shuffled by a fixed seed: identical on every run and machine. */
const NORMAL_TABLE: Float32Array = (() => {
  const table = new Float32Array(65536);
  const random = new Random(0x5eed);
  for (let i = 0; i < table.length; i++) table[i] = random.normal();
  return table;
})();
