import { checkConfusion, confusionTotal, type Confusion } from './confusion-matrix.js';
import { ratio, undefinedMetric, type Metric } from './metric.js';

/** (tp + tn) / n: the fraction of examples classified correctly. Undefined on empty input. */
export function accuracy(confusion: Confusion): Metric {
  const { tp, tn } = checkConfusion(confusion);
  return ratio(tp + tn, confusionTotal(confusion), 'no examples');
}

/**
 * (sensitivity + specificity) / 2: accuracy with both classes weighted equally, so a model that always says
 * "fractured" on a set of mostly fractures scores 0.5, not the prevalence. Undefined unless both classes occur.
 */
export function balancedAccuracy(confusion: Confusion): Metric {
  const { tp, fp, tn, fn } = checkConfusion(confusion);
  if (tp + fn === 0) return undefinedMetric('no positive examples');
  if (tn + fp === 0) return undefinedMetric('no negative examples');
  return { value: (tp / (tp + fn) + tn / (tn + fp)) / 2 };
}
