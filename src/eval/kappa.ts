import { checkConfusion, confusionTotal, type Confusion } from './confusion-matrix.js';
import { undefinedMetric, type Metric } from './metric.js';

/**
 * Cohen's kappa between the true and the predicted classes: (po - pe) / (1 - pe), where po is the observed
 * agreement (accuracy) and pe the agreement expected by chance from the two marginals. 1 is perfect, 0 chance.
 * Undefined on empty input and when chance agreement is already 1 (one class only, predicted for everything).
 */
export function cohensKappa(confusion: Confusion): Metric {
  const { tp, fp, tn, fn } = checkConfusion(confusion);
  const n = confusionTotal(confusion);
  if (n === 0) return undefinedMetric('no examples');
  const observed = (tp + tn) / n;
  const chance = ((tp + fp) * (tp + fn) + (tn + fn) * (tn + fp)) / (n * n);
  if (chance >= 1) return undefinedMetric('a single class is both present and predicted, so agreement by chance is 1');
  return { value: (observed - chance) / (1 - chance) };
}
