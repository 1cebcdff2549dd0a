// Both sides scored by the same functions of src/eval: test metrics at the val-chosen threshold with intervals
// that resample whole source radiographs (groups.json), and the paired difference of test AUROC.
import {
  auroc, evaluate, quantile, Resampler, scoreSample, type EvaluationReport, type ScoredSample,
} from '../../src/eval/index.js';
import type { BenchFile } from './dataset.js';
import type { SideRun } from './types.js';

export const BOOTSTRAP = { resamples: 1000, seed: 0 };
const POSITIVE_INDEX = 0;

type Interval = [number, number] | null;

export interface RunScore {
  n: number;
  positives: number;
  negatives: number;
  /** Independent source radiographs resampled by the bootstrap. */
  groups: number;
  threshold: number;
  auroc: number | null;
  aurocCi: Interval;
  accuracy: number | null;
  accuracyCi: Interval;
  sensitivity: number | null;
  sensitivityCi: Interval;
  specificity: number | null;
  specificityCi: Interval;
}

const labelIndex = (f: BenchFile) => (f.label === 'fractured' ? 0 : 1);

export function scoreRun(run: SideRun, test: BenchFile[]): RunScore {
  const report: EvaluationReport = evaluate(
    test.map((f, i) => ({ probability: run.testProbabilities[i]!, label: labelIndex(f), group: f.group })),
    { threshold: run.threshold, positiveIndex: POSITIVE_INDEX, bootstrap: BOOTSTRAP },
  );
  return {
    n: report.n,
    positives: report.positives,
    negatives: report.negatives,
    groups: report.bootstrap?.units ?? report.n,
    threshold: report.threshold,
    auroc: report.auroc,
    aurocCi: report.ci.auroc,
    accuracy: report.accuracy,
    accuracyCi: report.ci.accuracy,
    sensitivity: report.recall,
    sensitivityCi: report.ci.recall,
    specificity: report.specificity,
    specificityCi: report.ci.specificity,
  };
}

export interface PairedDifference {
  /** Seeds trained on both sides. */
  seeds: number[];
  /** Mean over seeds of (Osteon's test AUROC - the baseline's). */
  mean: number | null;
  /** Group bootstrap interval of that mean: test groups resampled once per resample for every run of both sides. */
  ci: Interval;
  /** Per-seed differences, to show the spread between trainings. */
  perSeed: number[];
}

/**
 * Mean test AUROC difference over the seeds both sides trained, with a paired group bootstrap: every resample
 * draws source radiographs once and scores all runs of both sides on that same draw.
 */
export function pairedAurocDifference(osteon: SideRun[], plain: SideRun[], test: BenchFile[]): PairedDifference {
  const pairs = osteon.flatMap((a) => {
    const b = plain.find((p) => p.seed === a.seed);
    return b ? [[a, b] as const] : [];
  });
  if (pairs.length === 0 || test.length === 0) return { seeds: [], mean: null, ci: null, perSeed: [] };
  const labels = test.map(labelIndex);
  const samples = pairs.map(([a, b]) => [a, b].map((run) => scoreSample(run.testProbabilities, labels, { positiveIndex: POSITIVE_INDEX })) as [ScoredSample, ScoredSample]);
  const perSeed = samples.map(([a, b]) => difference(a, b));
  if (perSeed.some((d) => d === null)) return { seeds: pairs.map(([a]) => a.seed), mean: null, ci: null, perSeed: [] };
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

  // One resampler over the input order; its weights are carried into each sample's own sorted order.
  const reference = samples[0]![0];
  const resampler = new Resampler(reference, { seed: BOOTSTRAP.seed, groups: test.map((f) => f.group) });
  const inputWeights = new Float64Array(test.length);
  const sorted = samples.flat().map(() => new Float64Array(test.length));
  const means: number[] = [];
  for (let b = 0; b < BOOTSTRAP.resamples; b++) {
    const w = resampler.next();
    for (let k = 0; k < reference.n; k++) inputWeights[reference.order[k]!] = w[k]!;
    samples.flat().forEach((s, j) => {
      for (let k = 0; k < s.n; k++) sorted[j]![k] = inputWeights[s.order[k]!]!;
    });
    const diffs = samples.map(([a, b], i) => difference(a, b, sorted[2 * i], sorted[2 * i + 1]));
    if (diffs.every((d) => d !== null)) means.push(mean(diffs as number[]));
  }
  const ascending = Float64Array.from(means).sort();
  const ci: Interval = ascending.length * 2 < BOOTSTRAP.resamples ? null : [quantile(ascending, 0.025), quantile(ascending, 0.975)];
  return { seeds: pairs.map(([a]) => a.seed), mean: mean(perSeed as number[]), ci, perSeed: perSeed as number[] };
}

function difference(a: ScoredSample, b: ScoredSample, wa?: Float64Array, wb?: Float64Array): number | null {
  const x = auroc(a, wa).value;
  const y = auroc(b, wb).value;
  return x === null || y === null ? null : x - y;
}
