import { describe, expect, it } from 'vitest';
import { accuracy, balancedAccuracy } from './accuracy.js';
import { classMatrix, confusionAt } from './confusion-matrix.js';
import { cohensKappa } from './kappa.js';
import { f1, negativePredictiveValue, perClassMetrics, precision, recall, specificity } from './precision-recall.js';
import { scoreSample } from './sample.js';

// Hand case, positive class index 0 (fractured):
//   p     0.9 0.8 0.7 0.6 0.55 0.4 0.3 0.2
//   label  0   0   1   0   1    0   1   1      -> 4 positives, 4 negatives
// At threshold 0.5 the first five are called positive:
//   tp = 3 (0.9, 0.8, 0.6), fp = 2 (0.7, 0.55), fn = 1 (0.4), tn = 2 (0.3, 0.2)
const p = [0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.2];
const labels = [0, 0, 1, 0, 1, 0, 1, 1];

describe('threshold metrics', () => {
  const c = confusionAt(scoreSample(p, labels), 0.5);

  it('counts the confusion matrix with probability >= threshold as positive', () => {
    expect(c).toEqual({ tp: 3, fp: 2, tn: 2, fn: 1 });
    // At exactly 0.6 the example with 0.6 is positive; at 0.61 it is not.
    expect(confusionAt(scoreSample(p, labels), 0.6)).toEqual({ tp: 3, fp: 1, tn: 3, fn: 1 });
    expect(confusionAt(scoreSample(p, labels), 0.61)).toEqual({ tp: 2, fp: 1, tn: 3, fn: 2 });
    // rows = true class, columns = predicted, in class order: fractured then normal
    expect(classMatrix(c, 0)).toEqual([[3, 1], [2, 2]]);
    expect(classMatrix(c, 1)).toEqual([[2, 2], [1, 3]]);
  });

  it('matches hand arithmetic', () => {
    expect(accuracy(c).value).toBeCloseTo(5 / 8, 12); // (3 + 2) / 8
    expect(recall(c).value).toBeCloseTo(3 / 4, 12); // 3 / (3 + 1)
    expect(specificity(c).value).toBeCloseTo(2 / 4, 12); // 2 / (2 + 2)
    expect(balancedAccuracy(c).value).toBeCloseTo((3 / 4 + 2 / 4) / 2, 12); // 0.625
    expect(precision(c).value).toBeCloseTo(3 / 5, 12); // 3 / (3 + 2)
    expect(negativePredictiveValue(c).value).toBeCloseTo(2 / 3, 12); // 2 / (2 + 1)
    expect(f1(c).value).toBeCloseTo(6 / 9, 12); // 2*3 / (2*3 + 2 + 1)
    // po = 5/8; pe = ((tp+fp)(tp+fn) + (tn+fn)(tn+fp)) / n^2 = (5*4 + 3*4) / 64 = 0.5; kappa = (0.625-0.5)/(1-0.5)
    expect(cohensKappa(c).value).toBeCloseTo(0.25, 12);
  });

  it('gives per-class precision, recall and F1 in class order', () => {
    const [fractured, normal] = perClassMetrics(c, 0, ['fractured', 'normal']);
    expect(fractured).toMatchObject({ class: 'fractured', index: 0, support: 4, precision: 0.6, recall: 0.75 });
    expect(fractured!.f1).toBeCloseTo(2 / 3, 12);
    // normal as positive: tp' = tn = 2, fp' = fn = 1, fn' = fp = 2 -> precision 2/3, recall 2/4, F1 4/7
    expect(normal).toMatchObject({ class: 'normal', index: 1, support: 4, recall: 0.5 });
    expect(normal!.precision).toBeCloseTo(2 / 3, 12);
    expect(normal!.f1).toBeCloseTo(4 / 7, 12);
  });

  it('kappa is 1 for perfect agreement, 0 for a constant prediction, negative for inverted', () => {
    expect(cohensKappa({ tp: 5, fp: 0, tn: 3, fn: 0 }).value).toBe(1);
    expect(cohensKappa({ tp: 5, fp: 3, tn: 0, fn: 0 }).value).toBe(0);
    expect(cohensKappa({ tp: 0, fp: 4, tn: 0, fn: 4 }).value).toBe(-1);
  });

  it('returns null with a reason when a metric is undefined', () => {
    const onlyPositives = { tp: 3, fp: 0, tn: 0, fn: 1 };
    expect(specificity(onlyPositives)).toEqual({ value: null, reason: 'no negative examples' });
    expect(balancedAccuracy(onlyPositives).value).toBeNull();
    expect(recall(onlyPositives).value).toBe(0.75);
    const nothingPredictedPositive = { tp: 0, fp: 0, tn: 3, fn: 2 };
    expect(precision(nothingPredictedPositive).reason).toMatch(/predicted positive/);
    expect(f1(nothingPredictedPositive).value).toBe(0); // 0 / (0 + 0 + 2)
    const empty = { tp: 0, fp: 0, tn: 0, fn: 0 };
    for (const metric of [accuracy, balancedAccuracy, precision, recall, specificity, f1, cohensKappa]) {
      const m = metric(empty);
      expect(m.value).toBeNull();
      expect(m.reason).toBeTypeOf('string');
    }
    // One class, predicted for everything: chance agreement is 1.
    expect(cohensKappa({ tp: 4, fp: 0, tn: 0, fn: 0 }).reason).toMatch(/chance/);
  });

  it('rejects bad counts and thresholds', () => {
    expect(() => accuracy({ tp: -1, fp: 0, tn: 0, fn: 0 })).toThrow(/non-negative/);
    expect(() => accuracy({ tp: Number.NaN, fp: 0, tn: 0, fn: 0 })).toThrow(/non-negative/);
    expect(() => confusionAt(scoreSample(p, labels), Number.NaN)).toThrow(/threshold/);
    expect(() => confusionAt(scoreSample(p, labels), 1.5)).toThrow(/\[0, 1\]/);
  });
});

describe('scoreSample input checks', () => {
  it('rejects NaN and out-of-range probabilities, naming the example', () => {
    expect(() => scoreSample([0.2, Number.NaN], [0, 1])).toThrow(/Example 1 has probability NaN/);
    expect(() => scoreSample([0.2, 1.01], [0, 1])).toThrow(/\[0, 1\]/);
    expect(() => scoreSample([-0.1], [0])).toThrow(/Example 0/);
  });

  it('rejects labels that are not class indices', () => {
    expect(() => scoreSample([0.2, 0.3], [0, 2])).toThrow(/Example 1 has label 2; expected a class index, an integer from 0 to 1/);
    expect(() => scoreSample([0.2], [0.5])).toThrow(/label 0.5/);
    expect(() => scoreSample([0.2], [-1])).toThrow(/label -1/);
  });

  it('rejects mismatched lengths, bad positive index and more than two classes', () => {
    expect(() => scoreSample([0.2, 0.3], [0])).toThrow(/2 probabilities but 1 labels/);
    expect(() => scoreSample([0.2], [0], { positiveIndex: 2 })).toThrow(/positive class index/);
    expect(() => scoreSample([0.2], [0], { numClasses: 3 })).toThrow(/two classes/);
  });

  it('sorts high to low and marks runs of ties', () => {
    const s = scoreSample([0.2, 0.5, 0.5, 0.9], [1, 0, 1, 0]);
    expect(Array.from(s.scores)).toEqual([0.9, 0.5, 0.5, 0.2]);
    expect(Array.from(s.positive)).toEqual([1, 1, 0, 0]);
    expect(Array.from(s.order)).toEqual([3, 1, 2, 0]);
    expect(Array.from(s.runStarts)).toEqual([0, 1, 3, 4]);
    // positive index 1: label 1 is the positive class
    expect(Array.from(scoreSample([0.2, 0.5, 0.5, 0.9], [1, 0, 1, 0], { positiveIndex: 1 }).positive)).toEqual([0, 0, 1, 1]);
  });
});
