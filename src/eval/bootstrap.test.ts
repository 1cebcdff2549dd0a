import { describe, expect, it } from 'vitest';
import { auroc } from './auroc.js';
import { bootstrapBand, bootstrapIntervals, quantile, Resampler, seededRandom, unitGrid, type Statistic } from './bootstrap.js';
import { accuracy } from './accuracy.js';
import { tprAtFpr } from './auroc.js';
import { confusionAt } from './confusion-matrix.js';
import { scoreSample, type ScoredSample } from './sample.js';

/** n examples, half positive (label 0), positives scoring higher on average: AUROC near 0.8. */
function syntheticSample(n: number, seed: number): ScoredSample {
  const random = seededRandom(seed);
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  const probs = labels.map((l) => Math.min(1, Math.max(0, (l === 0 ? 0.62 : 0.38) + (random() - 0.5) * 0.8)));
  return scoreSample(probs, labels);
}

const statistics: Record<'auroc' | 'accuracy', Statistic> = {
  auroc: (s, w) => auroc(s, w).value,
  accuracy: (s, w) => accuracy(confusionAt(s, 0.5, w)).value,
};

const width = (interval: [number, number] | null) => interval![1] - interval![0];

describe('bootstrap', () => {
  it('is reproducible with a seed and changes with the seed', () => {
    const s = syntheticSample(200, 1);
    const a = bootstrapIntervals(s, statistics, { seed: 11, resamples: 300 });
    const b = bootstrapIntervals(s, statistics, { seed: 11, resamples: 300 });
    const c = bootstrapIntervals(s, statistics, { seed: 12, resamples: 300 });
    expect(a.intervals).toEqual(b.intervals);
    expect(a.intervals.auroc).not.toEqual(c.intervals.auroc);
    expect(a).toMatchObject({ resamples: 300, confidence: 0.95, seed: 11, units: 200, grouped: false });
  });

  it('its interval contains the point estimate and narrows with n', () => {
    const widths: number[] = [];
    for (const n of [100, 1600]) {
      const s = syntheticSample(n, 2);
      const { intervals } = bootstrapIntervals(s, statistics, { seed: 1 });
      const point = auroc(s).value!;
      expect(intervals.auroc![0]).toBeLessThan(point);
      expect(intervals.auroc![1]).toBeGreaterThan(point);
      const acc = accuracy(confusionAt(s, 0.5)).value!;
      expect(intervals.accuracy![0]).toBeLessThanOrEqual(acc);
      expect(intervals.accuracy![1]).toBeGreaterThanOrEqual(acc);
      widths.push(width(intervals.auroc));
    }
    // 16x the data: the width shrinks by about 4x
    expect(widths[1]!).toBeLessThan(widths[0]! * 0.45);
    expect(widths[1]!).toBeGreaterThan(widths[0]! * 0.15);
  });

  it('a narrower confidence gives a narrower interval', () => {
    const s = syntheticSample(300, 4);
    const wide = bootstrapIntervals(s, statistics, { confidence: 0.95 }).intervals.auroc;
    const narrow = bootstrapIntervals(s, statistics, { confidence: 0.5 }).intervals.auroc;
    expect(width(narrow)).toBeLessThan(width(wide) * 0.6);
  });

  it('grouped resampling widens the interval when groups are large and alike', () => {
    // 40 patients with 10 near-identical images each: 400 images, but only 40 independent cases.
    const random = seededRandom(5);
    const probs: number[] = [];
    const labels: number[] = [];
    const groups: string[] = [];
    for (let g = 0; g < 40; g++) {
      const label = g % 2;
      const patientScore = (label === 0 ? 0.6 : 0.4) + (random() - 0.5) * 0.6;
      for (let i = 0; i < 10; i++) {
        probs.push(Math.min(1, Math.max(0, patientScore + (random() - 0.5) * 0.05)));
        labels.push(label);
        groups.push(`patient-${g}`);
      }
    }
    const s = scoreSample(probs, labels);
    const plain = bootstrapIntervals(s, statistics, { seed: 3 });
    const grouped = bootstrapIntervals(s, statistics, { seed: 3, groups });
    expect(grouped).toMatchObject({ grouped: true, units: 40 });
    expect(width(grouped.intervals.auroc)).toBeGreaterThan(width(plain.intervals.auroc) * 2);
  });

  it('draws whole groups: every image of a group gets the same multiplicity', () => {
    const s = scoreSample([0.9, 0.1, 0.5, 0.7, 0.3], [0, 1, 0, 1, 0]);
    const groups = ['a', 'b', 'a', undefined, 'b'];
    const resampler = new Resampler(s, { seed: 9, groups });
    expect(resampler.units).toBe(3); // a, b, and the ungrouped example on its own
    for (let r = 0; r < 20; r++) {
      const w = resampler.next();
      const byInput = new Map<number, number>();
      for (let k = 0; k < s.n; k++) byInput.set(s.order[k]!, w[k]!);
      expect(byInput.get(0)).toBe(byInput.get(2));
      expect(byInput.get(1)).toBe(byInput.get(4));
      expect(byInput.get(0)! + byInput.get(1)! + byInput.get(3)!).toBe(3); // 3 units drawn per resample
    }
  });

  it('leaves out resamples where a statistic is undefined, and gives null when most are', () => {
    // 1 positive among 30: about 37% of resamples miss it, so AUROC is defined on ~63% of them
    const labels = Array.from({ length: 30 }, (_, i) => (i === 0 ? 0 : 1));
    const s = scoreSample(labels.map((_, i) => i / 30), labels);
    const result = bootstrapIntervals(s, statistics, { seed: 1 });
    expect(result.intervals.auroc).not.toBeNull();
    const one = scoreSample([0.9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.15], [0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const rare = bootstrapIntervals(one, statistics, { seed: 1, groups: Array(10).fill('same') });
    // a single group: every resample is the whole set, so the interval collapses to the point
    expect(rare.intervals.auroc).toEqual([1, 1]);
    const empty = bootstrapIntervals(scoreSample([], []), statistics, {});
    expect(empty.intervals.auroc).toBeNull();
    expect(empty.reasons.auroc).toMatch(/defined on 0 of 1000/);
  });

  it('rejects bad options', () => {
    const s = syntheticSample(10, 1);
    expect(() => bootstrapIntervals(s, statistics, { resamples: 0 })).toThrow(/resamples/);
    expect(() => bootstrapIntervals(s, statistics, { confidence: 95 })).toThrow(/0.95 gives a 95% interval/);
    expect(() => bootstrapIntervals(s, statistics, { seed: 0.5 })).toThrow(/seed/);
    expect(() => bootstrapIntervals(s, statistics, { groups: ['a'] })).toThrow(/1 groups for 10 examples/);
  });

  it('quantile interpolates between order statistics', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20], 0.025)).toBeCloseTo(10.25, 12);
  });

  it('ROC band brackets the ROC curve of the full sample', () => {
    const s = syntheticSample(400, 8);
    const grid = unitGrid(21);
    const band = bootstrapBand(s, tprAtFpr, grid, { seed: 2 })!;
    const curve = new Float64Array(21);
    tprAtFpr(s, undefined, grid, curve);
    let inside = 0;
    for (let i = 0; i < 21; i++) {
      expect(band.lower[i]!).toBeLessThanOrEqual(band.upper[i]!);
      if (band.lower[i]! <= curve[i]! + 1e-12 && curve[i]! <= band.upper[i]! + 1e-12) inside++;
    }
    expect(inside).toBe(21);
    expect(band.x).toHaveLength(21);
  });

  it('1000 resamples of 5000 images take well under a second per statistic', () => {
    const s = syntheticSample(5000, 6);
    const start = performance.now();
    bootstrapIntervals(s, statistics, { resamples: 1000 });
    const ms = performance.now() - start;
    console.log(`bootstrap: 1000 resamples x 5000 images x 2 statistics in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(2000);
  });
});
