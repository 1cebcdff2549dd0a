import { OsteonError } from '../errors.js';
import { undefinedMetric, type Metric } from './metric.js';
import type { ScoredSample } from './sample.js';

export const DEFAULT_CALIBRATION_BINS = 10;

/** One equal-width bin of predicted probability, [lower, upper) (the last bin includes 1). */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability of the positive class in the bin; null when the bin is empty. */
  meanProbability: number | null;
  /** Fraction of the bin's examples that are positive; null when the bin is empty. */
  observedFrequency: number | null;
}

/**
 * The reliability curve of the positive class's probability: examples binned by predicted probability into
 * `bins` equal-width bins over [0, 1], each with its mean prediction and the observed positive frequency. A
 * calibrated model has the two equal in every bin.
 *
 * @returns shape [bins], empty bins included (with null means) so bins line up across models
 */
export function reliabilityCurve(sample: ScoredSample, bins = DEFAULT_CALIBRATION_BINS, weights?: Float64Array): ReliabilityBin[] {
  const { count, probabilitySum, positiveSum } = binSums(sample, bins, weights);
  return Array.from({ length: bins }, (_, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: count[b]!,
    meanProbability: count[b]! > 0 ? probabilitySum[b]! / count[b]! : null,
    observedFrequency: count[b]! > 0 ? positiveSum[b]! / count[b]! : null,
  }));
}

/**
 * Expected calibration error over equal-width bins: sum over bins of (bin count / n) * |mean predicted
 * probability - observed positive frequency|, on the positive class's probability. 0 is perfect calibration.
 * Undefined on empty input.
 */
export function expectedCalibrationError(sample: ScoredSample, bins = DEFAULT_CALIBRATION_BINS, weights?: Float64Array): Metric {
  const { count, probabilitySum, positiveSum } = binSums(sample, bins, weights);
  let total = 0;
  let gap = 0;
  for (let b = 0; b < bins; b++) {
    total += count[b]!;
    // count * |mean p - frequency| = |sum p - sum positives|
    gap += Math.abs(probabilitySum[b]! - positiveSum[b]!);
  }
  return total > 0 ? { value: gap / total } : undefinedMetric('no examples');
}

function binSums(sample: ScoredSample, bins: number, weights?: Float64Array) {
  if (!Number.isInteger(bins) || bins < 1 || bins > 1000) {
    throw new OsteonError('BAD_OPTION', `The number of calibration bins must be an integer from 1 to 1000, got ${String(bins)}; 10 is usual.`);
  }
  const count = new Float64Array(bins);
  const probabilitySum = new Float64Array(bins);
  const positiveSum = new Float64Array(bins);
  for (let k = 0; k < sample.n; k++) {
    const w = weights ? weights[k]! : 1;
    if (w === 0) continue;
    const p = sample.scores[k]!;
    const b = Math.min(Math.floor(p * bins), bins - 1);
    count[b]! += w;
    probabilitySum[b]! += w * p;
    if (sample.positive[k] === 1) positiveSum[b]! += w;
  }
  return { count, probabilitySum, positiveSum };
}
