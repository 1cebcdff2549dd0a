import { OsteonError } from '../errors.js';

/** The project's class order (the seed's label convention): index 0 is the positive class, `fractured`. */
export const DEFAULT_CLASSES: readonly string[] = ['fractured', 'normal'];
export const DEFAULT_POSITIVE_INDEX = 0;

/**
 * A binary problem prepared once for every metric: examples sorted by the probability of the positive class,
 * highest first, with runs of equal probabilities marked so that ties move every curve in one step.
 *
 * Metrics over a sample take optional `weights` (Float64Array, shape [n], in this sorted order): how many times
 * each example counts. The bootstrap passes its resample this way, so no resample is ever sorted or copied.
 */
export interface ScoredSample {
  readonly n: number;
  /** Probabilities of the positive class, sorted from highest to lowest. Shape [n]. */
  readonly scores: Float64Array;
  /** 1 where the example's true class is the positive class, else 0; aligned with `scores`. Shape [n]. */
  readonly positive: Uint8Array;
  /** Position in the caller's input of each sorted example. Shape [n]. */
  readonly order: Int32Array;
  /** Run r of equal scores covers sorted positions runStarts[r] .. runStarts[r + 1] - 1. Shape [runs + 1]. */
  readonly runStarts: Int32Array;
}

export interface SampleOptions {
  /** Index of the positive class among the classes (default 0, `fractured`). */
  positiveIndex?: number;
  /** Number of classes that labels index into (default 2). Only two-class problems are supported. */
  numClasses?: number;
}

/**
 * Prepares a binary problem from per-example probabilities and labels.
 *
 * @param probabilities shape [n]: the probability of the positive class, each a finite number in [0, 1]
 * @param labels shape [n]: the true class index of each example, an integer in [0, numClasses)
 * @returns the examples sorted by probability, highest first (see ScoredSample)
 * @throws OsteonError INVALID_PREDICTIONS when lengths differ, a probability is NaN or outside [0, 1], or a
 *   label is not a class index; BAD_OPTION when the positive index or class count is invalid
 */
export function scoreSample(probabilities: ArrayLike<number>, labels: ArrayLike<number>, options: SampleOptions = {}): ScoredSample {
  const positiveIndex = checkPositiveIndex(options.positiveIndex ?? DEFAULT_POSITIVE_INDEX, options.numClasses ?? 2);
  const numClasses = options.numClasses ?? 2;
  if (probabilities.length !== labels.length) {
    throw new OsteonError(
      'INVALID_PREDICTIONS',
      `Got ${probabilities.length} probabilities but ${labels.length} labels; pass one probability and one label per example.`,
    );
  }
  const n = probabilities.length;
  for (let i = 0; i < n; i++) {
    checkProbability(probabilities[i]!, i);
    checkLabel(labels[i]!, i, numClasses);
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Stable on ties (input order), so equal inputs give identical samples.
  order.sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
  const scores = new Float64Array(n);
  const positive = new Uint8Array(n);
  const starts: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    scores[k] = probabilities[i]!;
    positive[k] = labels[i] === positiveIndex ? 1 : 0;
    if (k === 0 || scores[k] !== scores[k - 1]) starts.push(k);
  }
  starts.push(n);
  return { n, scores, positive, order, runStarts: Int32Array.from(starts) };
}

/** Weighted counts of positive and negative examples. */
export function classTotals(sample: ScoredSample, weights?: Float64Array): { positives: number; negatives: number } {
  let positives = 0;
  let total = 0;
  for (let k = 0; k < sample.n; k++) {
    const w = weights ? weights[k]! : 1;
    total += w;
    if (sample.positive[k] === 1) positives += w;
  }
  return { positives, negatives: total - positives };
}

export function checkPositiveIndex(positiveIndex: number, numClasses: number): number {
  if (numClasses !== 2) {
    throw new OsteonError('BAD_OPTION', `Evaluation supports two classes (positive vs the rest), got ${numClasses}; pass two class names.`);
  }
  if (!Number.isInteger(positiveIndex) || positiveIndex < 0 || positiveIndex >= numClasses) {
    throw new OsteonError('BAD_OPTION', `The positive class index must be 0 or 1, got ${positiveIndex}; 0 is 'fractured' in the project's class order.`);
  }
  return positiveIndex;
}

export function checkProbability(p: number, index: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new OsteonError(
      'INVALID_PREDICTIONS',
      `Example ${index} has probability ${String(p)}; expected the positive class's probability as a number in [0, 1] (check the model's softmax output).`,
      { index },
    );
  }
}

export function checkLabel(label: number, index: number, numClasses: number): void {
  if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
    throw new OsteonError(
      'INVALID_PREDICTIONS',
      `Example ${index} has label ${String(label)}; expected a class index, an integer from 0 to ${numClasses - 1}.`,
      { index },
    );
  }
}

/** Rejects a decision threshold that is not a number in [0, 1]. */
export function checkThreshold(threshold: number): number {
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw new OsteonError('INVALID_THRESHOLD', `The decision threshold must be a number in [0, 1], got ${String(threshold)}; choose it on validation data (see chooseThreshold).`);
  }
  return threshold;
}
