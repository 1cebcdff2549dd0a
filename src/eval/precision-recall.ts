import { checkConfusion, type Confusion } from './confusion-matrix.js';
import { ratio, type Metric } from './metric.js';
import { checkPositiveIndex, DEFAULT_CLASSES } from './sample.js';

/** tp / (tp + fp): of the examples called positive, the fraction that are. Undefined with no predicted positives. */
export function precision(confusion: Confusion): Metric {
  const { tp, fp } = checkConfusion(confusion);
  return ratio(tp, tp + fp, 'no example predicted positive');
}

/** tp / (tp + fn): of the positive examples, the fraction found. Undefined without positive examples. */
export function recall(confusion: Confusion): Metric {
  const { tp, fn } = checkConfusion(confusion);
  return ratio(tp, tp + fn, 'no positive examples');
}

/** Sensitivity is recall of the positive class. */
export const sensitivity = recall;

/** tn / (tn + fp): of the negative examples, the fraction called negative. Undefined without negative examples. */
export function specificity(confusion: Confusion): Metric {
  const { tn, fp } = checkConfusion(confusion);
  return ratio(tn, tn + fp, 'no negative examples');
}

/** tn / (tn + fn): precision of the negative class. Undefined with no predicted negatives. */
export function negativePredictiveValue(confusion: Confusion): Metric {
  const { tn, fn } = checkConfusion(confusion);
  return ratio(tn, tn + fn, 'no example predicted negative');
}

/**
 * 2tp / (2tp + fp + fn), the harmonic mean of precision and recall (taken as 0 when tp = 0 but errors exist).
 * Undefined when there are neither positive examples nor positive predictions.
 */
export function f1(confusion: Confusion): Metric {
  const { tp, fp, fn } = checkConfusion(confusion);
  return ratio(2 * tp, 2 * tp + fp + fn, 'no positive examples and no positive predictions');
}

/** Precision, recall and F1 of one class, treating that class as positive; `support` is its example count. */
export interface ClassMetrics {
  class: string;
  index: number;
  support: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

/**
 * Per-class precision, recall and F1 of a binary confusion matrix (no averaging).
 *
 * @param classes the two class names in index order (default ['fractured', 'normal'])
 * @returns shape [2], in class index order
 */
export function perClassMetrics(confusion: Confusion, positiveIndex = 0, classes: readonly string[] = DEFAULT_CLASSES): ClassMetrics[] {
  checkPositiveIndex(positiveIndex, classes.length);
  const { tp, fp, tn, fn } = checkConfusion(confusion);
  // The negative class's view swaps the roles: its true positives are our true negatives.
  const asNegative: Confusion = { tp: tn, fp: fn, tn: tp, fn: fp };
  return classes.map((name, index) => {
    const c = index === positiveIndex ? confusion : asNegative;
    return {
      class: name,
      index,
      support: index === positiveIndex ? tp + fn : tn + fp,
      precision: precision(c).value,
      recall: recall(c).value,
      f1: f1(c).value,
    };
  });
}
