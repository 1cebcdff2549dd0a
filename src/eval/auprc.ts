import { undefinedMetric, type Metric } from './metric.js';
import { classTotals, type ScoredSample } from './sample.js';

/**
 * Area under the precision-recall curve as average precision: sum over distinct thresholds of
 * (recall_k - recall_{k-1}) * precision_k, with ties entering together (the step curve, no optimistic linear
 * interpolation). A random classifier scores the prevalence of positives, not 0.5.
 * Undefined without positive examples; with positives only it is trivially 1.
 *
 * @param weights optional shape [n] multiplicities in the sample's sorted order
 */
export function averagePrecision(sample: ScoredSample, weights?: Float64Array): Metric {
  const { positives } = classTotals(sample, weights);
  if (positives === 0) return undefinedMetric('no positive examples');
  let tp = 0;
  let fp = 0;
  let previousRecall = 0;
  let area = 0;
  for (let r = 0; r + 1 < sample.runStarts.length; r++) {
    for (let k = sample.runStarts[r]!; k < sample.runStarts[r + 1]!; k++) {
      const w = weights ? weights[k]! : 1;
      if (sample.positive[k] === 1) tp += w;
      else fp += w;
    }
    const recallHere = tp / positives;
    if (recallHere > previousRecall) area += (recallHere - previousRecall) * (tp / (tp + fp));
    previousRecall = recallHere;
  }
  return { value: area };
}

/** One point of the precision-recall curve at probability >= threshold. */
export interface PrPoint {
  recall: number;
  precision: number;
  /** The first point, (recall 0, precision 1), has threshold Infinity (`null` once in JSON). */
  threshold: number;
}

/**
 * The precision-recall curve: a start at (recall 0, precision 1), then one point per distinct probability,
 * thresholds decreasing. Average precision is the area under its step: precision_k held from recall_{k-1}
 * to recall_k.
 *
 * @returns shape [distinct probabilities + 1]; empty without positive examples
 */
export function prCurve(sample: ScoredSample): PrPoint[] {
  const { positives } = classTotals(sample);
  if (positives === 0) return [];
  const points: PrPoint[] = [{ recall: 0, precision: 1, threshold: Infinity }];
  let tp = 0;
  let fp = 0;
  for (let r = 0; r + 1 < sample.runStarts.length; r++) {
    for (let k = sample.runStarts[r]!; k < sample.runStarts[r + 1]!; k++) {
      if (sample.positive[k] === 1) tp++;
      else fp++;
    }
    points.push({ recall: tp / positives, precision: tp / (tp + fp), threshold: sample.scores[sample.runStarts[r]!]! });
  }
  return points;
}

/**
 * Writes the step curve's precision at each recall of `grid` into `out`: the precision of the first threshold
 * whose recall reaches it (recall 0 takes the first threshold that finds a positive). Allocates nothing.
 *
 * @param grid shape [g], ascending recalls in [0, 1]
 * @param out shape [g], receives precisions
 * @returns false without positive examples in the (weighted) sample
 */
export function precisionAtRecall(sample: ScoredSample, weights: Float64Array | undefined, grid: Float64Array, out: Float64Array): boolean {
  const { positives } = classTotals(sample, weights);
  if (positives === 0) return false;
  let g = 0;
  let tp = 0;
  let fp = 0;
  let lastPrecision = 0;
  for (let r = 0; r + 1 < sample.runStarts.length && g < grid.length; r++) {
    for (let k = sample.runStarts[r]!; k < sample.runStarts[r + 1]!; k++) {
      const w = weights ? weights[k]! : 1;
      if (sample.positive[k] === 1) tp += w;
      else fp += w;
    }
    if (tp === 0) continue;
    const recallHere = tp / positives;
    lastPrecision = tp / (tp + fp);
    while (g < grid.length && grid[g]! <= recallHere) out[g++] = lastPrecision;
  }
  // Only rounding can leave grid points above the last recall (1).
  for (; g < grid.length; g++) out[g] = lastPrecision;
  return true;
}
