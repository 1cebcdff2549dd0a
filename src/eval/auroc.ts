import { undefinedMetric, type Metric } from './metric.js';
import { classTotals, type ScoredSample } from './sample.js';

/**
 * Area under the ROC curve as the Mann-Whitney statistic: the probability that a random positive example scores
 * higher than a random negative one, a tie counting one half (midranks). Equals the trapezoidal area under the
 * ROC curve with ties drawn as diagonal steps. Undefined unless both classes occur.
 *
 * @param weights optional shape [n] multiplicities in the sample's sorted order
 */
export function auroc(sample: ScoredSample, weights?: Float64Array): Metric {
  const { runStarts, positive } = sample;
  let positives = 0;
  let negatives = 0;
  // Pairs where the negative outranks the positive, counted while walking down from the highest score.
  let discordant = 0;
  for (let r = 0; r + 1 < runStarts.length; r++) {
    let runPositives = 0;
    let runNegatives = 0;
    for (let k = runStarts[r]!; k < runStarts[r + 1]!; k++) {
      const w = weights ? weights[k]! : 1;
      if (positive[k] === 1) runPositives += w;
      else runNegatives += w;
    }
    discordant += runPositives * (negatives + 0.5 * runNegatives);
    positives += runPositives;
    negatives += runNegatives;
  }
  if (positives === 0) return undefinedMetric('no positive examples');
  if (negatives === 0) return undefinedMetric('no negative examples');
  return { value: 1 - discordant / (positives * negatives) };
}

/** One point of the ROC curve: rates when predicting positive at probability >= threshold. */
export interface RocPoint {
  /** False positive rate, 1 - specificity. */
  fpr: number;
  /** True positive rate, sensitivity. */
  tpr: number;
  /** The first point, (0, 0), has threshold Infinity (nothing predicted positive; `null` once in JSON). */
  threshold: number;
}

/**
 * The ROC curve: one point per distinct probability, from (0, 0) to (1, 1), thresholds decreasing.
 *
 * @returns shape [distinct probabilities + 1]; empty when a class is missing (the curve is undefined)
 */
export function rocCurve(sample: ScoredSample): RocPoint[] {
  const { positives, negatives } = classTotals(sample);
  if (positives === 0 || negatives === 0) return [];
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  let tp = 0;
  let fp = 0;
  for (let r = 0; r + 1 < sample.runStarts.length; r++) {
    for (let k = sample.runStarts[r]!; k < sample.runStarts[r + 1]!; k++) {
      if (sample.positive[k] === 1) tp++;
      else fp++;
    }
    points.push({ fpr: fp / negatives, tpr: tp / positives, threshold: sample.scores[sample.runStarts[r]!]! });
  }
  return points;
}

/**
 * Writes the ROC curve's true positive rate at each false positive rate of `grid` into `out`, interpolating
 * linearly along the curve (the top of a vertical step at its own FPR). Allocates nothing, for the bootstrap band.
 *
 * @param grid shape [g], ascending false positive rates in [0, 1]
 * @param out shape [g], receives the true positive rates
 * @returns false when a class is missing from the (weighted) sample, leaving `out` unspecified
 */
export function tprAtFpr(sample: ScoredSample, weights: Float64Array | undefined, grid: Float64Array, out: Float64Array): boolean {
  const { positives, negatives } = classTotals(sample, weights);
  if (positives === 0 || negatives === 0) return false;
  let g = 0;
  let tp = 0;
  let fp = 0;
  let fprA = 0;
  let tprA = 0;
  for (let r = 0; r + 1 < sample.runStarts.length && g < grid.length; r++) {
    for (let k = sample.runStarts[r]!; k < sample.runStarts[r + 1]!; k++) {
      const w = weights ? weights[k]! : 1;
      if (sample.positive[k] === 1) tp += w;
      else fp += w;
    }
    const fprB = fp / negatives;
    const tprB = tp / positives;
    if (fprB > fprA) {
      while (g < grid.length && grid[g]! < fprB) {
        out[g] = tprA + ((tprB - tprA) * (grid[g]! - fprA)) / (fprB - fprA);
        g++;
      }
    }
    fprA = fprB;
    tprA = tprB;
  }
  for (; g < grid.length; g++) out[g] = tprA;
  return true;
}
