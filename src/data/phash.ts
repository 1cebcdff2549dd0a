/**
 * A perceptual hash of a radiograph that survives re-encoding, resizing, brightness/contrast changes,
 * horizontal and vertical flips, 90-degree rotations and also small arbitrary rotations about the centre
 * (the augmented copies that public fracture data sets are full of).
 *
 * The image is averaged down to a 64x64 grid (aspect ignored, so a 90-degree rotation of any image is a
 * rotation of its grid) and sampled on RINGS circles about the centre. Per circle it keeps the mean and the
 * magnitudes of the first HARMONICS angular Fourier terms: a rotation about the centre only shifts each
 * circle's profile and a flip only reverses it, and neither changes those numbers. Means and magnitudes are
 * each standardised (zero mean, unit variance) so grey-level scale and offset drop out, then quantised to
 * signed bytes. The hash is those bytes in hex (2 * HASH_LENGTH digits).
 *
 * Two images are near-duplicates when the correlation of their hashes is high; `hashDistance` turns that
 * into a metric (Euclidean distance between the unit-length vectors, sqrt(2 - 2 * correlation)), so
 * metric-space indexes (src/data/vp-tree.ts) find neighbours without comparing every pair.
 */
import { unitDistance } from '../util/unit-distance.js';

const GRID = 64;
const RINGS = 16;
const ANGLES = 64;
const HARMONICS = 4;
const QUANT_SCALE = 24;

/** Number of signed bytes in a hash. */
export const HASH_LENGTH = RINGS + RINGS * HARMONICS;

/** Grey pixels, row-major, any bit depth. */
export interface GreyImage {
  width: number;
  height: number;
  pixels: ArrayLike<number>;
}

/** Averages the image into a GRID x GRID grid: each cell is the mean of the source pixels that fall in it. */
export function averageGrid(image: GreyImage): Float64Array {
  const { width, height, pixels } = image;
  if (width <= 0 || height <= 0 || pixels.length < width * height) {
    throw new Error(`averageGrid: expected ${width}x${height} pixels, got ${pixels.length}`);
  }
  const columns = cellStarts(width);
  const rows = cellStarts(height);
  // Integer pixels sum exactly in a double (below 2^53) in any order, so summing runs of a row gives the
  // very values a pixel-by-pixel sum gives; other arrays keep the one-by-one order.
  const sums =
    pixels instanceof Uint8Array ? sumCells8(pixels, width, height, columns) :
    pixels instanceof Uint16Array ? sumCells16(pixels, width, height, columns) :
    sumCellsInOrder(pixels, width, height, columns);
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      const cell = y * GRID + x;
      const count = (columns[x + 1]! - columns[x]!) * (rows[y + 1]! - rows[y]!);
      if (count > 0) sums[cell] = sums[cell]! / count;
      else {
        // Images smaller than the grid leave cells empty: take the pixel the cell's corner falls on.
        const sy = Math.min(height - 1, Math.floor((y * height) / GRID));
        const sx = Math.min(width - 1, Math.floor((x * width) / GRID));
        sums[cell] = pixels[sy * width + sx]!;
      }
    }
  }
  return sums;
}

/** `starts[c]` is the first of `size` positions that falls in cell c or later (`floor(i * GRID / size)`). */
function cellStarts(size: number): Int32Array {
  const starts = new Int32Array(GRID + 1).fill(size);
  for (let i = size - 1; i >= 0; i--) starts[Math.floor((i * GRID) / size)] = i;
  for (let c = GRID - 1; c >= 0; c--) starts[c] = Math.min(starts[c]!, starts[c + 1]!);
  return starts;
}

/** Per-cell sums of 8-bit pixels, each row's run per cell summed first (kept monomorphic for speed). */
function sumCells8(pixels: Uint8Array, width: number, height: number, columns: Int32Array): Float64Array {
  const sums = new Float64Array(GRID * GRID);
  for (let y = 0; y < height; y++) {
    const base = Math.floor((y * GRID) / height) * GRID;
    const offset = y * width;
    for (let c = 0; c < GRID; c++) {
      let sum = 0;
      for (let x = offset + columns[c]!, end = offset + columns[c + 1]!; x < end; x++) sum += pixels[x]!;
      sums[base + c]! += sum;
    }
  }
  return sums;
}

/** `sumCells8` for 16-bit pixels. */
function sumCells16(pixels: Uint16Array, width: number, height: number, columns: Int32Array): Float64Array {
  const sums = new Float64Array(GRID * GRID);
  for (let y = 0; y < height; y++) {
    const base = Math.floor((y * GRID) / height) * GRID;
    const offset = y * width;
    for (let c = 0; c < GRID; c++) {
      let sum = 0;
      for (let x = offset + columns[c]!, end = offset + columns[c + 1]!; x < end; x++) sum += pixels[x]!;
      sums[base + c]! += sum;
    }
  }
  return sums;
}

/** Per-cell sums adding pixels one by one in raster order (any numbers, e.g. fractional ones). */
function sumCellsInOrder(pixels: ArrayLike<number>, width: number, height: number, columns: Int32Array): Float64Array {
  const sums = new Float64Array(GRID * GRID);
  const column = new Int32Array(width);
  for (let c = 0; c < GRID; c++) for (let x = columns[c]!; x < columns[c + 1]!; x++) column[x] = c;
  for (let y = 0; y < height; y++) {
    const base = Math.floor((y * GRID) / height) * GRID;
    const offset = y * width;
    for (let x = 0; x < width; x++) sums[base + column[x]!]! += pixels[offset + x]!;
  }
  return sums;
}

/** Bilinear sampling positions on each circle: four cell indices and four weights per sample. */
const SAMPLES = (() => {
  const cells = new Int32Array(RINGS * ANGLES * 4);
  const weights = new Float64Array(RINGS * ANGLES * 4);
  const centre = (GRID - 1) / 2;
  const clamp = (v: number) => Math.min(GRID - 1, Math.max(0, v));
  for (let r = 0; r < RINGS; r++) {
    const radius = 1 + (r * (GRID / 2 - 2)) / (RINGS - 1);
    for (let a = 0; a < ANGLES; a++) {
      const theta = (2 * Math.PI * a) / ANGLES;
      const x = centre + radius * Math.cos(theta);
      const y = centre + radius * Math.sin(theta);
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const i = (r * ANGLES + a) * 4;
      cells.set([clamp(y0) * GRID + clamp(x0), clamp(y0) * GRID + clamp(x0 + 1), clamp(y0 + 1) * GRID + clamp(x0), clamp(y0 + 1) * GRID + clamp(x0 + 1)], i);
      weights.set([(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy], i);
    }
  }
  return { cells, weights };
})();

const COS = Float64Array.from({ length: HARMONICS * ANGLES }, (_, i) => Math.cos((2 * Math.PI * (1 + Math.floor(i / ANGLES)) * (i % ANGLES)) / ANGLES));
const SIN = Float64Array.from({ length: HARMONICS * ANGLES }, (_, i) => Math.sin((2 * Math.PI * (1 + Math.floor(i / ANGLES)) * (i % ANGLES)) / ANGLES));

/** The rotation- and flip-invariant features of a grid, before standardisation: RINGS means then magnitudes. */
export function ringFeatures(grid: Float64Array): { means: Float64Array; magnitudes: Float64Array } {
  const means = new Float64Array(RINGS);
  const magnitudes = new Float64Array(RINGS * HARMONICS);
  const profile = new Float64Array(ANGLES);
  for (let r = 0; r < RINGS; r++) {
    let sum = 0;
    for (let a = 0; a < ANGLES; a++) {
      const i = (r * ANGLES + a) * 4;
      let v = 0;
      for (let k = 0; k < 4; k++) v += grid[SAMPLES.cells[i + k]!]! * SAMPLES.weights[i + k]!;
      profile[a] = v;
      sum += v;
    }
    means[r] = sum / ANGLES;
    for (let h = 0; h < HARMONICS; h++) {
      let re = 0;
      let im = 0;
      for (let a = 0; a < ANGLES; a++) {
        re += profile[a]! * COS[h * ANGLES + a]!;
        im += profile[a]! * SIN[h * ANGLES + a]!;
      }
      magnitudes[r * HARMONICS + h] = Math.hypot(re, im) / ANGLES;
    }
  }
  return { means, magnitudes };
}

function standardise(values: Float64Array): Float64Array {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  const sd = Math.sqrt(variance / values.length);
  return values.map((v) => (sd > 1e-9 ? (v - mean) / sd : 0));
}

/** The perceptual hash of a grey image: 2 * HASH_LENGTH hex digits. */
export function perceptualHash(image: GreyImage): string {
  const { means, magnitudes } = ringFeatures(averageGrid(image));
  const features = [...standardise(means), ...standardise(magnitudes)];
  const bytes = Buffer.alloc(HASH_LENGTH);
  features.forEach((z, i) => bytes.writeInt8(Math.max(-127, Math.min(127, Math.round(z * QUANT_SCALE))), i));
  return bytes.toString('hex');
}

/** A hash as a unit-length vector (all zeros for a featureless image, e.g. a blank one). */
export function hashVector(hex: string): Float32Array {
  if (hex.length !== HASH_LENGTH * 2 || !/^[0-9a-f]+$/.test(hex)) {
    throw new Error(`not a perceptual hash (expected ${HASH_LENGTH * 2} hex digits): ${JSON.stringify(hex.slice(0, 40))}`);
  }
  const bytes = Buffer.from(hex, 'hex');
  const vector = new Float32Array(HASH_LENGTH);
  let norm = 0;
  for (let i = 0; i < HASH_LENGTH; i++) {
    vector[i] = bytes.readInt8(i);
    norm += vector[i]! ** 2;
  }
  if (norm > 0) for (let i = 0; i < HASH_LENGTH; i++) vector[i] = vector[i]! / Math.sqrt(norm);
  return vector;
}

/** Distance between two hashes: 0 for identical images; a blank image is far from all (see unitDistance). */
export function hashDistance(a: string, b: string): number {
  return unitDistance(hashVector(a), hashVector(b));
}

/** The distance below which two images count as near-duplicates, from a correlation threshold. */
export function distanceForCorrelation(correlation: number): number {
  return Math.sqrt(2 - 2 * correlation);
}
