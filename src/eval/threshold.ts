import { OsteonError } from '../errors.js';
import { confusionAt } from './confusion-matrix.js';
import { sensitivity, specificity } from './precision-recall.js';
import { checkThreshold, classTotals, type ScoredSample } from './sample.js';

/**
 * How to choose the decision threshold on validation data; the chosen number is then applied unchanged to test.
 * - fixed: a given probability (0.5 by convention)
 * - youden: the threshold maximising Youden's J = sensitivity + specificity - 1
 * - sensitivity: the highest threshold whose sensitivity is >= target (e.g. 0.95, to miss few fractures)
 */
export type ThresholdRule = { kind: 'fixed'; value: number } | { kind: 'youden' } | { kind: 'sensitivity'; target: number };

export interface ThresholdChoice {
  /** Predict positive when the probability of the positive class is >= threshold. */
  threshold: number;
  rule: ThresholdRule;
  /** Sensitivity and specificity at the threshold on the data it was chosen on. */
  sensitivity: number | null;
  specificity: number | null;
}

/**
 * Chooses a decision threshold on validation data. Candidate thresholds are the distinct probabilities of the
 * sample; Youden's J keeps the highest threshold among equal maxima.
 *
 * @throws OsteonError THRESHOLD_UNDEFINED when the rule needs a class the sample lacks (Youden needs both,
 *   a target sensitivity needs positives)
 */
export function chooseThreshold(validation: ScoredSample, rule: ThresholdRule): ThresholdChoice {
  const threshold = pick(validation, checkRule(rule));
  const confusion = confusionAt(validation, threshold);
  return { threshold, rule, sensitivity: sensitivity(confusion).value, specificity: specificity(confusion).value };
}

function pick(sample: ScoredSample, rule: ThresholdRule): number {
  if (rule.kind === 'fixed') return rule.value;
  const { positives, negatives } = classTotals(sample);
  if (positives === 0 || (rule.kind === 'youden' && negatives === 0)) {
    throw new OsteonError(
      'THRESHOLD_UNDEFINED',
      `Cannot choose a ${rule.kind === 'youden' ? "Youden's J" : 'target-sensitivity'} threshold on ${positives} positive and ${negatives} negative validation examples; use a validation split with both classes, or a fixed threshold.`,
    );
  }
  let tp = 0;
  let fp = 0;
  let best = -Infinity;
  let bestThreshold = 0;
  for (let r = 0; r + 1 < sample.runStarts.length; r++) {
    for (let k = sample.runStarts[r]!; k < sample.runStarts[r + 1]!; k++) {
      if (sample.positive[k] === 1) tp++;
      else fp++;
    }
    const score = sample.scores[sample.runStarts[r]!]!;
    if (rule.kind === 'sensitivity') {
      // A tiny tolerance so that a target such as 0.95 is met by 19/20 despite floating point.
      if (tp / positives >= rule.target - 1e-12) return score;
    } else {
      const j = tp / positives - fp / negatives;
      if (j > best + 1e-12) {
        best = j;
        bestThreshold = score;
      }
    }
  }
  return bestThreshold;
}

function checkRule(rule: ThresholdRule): ThresholdRule {
  if (rule.kind === 'fixed') checkThreshold(rule.value);
  else if (rule.kind === 'sensitivity') {
    if (typeof rule.target !== 'number' || !(rule.target > 0 && rule.target <= 1)) {
      throw new OsteonError('BAD_OPTION', `A target sensitivity must be in (0, 1], got ${String(rule.target)}; e.g. 0.95.`);
    }
  } else if (rule.kind !== 'youden') {
    throw new OsteonError('BAD_OPTION', `Unknown threshold rule '${String((rule as { kind: unknown }).kind)}'; use fixed, youden or sensitivity.`);
  }
  return rule;
}

/**
 * Reads a threshold rule as written on a command line: `0.5` (fixed), `youden`, or `sensitivity:0.95`
 * (also `sens:0.95` or `sensitivity=0.95`).
 */
export function parseThresholdRule(text: string): ThresholdRule {
  const t = text.trim().toLowerCase();
  if (t === 'youden' || t === 'j') return { kind: 'youden' };
  const target = /^(?:sensitivity|sens)[:=](.+)$/.exec(t);
  if (target) return checkRule({ kind: 'sensitivity', target: Number(target[1]) });
  if (t !== '' && Number.isFinite(Number(t))) return checkRule({ kind: 'fixed', value: Number(t) });
  throw new OsteonError('BAD_OPTION', `Cannot read threshold rule '${text}'; use a probability such as 0.5, 'youden', or 'sensitivity:0.95'.`);
}

/** A short human description: "0.5", "Youden's J", "sensitivity >= 0.95". */
export function describeThresholdRule(rule: ThresholdRule): string {
  if (rule.kind === 'fixed') return `fixed ${rule.value}`;
  if (rule.kind === 'youden') return "Youden's J";
  return `sensitivity >= ${rule.target}`;
}
