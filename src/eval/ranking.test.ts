import { describe, expect, it } from 'vitest';
import { averagePrecision, precisionAtRecall, prCurve } from './auprc.js';
import { auroc, rocCurve, tprAtFpr } from './auroc.js';
import { seededRandom, unitGrid } from './bootstrap.js';
import { expectedCalibrationError } from './calibration.js';
import { confusionAt } from './confusion-matrix.js';
import { scoreSample, type ScoredSample } from './sample.js';

// Same hand case as the threshold metrics (positive = label 0):
//   positives 0.9, 0.8, 0.6, 0.4; negatives 0.7, 0.55, 0.3, 0.2
const p = [0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.2];
const labels = [0, 0, 1, 0, 1, 0, 1, 1];

/** AUROC by its definition: over all positive-negative pairs, 1 if the positive scores higher, 1/2 if tied. */
function pairCountingAuroc(scores: number[], positive: boolean[]): number {
  let sum = 0;
  let pairs = 0;
  scores.forEach((a, i) => {
    if (!positive[i]) return;
    scores.forEach((b, j) => {
      if (positive[j]) return;
      pairs++;
      sum += a > b ? 1 : a === b ? 0.5 : 0;
    });
  });
  return sum / pairs;
}

describe('AUROC', () => {
  it('matches the hand count', () => {
    // 0.9 beats 4 negatives, 0.8 beats 4, 0.6 beats 3 (0.55, 0.3, 0.2), 0.4 beats 2: 13 of 16 pairs
    expect(auroc(scoreSample(p, labels)).value).toBeCloseTo(13 / 16, 12);
  });

  it('counts a tie as one half (midranks)', () => {
    // positives 0.5, 0.5; negatives 0.5, 0.2: each positive gets 1/2 (tie) + 1 (vs 0.2) -> 3 / 4
    expect(auroc(scoreSample([0.5, 0.5, 0.5, 0.2], [0, 1, 0, 1])).value).toBeCloseTo(0.75, 12);
    // all tied -> exactly 0.5
    expect(auroc(scoreSample([0.3, 0.3, 0.3, 0.3, 0.3], [0, 1, 1, 0, 1])).value).toBe(0.5);
  });

  it('is 1 for perfect ranking and 0 for inverted, and positive index 1 mirrors it', () => {
    expect(auroc(scoreSample([0.9, 0.8, 0.1], [0, 0, 1])).value).toBe(1);
    expect(auroc(scoreSample([0.1, 0.2, 0.9], [0, 0, 1])).value).toBe(0);
    // Same data seen with class 1 positive and its probability 1 - p
    expect(auroc(scoreSample(p.map((x) => 1 - x), labels, { positiveIndex: 1 })).value).toBeCloseTo(13 / 16, 12);
  });

  it('equals the pair-counting definition on random data with many ties', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + Math.floor(random() * 200);
      const positive = Array.from({ length: n }, () => random() < 0.4);
      // Rounded scores make ties common; positives score a bit higher.
      const scores = positive.map((pos) => Math.round(Math.min(1, random() * 0.8 + (pos ? 0.2 : 0)) * 20) / 20);
      if (!positive.some(Boolean) || positive.every(Boolean)) continue;
      const value = auroc(scoreSample(scores, positive.map((pos) => (pos ? 0 : 1)))).value!;
      expect(value).toBeCloseTo(pairCountingAuroc(scores, positive), 12);
    }
  });

  it('is undefined with one class only or no examples', () => {
    expect(auroc(scoreSample([0.2, 0.9], [0, 0]))).toEqual({ value: null, reason: 'no negative examples' });
    expect(auroc(scoreSample([0.2, 0.9], [1, 1]))).toEqual({ value: null, reason: 'no positive examples' });
    expect(auroc(scoreSample([], [])).value).toBeNull();
    expect(rocCurve(scoreSample([0.2], [0]))).toEqual([]);
  });

  it('ROC curve has one point per distinct probability and its trapezoid area equals AUROC', () => {
    const s = scoreSample([0.5, 0.5, 0.5, 0.2, 0.9], [0, 1, 0, 1, 0]);
    const roc = rocCurve(s);
    // P = 3 (0.5, 0.5, 0.9), N = 2 (0.5, 0.2)
    expect(roc).toEqual([
      { fpr: 0, tpr: 0, threshold: Infinity },
      { fpr: 0, tpr: 1 / 3, threshold: 0.9 },
      { fpr: 0.5, tpr: 1, threshold: 0.5 },
      { fpr: 1, tpr: 1, threshold: 0.2 },
    ]);
    let area = 0;
    for (let i = 1; i < roc.length; i++) area += ((roc[i]!.fpr - roc[i - 1]!.fpr) * (roc[i]!.tpr + roc[i - 1]!.tpr)) / 2;
    expect(area).toBeCloseTo(auroc(s).value!, 12);
  });

  it('reads TPR at a false positive rate along the curve', () => {
    const s = scoreSample([0.5, 0.5, 0.5, 0.2, 0.9], [0, 1, 0, 1, 0]);
    const grid = Float64Array.from([0, 0.25, 0.5, 0.75, 1]);
    const out = new Float64Array(5);
    expect(tprAtFpr(s, undefined, grid, out)).toBe(true);
    // at fpr 0 the top of the vertical step (1/3); halfway along the diagonal tie step from (0, 1/3) to (0.5, 1)
    const expected = [1 / 3, 1 / 3 + (2 / 3) * 0.5, 1, 1, 1];
    expected.forEach((tpr, i) => expect(out[i]).toBeCloseTo(tpr, 12));
    expect(tprAtFpr(scoreSample([0.2], [0]), undefined, grid, out)).toBe(false);
  });
});

describe('average precision', () => {
  it('matches the hand sum over thresholds', () => {
    // going down: 0.9 P (R .25, P 1), 0.8 P (R .5, P 1), 0.7 N, 0.6 P (R .75, P 3/4), 0.55 N, 0.4 P (R 1, P 4/6)
    // AP = .25 * 1 + .25 * 1 + .25 * 3/4 + .25 * 4/6
    const expected = 0.25 + 0.25 + 0.25 * 0.75 + 0.25 * (4 / 6);
    expect(averagePrecision(scoreSample(p, labels)).value).toBeCloseTo(expected, 12);
  });

  it('enters ties together and equals the prevalence when all scores tie', () => {
    // one run: recall 1 at precision 2/5
    expect(averagePrecision(scoreSample([0.4, 0.4, 0.4, 0.4, 0.4], [0, 1, 1, 0, 1])).value).toBeCloseTo(0.4, 12);
    // 0.9 P (R .5 P 1); tie at 0.5 of P and N (R 1, P 2/3) -> .5 + .5 * 2/3
    expect(averagePrecision(scoreSample([0.9, 0.5, 0.5], [0, 0, 1])).value).toBeCloseTo(0.5 + 0.5 * (2 / 3), 12);
  });

  it('is undefined without positives and 1 with positives only', () => {
    expect(averagePrecision(scoreSample([0.3, 0.4], [1, 1])).reason).toBe('no positive examples');
    expect(averagePrecision(scoreSample([0.3, 0.4], [0, 0])).value).toBe(1);
    expect(prCurve(scoreSample([0.3], [1]))).toEqual([]);
  });

  it('PR curve starts at recall 0, precision 1 and its step area equals AP', () => {
    const s = scoreSample(p, labels);
    const pr = prCurve(s);
    expect(pr[0]).toEqual({ recall: 0, precision: 1, threshold: Infinity });
    expect(pr).toHaveLength(9);
    let area = 0;
    for (let i = 1; i < pr.length; i++) area += (pr[i]!.recall - pr[i - 1]!.recall) * pr[i]!.precision;
    expect(area).toBeCloseTo(averagePrecision(s).value!, 12);
    const out = new Float64Array(3);
    precisionAtRecall(s, undefined, Float64Array.from([0, 0.6, 1]), out);
    expect(Array.from(out)).toEqual([1, 0.75, 4 / 6]);
  });
});

describe('weighted metrics equal metrics on the materialised resample', () => {
  /** Repeats each sorted example weights[k] times, as a real resample would hold it. */
  function materialise(s: ScoredSample, weights: Float64Array): ScoredSample {
    const probabilities: number[] = [];
    const labelsOut: number[] = [];
    for (let k = 0; k < s.n; k++) {
      for (let c = 0; c < weights[k]!; c++) {
        probabilities.push(s.scores[k]!);
        labelsOut.push(s.positive[k] === 1 ? 0 : 1);
      }
    }
    return scoreSample(probabilities, labelsOut);
  }

  it('for AUROC, AP, ECE and the confusion matrix', () => {
    const random = seededRandom(3);
    for (let trial = 0; trial < 10; trial++) {
      const n = 40;
      const labelsIn = Array.from({ length: n }, () => (random() < 0.5 ? 0 : 1));
      const probs = labelsIn.map((l) => Math.round((l === 0 ? 0.3 : 0) + random() * 0.7 * 10) / 10);
      const s = scoreSample(probs, labelsIn);
      const weights = Float64Array.from({ length: n }, () => Math.floor(random() * 3));
      const m = materialise(s, weights);
      expect(auroc(s, weights).value).toBeCloseTo(auroc(m).value!, 12);
      expect(averagePrecision(s, weights).value).toBeCloseTo(averagePrecision(m).value!, 12);
      expect(expectedCalibrationError(s, 10, weights).value).toBeCloseTo(expectedCalibrationError(m).value!, 12);
      expect(confusionAt(s, 0.5, weights)).toEqual(confusionAt(m, 0.5));
      const grid = unitGrid(11);
      const a = new Float64Array(11);
      const b = new Float64Array(11);
      tprAtFpr(s, weights, grid, a);
      tprAtFpr(m, undefined, grid, b);
      for (let i = 0; i < 11; i++) expect(a[i]).toBeCloseTo(b[i]!, 12);
    }
  });
});
