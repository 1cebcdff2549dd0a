import { describe, expect, it } from 'vitest';
import { seededRandom } from './bootstrap.js';
import { predictionsFromFiles, type Prediction } from './predictions.js';
import { evaluate, metricsSummary, REPORTED_METRICS } from './report.js';
import { scoreSample } from './sample.js';
import { chooseThreshold } from './threshold.js';

// The hand case of the metric tests: tp 3, fp 2, tn 2, fn 1 at 0.5; AUROC 13/16.
const handCase: Prediction[] = [0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.2].map((probability, i) => ({
  probability,
  label: [0, 0, 1, 0, 1, 0, 1, 1][i]!,
}));

describe('evaluate', () => {
  it('reports every metric of the hand case with intervals around them', () => {
    const r = evaluate(handCase, { threshold: 0.5, bootstrap: { resamples: 200, seed: 1 } });
    expect(r).toMatchObject({ n: 8, positives: 4, negatives: 4, threshold: 0.5, positiveClass: 'fractured', classes: ['fractured', 'normal'] });
    expect(r.confusion).toEqual({ tp: 3, fp: 2, tn: 2, fn: 1 });
    expect(r.accuracy).toBeCloseTo(0.625, 12);
    expect(r.balancedAccuracy).toBeCloseTo(0.625, 12);
    expect(r.precision).toBeCloseTo(0.6, 12);
    expect(r.recall).toBeCloseTo(0.75, 12);
    expect(r.specificity).toBeCloseTo(0.5, 12);
    expect(r.f1).toBeCloseTo(2 / 3, 12);
    expect(r.kappa).toBeCloseTo(0.25, 12);
    expect(r.auroc).toBeCloseTo(13 / 16, 12);
    expect(r.auprc).toBeCloseTo(0.25 + 0.25 + 0.25 * 0.75 + 0.25 * (4 / 6), 12);
    // ECE, 10 bins: [.9] P -> .1; [.8] P -> .2; [.7] N -> .7; [.6] P -> .4; [.55] N -> .55; [.4] P -> .6;
    // [.3] N -> .3; [.2] N -> .2; sum 3.05 over 8
    expect(r.ece).toBeCloseTo(3.05 / 8, 12);
    expect(r.perClass.map((c) => c.class)).toEqual(['fractured', 'normal']);
    expect(r.curves.roc).toHaveLength(9);
    expect(r.curves.pr).toHaveLength(9);
    expect(r.curves.reliability).toHaveLength(10);
    expect(r.curves.operatingPoint).toEqual({ fpr: 0.5, tpr: 0.75 });
    expect(r.curves.rocBand!.x).toHaveLength(101);
    expect(r.bootstrap).toMatchObject({ resamples: 200, seed: 1, confidence: 0.95, grouped: false, units: 8 });
    for (const name of REPORTED_METRICS) {
      const [lo, hi] = r.ci[name]!;
      expect(lo).toBeLessThanOrEqual(r[name]! + 1e-12);
      expect(hi).toBeGreaterThanOrEqual(r[name]! - 1e-12);
    }
    expect(r.bySubset).toBeUndefined();
  });

  it('one class only: class-dependent metrics are null with reasons, and nothing is NaN', () => {
    const onlyFractures = [0.9, 0.4, 0.7].map((probability) => ({ probability, label: 0 }));
    const r = evaluate(onlyFractures, { threshold: 0.5, bootstrap: { resamples: 50 } });
    expect(r.recall).toBeCloseTo(2 / 3, 12);
    expect(r.accuracy).toBeCloseTo(2 / 3, 12);
    expect(r.auroc).toBeNull();
    expect(r.reasons.auroc).toBe('no negative examples');
    expect(r.specificity).toBeNull();
    expect(r.balancedAccuracy).toBeNull();
    expect(r.ci.auroc).toBeNull();
    expect(r.reasons['ci.auroc']).toMatch(/undefined/);
    expect(r.curves.roc).toEqual([]);
    expect(r.curves.rocBand).toBeNull();
    expect(r.curves.operatingPoint).toBeNull();
    expect(JSON.stringify(r)).not.toMatch(/NaN/);
  });

  it('empty input gives n = 0 and null metrics, not a crash', () => {
    const r = evaluate([], { threshold: 0.5 });
    expect(r.n).toBe(0);
    for (const name of REPORTED_METRICS) {
      expect(r[name]).toBeNull();
      expect(r.reasons[name]).toBeTypeOf('string');
      expect(r.ci[name]).toBeNull();
    }
    expect(r.curves.reliability.every((b) => b.count === 0)).toBe(true);
  });

  it('all tied probabilities: AUROC 0.5, AP the prevalence', () => {
    const r = evaluate([0, 1, 1, 0, 1].map((label) => ({ probability: 0.5, label })), { threshold: 0.5, bootstrap: false });
    expect(r.auroc).toBe(0.5);
    expect(r.auprc).toBeCloseTo(2 / 5, 12);
    expect(r.confusion).toEqual({ tp: 2, fp: 3, tn: 0, fn: 0 });
    expect(r.reasons['ci.auroc']).toBe('bootstrap disabled');
  });

  it('rejects bad input at the door', () => {
    expect(() => evaluate([{ probability: Number.NaN, label: 0 }], { threshold: 0.5 })).toThrow(/Example 0 has probability NaN/);
    expect(() => evaluate([{ probability: 0.3, label: 0 }, { probability: 0.3, label: 2 }], { threshold: 0.5 })).toThrow(/Example 1 has label 2/);
    expect(() => evaluate([{ probability: 0.3, label: 0 }], { threshold: Number.NaN })).toThrow(/threshold/);
    expect(() => evaluate([{ probability: 0.3, label: 0 }], undefined as never)).toThrow(/threshold/);
    expect(() => evaluate([{ probability: 0.3, label: 0 }], { threshold: 0.5, classes: ['a', 'b', 'c'] })).toThrow(/two classes/);
    expect(() => evaluate([null as never], { threshold: 0.5 })).toThrow(/Prediction 0/);
  });

  it('the positive index is honoured: the same data in the other class order gives the same numbers', () => {
    // classes written as ['normal', 'fractured']: fractured is index 1, labels swap, probabilities stay
    const reordered = handCase.map((p) => ({ probability: p.probability, label: 1 - p.label }));
    const a = evaluate(handCase, { threshold: 0.5, bootstrap: false });
    const b = evaluate(reordered, { threshold: 0.5, positiveIndex: 1, classes: ['normal', 'fractured'], bootstrap: false });
    expect(b.positiveClass).toBe('fractured');
    expect(b.auroc).toBeCloseTo(a.auroc!, 12);
    expect(b.confusion).toEqual(a.confusion);
    expect({ ...b.perClass[1], index: 0 }).toEqual(a.perClass[0]);
    // with index 0 (normal) as positive on the reordered labels, the ranking inverts
    expect(evaluate(reordered, { threshold: 0.5, bootstrap: false }).auroc).toBeCloseTo(1 - a.auroc!, 12);
  });

  it('breaks results down by subset and groups the bootstrap by group', () => {
    const random = seededRandom(4);
    const predictions: Prediction[] = [];
    for (let i = 0; i < 120; i++) {
      const label = i % 2;
      predictions.push({
        probability: Math.min(1, Math.max(0, (label === 0 ? 0.65 : 0.35) + (random() - 0.5) * 0.6)),
        label,
        group: `patient-${Math.floor(i / 6)}`,
        subset: i < 80 ? 'wrist' : 'elbow',
      });
    }
    const r = evaluate(predictions, { threshold: 0.5, bootstrap: { resamples: 200 } });
    expect(Object.keys(r.bySubset!)).toEqual(['wrist', 'elbow']);
    expect(r.bySubset!.wrist!.n).toBe(80);
    expect(r.bySubset!.elbow!.n).toBe(40);
    const wrist = predictions.filter((p) => p.subset === 'wrist');
    expect(r.bySubset!.wrist!.auroc).toBeCloseTo(evaluate(wrist, { threshold: 0.5, bootstrap: false }).auroc!, 12);
    expect(r.bootstrap).toMatchObject({ grouped: true, units: 20 });
  });

  it('a validation threshold is applied unchanged to test', () => {
    const validation = scoreSample([0.9, 0.8, 0.7, 0.6, 0.3, 0.2], [0, 1, 0, 0, 1, 1]);
    const { threshold } = chooseThreshold(validation, { kind: 'youden' });
    const r = evaluate([{ probability: 0.61, label: 0 }, { probability: 0.59, label: 0 }, { probability: 0.1, label: 1 }], { threshold, bootstrap: false });
    expect(r.threshold).toBe(0.6);
    expect(r.confusion).toEqual({ tp: 1, fp: 0, tn: 1, fn: 1 });
  });
});

describe('recomputing from per-file results', () => {
  it('gives the same metrics as the predictions behind them', () => {
    const files = handCase.map((p, i) => ({
      file: `img${i}.png`,
      label: p.label === 0 ? 'fractured' : 'normal',
      probabilities: { fractured: p.probability, normal: 1 - p.probability },
    }));
    const fromFiles = evaluate(predictionsFromFiles(files), { threshold: 0.5, bootstrap: { resamples: 100 } });
    const direct = evaluate(handCase, { threshold: 0.5, bootstrap: { resamples: 100 } });
    expect(metricsSummary(fromFiles)).toEqual(metricsSummary(direct));
    expect(Object.keys(metricsSummary(direct))).toEqual(expect.arrayContaining(['accuracy', 'auroc', 'ece', 'threshold', 'n', 'ci']));
    expect(() => predictionsFromFiles([{ label: 'broken', probabilities: { fractured: 0.2 } }])).toThrow(/label 'broken'; expected one of fractured, normal/);
    expect(() => predictionsFromFiles([{ label: 'normal', probabilities: { normal: 0.2 } }])).toThrow(/no probability for 'fractured'/);
  });
});
