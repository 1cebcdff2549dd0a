import type { DecodedImage } from '../../imaging/types.js';
import { averageGrid, ringFeatures } from '../../data/phash.js';
import { normalise, type ImageEmbedder } from './embedder.js';
import { flipHorizontal } from './flip.js';

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

/** The 64x64 average grid summed down to 16x16: the image's layout. */
function thumbnail(grid: Float64Array): Float64Array {
  const step = GRID / THUMB;
  const thumb = new Float64Array(THUMB * THUMB);
  for (let y = 0; y < GRID; y++) for (let x = 0; x < GRID; x++) thumb[Math.floor(y / step) * THUMB + Math.floor(x / step)]! += grid[y * GRID + x]!;
  return thumb;
}

/** Layout and ring features of one image, each part standardised, weighted so neither dominates. */
function descriptor(image: DecodedImage): Float32Array {
  const grid = averageGrid(image);
  const { means, magnitudes } = ringFeatures(grid);
  const parts: Array<[Float32Array, number]> = [
    [centred(thumbnail(grid)), Math.SQRT1_2],
    [centred(means), 0.5],
    [centred(magnitudes), 0.5],
  ];
  const out = new Float32Array(parts.reduce((n, [p]) => n + p.length, 0));
  let at = 0;
  for (const [part, weight] of parts) for (const v of part) out[at++] = v * weight;
  return out;
}

/**
 * The embedding used before any model is trained: a 16x16 thumbnail (layout) next to the perceptual hash's
 * ring features (texture by radius, src/data/phash.ts), each standardised. The descriptors of the image and
 * of its mirror image are summed, so an image and its flipped copy embed identically whatever their size
 * (a mirrored grid alone is not enough: the grid's cells fall differently on a flipped image of odd width).
 */
export class PerceptualEmbedder implements ImageEmbedder {
  readonly id = 'perceptual-v1';

  async embed(images: readonly DecodedImage[]): Promise<Float32Array[]> {
    return images.map((image) => {
      const a = descriptor(image);
      const b = descriptor(flipHorizontal(image));
      return normalise(a.map((v, i) => v + b[i]!));
    });
  }

  async release(): Promise<void> {}
}
