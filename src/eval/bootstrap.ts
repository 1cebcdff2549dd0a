import { OsteonError } from '../errors.js';
import type { ScoredSample } from './sample.js';
import { mulberry32 } from '../util/random.js';

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_CONFIDENCE = 0.95;
export const DEFAULT_BOOTSTRAP_SEED = 0;

export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  resamples?: number;
  /** Seed of the resampling; the same seed gives the same intervals (default 0). */
  seed?: number;
  /** Coverage of the percentile interval, in (0, 1) (default 0.95). */
  confidence?: number;
  /**
   * Shape [n], in the caller's input order (the order given to scoreSample): the patient or duplicate group of
   * each example. Groups are resampled whole, so images of one patient never pretend to be independent.
   * A missing group (undefined, null, '') makes the example its own group.
   */
  groups?: ArrayLike<string | null | undefined>;
}

/**
 * A statistic of a weighted sample; null when undefined on that resample (e.g. one class drawn only).
 * `resample` counts the resamples, so statistics that share work (say, one confusion matrix) can reuse it
 * within a resample.
 */
export type Statistic = (sample: ScoredSample, weights: Float64Array, resample: number) => number | null;

/** The generator every resample draws from (mulberry32). */
export const seededRandom = mulberry32;

/**
 * Draws bootstrap resamples as multiplicities: each call to `next()` draws as many units (examples, or groups
 * when groups are given) as there are, with replacement, and returns how many times each sorted example was
 * drawn. The returned buffer is reused: read it before the next call.
 */
export class Resampler {
  /** Number of resampling units: groups when grouped, else examples. */
  readonly units: number;
  readonly grouped: boolean;
  private readonly unitOf: Int32Array;
  private readonly draws: Float64Array;
  private readonly weights: Float64Array;
  private readonly random: () => number;

  constructor(
    private readonly sample: ScoredSample,
    options: Pick<BootstrapOptions, 'seed' | 'groups'> = {},
  ) {
    const seed = options.seed ?? DEFAULT_BOOTSTRAP_SEED;
    if (!Number.isInteger(seed)) throw new OsteonError('BAD_OPTION', `The bootstrap seed must be an integer, got ${String(seed)}.`);
    this.random = seededRandom(seed);
    this.unitOf = new Int32Array(sample.n);
    if (options.groups) {
      if (options.groups.length !== sample.n) {
        throw new OsteonError('INVALID_PREDICTIONS', `Got ${options.groups.length} groups for ${sample.n} examples; pass one group (or none) per example.`);
      }
      const ids = new Map<string, number>();
      for (let k = 0; k < sample.n; k++) {
        const group = options.groups[sample.order[k]!];
        const key = group === undefined || group === null || group === '' ? `\u0000${k}` : `g${group}`;
        let id = ids.get(key);
        if (id === undefined) ids.set(key, (id = ids.size));
        this.unitOf[k] = id;
      }
      this.units = ids.size;
      this.grouped = ids.size < sample.n;
    } else {
      for (let k = 0; k < sample.n; k++) this.unitOf[k] = k;
      this.units = sample.n;
      this.grouped = false;
    }
    this.draws = new Float64Array(this.units);
    this.weights = new Float64Array(sample.n);
  }

  /** Shape [n], in the sample's sorted order: how many times each example is in this resample. */
  next(): Float64Array {
    const { draws, units, weights, unitOf } = this;
    draws.fill(0);
    for (let i = 0; i < units; i++) draws[Math.floor(this.random() * units)]! += 1;
    for (let k = 0; k < this.sample.n; k++) weights[k] = draws[unitOf[k]!]!;
    return weights;
  }
}

export interface BootstrapResult<K extends string> {
  /** Percentile interval [lower, upper] per statistic; null when undefined on too many resamples. */
  intervals: Record<K, [number, number] | null>;
  /** Why an interval is null. */
  reasons: Partial<Record<K, string>>;
  resamples: number;
  confidence: number;
  seed: number;
  /** Resampling units: groups when grouped, else examples. */
  units: number;
  grouped: boolean;
}

/**
 * Percentile bootstrap confidence intervals of several statistics over the same resamples.
 *
 * Resamples on which a statistic is undefined (say, no negative example drawn) are left out of its interval;
 * when that leaves fewer than half of them, the interval is null with the reason.
 *
 * @param statistics named functions of (sample, weights shape [n], resample) returning a number or null
 */
export function bootstrapIntervals<K extends string>(
  sample: ScoredSample,
  statistics: Record<K, Statistic>,
  options: BootstrapOptions = {},
): BootstrapResult<K> {
  return bootstrapAll(sample, statistics, {}, options);
}

/** Writes a curve's values at the points of `grid` into `out`; false when undefined on this resample. */
export type CurveStatistic = (sample: ScoredSample, weights: Float64Array, grid: Float64Array, out: Float64Array) => boolean;

export interface CurveBand {
  /** The grid the band is evaluated on, shape [g]. */
  x: number[];
  /** Lower and upper percentile of the curve at each grid point, shape [g]. */
  lower: number[];
  upper: number[];
  confidence: number;
  resamples: number;
}

/**
 * A pointwise percentile band around a curve (ROC: true positive rate over a false positive rate grid; PR:
 * precision over a recall grid), from the same resamples as bootstrapIntervals with the same seed.
 *
 * @param grid shape [g], ascending
 * @returns null when the curve is undefined on more than half of the resamples
 */
export function bootstrapBand(sample: ScoredSample, curve: CurveStatistic, grid: ArrayLike<number>, options: BootstrapOptions = {}): CurveBand | null {
  return bootstrapAll(sample, {}, { band: { curve, grid } }, options).bands.band;
}

/**
 * Intervals of statistics and bands of curves in one pass over the resamples (each resample drawn once).
 *
 * @param curves named curves, each with its ascending grid (shape [g])
 */
export function bootstrapAll<K extends string, C extends string>(
  sample: ScoredSample,
  statistics: Record<K, Statistic>,
  curves: Record<C, { curve: CurveStatistic; grid: ArrayLike<number> }>,
  options: BootstrapOptions = {},
): BootstrapResult<K> & { bands: Record<C, CurveBand | null> } {
  const { resamples, confidence, seed } = checkBootstrapOptions(options);
  const names = Object.keys(statistics) as K[];
  const curveNames = Object.keys(curves) as C[];
  const resampler = new Resampler(sample, options);
  const values = names.map(() => new Float64Array(resamples));
  const counts = new Int32Array(names.length);
  const grids = curveNames.map((name) => Float64Array.from(curves[name].grid));
  const tables = grids.map((grid) => new Float64Array(resamples * grid.length));
  const curveCounts = new Int32Array(curveNames.length);
  for (let b = 0; b < resamples; b++) {
    const weights = resampler.next();
    for (let s = 0; s < names.length; s++) {
      const v = statistics[names[s]!](sample, weights, b);
      if (v !== null && Number.isFinite(v)) values[s]![counts[s]!++] = v;
    }
    for (let c = 0; c < curveNames.length; c++) {
      const g = grids[c]!.length;
      const row = tables[c]!.subarray(curveCounts[c]! * g, (curveCounts[c]! + 1) * g);
      if (curves[curveNames[c]!].curve(sample, weights, grids[c]!, row)) curveCounts[c]!++;
    }
  }
  const tooFew = (used: number) => sample.n === 0 || used * 2 < resamples;
  const intervals = {} as Record<K, [number, number] | null>;
  const reasons: Partial<Record<K, string>> = {};
  names.forEach((name, s) => {
    const used = counts[s]!;
    if (tooFew(used)) {
      intervals[name] = null;
      reasons[name] = `defined on ${used} of ${resamples} resamples (too few ${resampler.grouped ? 'groups' : 'examples'} of one class)`;
      return;
    }
    const sorted = values[s]!.subarray(0, used).sort();
    intervals[name] = [quantile(sorted, (1 - confidence) / 2), quantile(sorted, 1 - (1 - confidence) / 2)];
  });
  const bands = {} as Record<C, CurveBand | null>;
  curveNames.forEach((name, c) => {
    const used = curveCounts[c]!;
    bands[name] = tooFew(used) ? null : percentileBand(tables[c]!, used, grids[c]!, confidence, resamples);
  });
  return { intervals, reasons, resamples, confidence, seed, units: resampler.units, grouped: resampler.grouped, bands };
}

/** Per grid point, the percentiles over the first `used` rows of a [resamples][g] table. */
function percentileBand(table: Float64Array, used: number, grid: Float64Array, confidence: number, resamples: number): CurveBand {
  const g = grid.length;
  const column = new Float64Array(used);
  const lower: number[] = [];
  const upper: number[] = [];
  for (let j = 0; j < g; j++) {
    for (let b = 0; b < used; b++) column[b] = table[b * g + j]!;
    column.sort();
    lower.push(quantile(column, (1 - confidence) / 2));
    upper.push(quantile(column, 1 - (1 - confidence) / 2));
  }
  return { x: Array.from(grid), lower, upper, confidence, resamples };
}

/** Evenly spaced points from 0 to 1 inclusive, shape [points]. */
export function unitGrid(points = 101): Float64Array {
  return Float64Array.from({ length: points }, (_, i) => i / (points - 1));
}

/** Quantile of ascending values by linear interpolation between order statistics (Hyndman-Fan type 7). */
export function quantile(ascending: ArrayLike<number>, q: number): number {
  const h = (ascending.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, ascending.length - 1);
  return ascending[lo]! + (h - lo) * (ascending[hi]! - ascending[lo]!);
}

function checkBootstrapOptions(options: BootstrapOptions) {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const seed = options.seed ?? DEFAULT_BOOTSTRAP_SEED;
  if (!Number.isInteger(resamples) || resamples < 2 || resamples > 1_000_000) {
    throw new OsteonError('BAD_OPTION', `Bootstrap resamples must be an integer from 2 to 1000000, got ${String(resamples)}; 1000 is usual.`);
  }
  if (typeof confidence !== 'number' || !(confidence > 0 && confidence < 1)) {
    throw new OsteonError('BAD_OPTION', `Bootstrap confidence must be a number between 0 and 1, got ${String(confidence)}; 0.95 gives a 95% interval.`);
  }
  return { resamples, confidence, seed };
}
