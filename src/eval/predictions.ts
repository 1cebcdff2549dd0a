import { OsteonError } from '../errors.js';
import { checkLabel, checkPositiveIndex, checkProbability, DEFAULT_CLASSES, DEFAULT_POSITIVE_INDEX } from './sample.js';

/** One evaluated example. */
export interface Prediction {
  /** Probability of the positive class, in [0, 1]. */
  probability: number;
  /** True class index in the class order (0 = fractured by default). */
  label: number;
  /** Patient or duplicate group; examples of one group are resampled together by the bootstrap. */
  group?: string;
  /** A key to break results down by, such as the body part. */
  subset?: string;
}

/** A per-file result as `osteon eval --json` prints it: class name and per-class probabilities. */
export interface FileResult {
  file?: string;
  label: string;
  probabilities: Record<string, number>;
  group?: string;
  subset?: string;
}

/**
 * Turns per-file results (class names, per-class probabilities) into predictions, so metrics can be
 * recomputed from a printed evaluation.
 *
 * @param classes class names in index order (default ['fractured', 'normal'])
 * @returns shape [files.length], in the same order
 */
export function predictionsFromFiles(files: readonly FileResult[], classes: readonly string[] = DEFAULT_CLASSES, positiveIndex = DEFAULT_POSITIVE_INDEX): Prediction[] {
  checkPositiveIndex(positiveIndex, classes.length);
  const positiveClass = classes[positiveIndex]!;
  return files.map((f, i) => {
    const label = classes.indexOf(f.label);
    if (label < 0) {
      throw new OsteonError('INVALID_PREDICTIONS', `File ${f.file ?? i} has label '${f.label}'; expected one of ${classes.join(', ')}.`, { index: i });
    }
    const probability = f.probabilities?.[positiveClass];
    if (probability === undefined) {
      throw new OsteonError('INVALID_PREDICTIONS', `File ${f.file ?? i} has no probability for '${positiveClass}'; expected probabilities keyed by class name.`, { index: i });
    }
    checkProbability(probability, i);
    const prediction: Prediction = { probability, label };
    if (f.group !== undefined) prediction.group = f.group;
    if (f.subset !== undefined) prediction.subset = f.subset;
    return prediction;
  });
}

/** Rejects a prediction list with a message naming the first bad entry. */
export function checkPredictions(predictions: readonly Prediction[], numClasses: number): void {
  if (!Array.isArray(predictions)) {
    throw new OsteonError('INVALID_PREDICTIONS', 'Expected an array of predictions {probability, label}.');
  }
  predictions.forEach((p, i) => {
    if (typeof p !== 'object' || p === null) {
      throw new OsteonError('INVALID_PREDICTIONS', `Prediction ${i} is ${String(p)}; expected an object {probability, label}.`, { index: i });
    }
    checkProbability(p.probability, i);
    checkLabel(p.label, i, numClasses);
  });
}
