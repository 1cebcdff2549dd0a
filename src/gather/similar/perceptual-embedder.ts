import type { DecodedImage } from '../../imaging/types.js';
import { averageGrid, ringFeatures } from '../../data/phash.js';
import { normalise, type ImageEmbedder } from './embedder.js';

const GRID = 64;
const THUMB = 16;

/** Zero mean and unit length, so grey-level offset and scale drop out. */
function centred(values: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(values);
  let mean = 0;
  for (const v of out) mean += v;
  mean /= out.length;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! - mean;
  return normalise(out);
}

/**
 * A 16x16 thumbnail folded onto its left half (each cell averaged with its mirror cell): the layout of the
 * image, blind to a horizontal flip.
 */
function mirroredThumbnail(grid: Float64Array): Float64Array {
  const step = GRID / THUMB;
  const thumb = new Float64Array(THUMB * THUMB);
  for (let y = 0; y < GRID; y++) for (let x = 0; x < GRID; x++) thumb[Math.floor(y / step) * THUMB + Math.floor(x / step)]! += grid[y * GRID + x]!;
  const half = THUMB / 2;
  const out = new Float64Array(THUMB * half);
  for (let y = 0; y < THUMB; y++) for (let x = 0; x < half; x++) out[y * half + x] = thumb[y * THUMB + x]! + thumb[y * THUMB + THUMB - 1 - x]!;
  return out;
}

/**
 * The embedding used before any model is trained: a mirrored 16x16 thumbnail (layout) next to the
 * perceptual hash's ring features (rotation- and flip-invariant texture by radius, src/data/phash.ts), each
 * standardised and weighted equally. Both parts ignore horizontal flips, so the whole vector does.
 */
export class PerceptualEmbedder implements ImageEmbedder {
  readonly id = 'perceptual-v1';

  async embed(images: readonly DecodedImage[]): Promise<Float32Array[]> {
    return images.map((image) => {
      const grid = averageGrid(image);
      const { means, magnitudes } = ringFeatures(grid);
      const parts = [centred(mirroredThumbnail(grid)), centred(means), centred(magnitudes)];
      const weights = [Math.SQRT1_2, 0.5, 0.5];
      const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      parts.forEach((p, i) => {
        for (const v of p) out[at++] = v * weights[i]!;
      });
      return normalise(out);
    });
  }

  async release(): Promise<void> {}
}
