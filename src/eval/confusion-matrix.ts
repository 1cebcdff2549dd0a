import { OsteonError } from '../errors.js';
import { checkPositiveIndex, checkThreshold, type ScoredSample } from './sample.js';

/**
 * The binary confusion matrix of the positive class at one decision threshold: an example is predicted
 * positive when its probability is >= the threshold. Counts are weighted (whole numbers without weights).
 */
export interface Confusion {
  /** Positive examples predicted positive. */
  tp: number;
  /** Negative examples predicted positive. */
  fp: number;
  /** Negative examples predicted negative. */
  tn: number;
  /** Positive examples predicted negative. */
  fn: number;
}

/**
 * Counts the confusion matrix of `sample` at `threshold` (predicted positive when probability >= threshold).
 *
 * @param weights optional shape [n] multiplicities in the sample's sorted order (see ScoredSample)
 */
export function confusionAt(sample: ScoredSample, threshold: number, weights?: Float64Array): Confusion {
  checkThreshold(threshold);
  const cut = predictedPositiveCount(sample.scores, threshold);
  let tp = 0;
  let fn = 0;
  const { positive, n } = sample;
  let predictedPositive = 0;
  let predictedNegative = 0;
  for (let k = 0; k < cut; k++) {
    const w = weights ? weights[k]! : 1;
    predictedPositive += w;
    tp += positive[k]! * w;
  }
  for (let k = cut; k < n; k++) {
    const w = weights ? weights[k]! : 1;
    predictedNegative += w;
    fn += positive[k]! * w;
  }
  return { tp, fp: predictedPositive - tp, tn: predictedNegative - fn, fn };
}

/** Number of leading entries of `descending` that are >= threshold (binary search). */
function predictedPositiveCount(descending: Float64Array, threshold: number): number {
  let lo = 0;
  let hi = descending.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (descending[mid]! >= threshold) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The same counts as a class-by-class matrix in the project's class order, as a table or chart shows it.
 *
 * @returns shape [2][2]: matrix[trueClass][predictedClass]
 */
export function classMatrix(confusion: Confusion, positiveIndex = 0): number[][] {
  checkPositiveIndex(positiveIndex, 2);
  const { tp, fp, tn, fn } = confusion;
  return positiveIndex === 0 ? [[tp, fn], [fp, tn]] : [[tn, fp], [fn, tp]];
}

/** Total count behind a confusion matrix. */
export function confusionTotal(confusion: Confusion): number {
  return confusion.tp + confusion.fp + confusion.tn + confusion.fn;
}

/** Rejects counts that are negative or not finite (e.g. a hand-built matrix). */
export function checkConfusion(confusion: Confusion): Confusion {
  for (const key of ['tp', 'fp', 'tn', 'fn'] as const) {
    const v = confusion[key];
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) {
      throw new OsteonError('INVALID_PREDICTIONS', `Confusion count ${key} is ${String(v)}; expected a non-negative number.`);
    }
  }
  return confusion;
}
