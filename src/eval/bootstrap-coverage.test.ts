import { describe, expect, it } from 'vitest';
import { auroc } from './auroc.js';
import { bootstrapIntervals, seededRandom } from './bootstrap.js';
import { scoreSample } from './sample.js';

/** Standard normal draws from a seeded uniform source (Box-Muller). */
function normal(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, error < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Patients with `perPatient` images each; an image's score is its patient's effect plus its own noise, shifted
 * by `shift` for fractures and squashed by a logistic (monotone, so AUROC is unchanged). The population AUROC
 * is phi(shift / sqrt(2 (patientSd^2 + imageSd^2))).
 */
function simulate(random: () => number, patients: number, perPatient: number, patientSd: number, imageSd: number, shift: number) {
  const gauss = normal(random);
  const probabilities: number[] = [];
  const labels: number[] = [];
  const groups: string[] = [];
  for (let g = 0; g < patients; g++) {
    const label = g % 2;
    const effect = (label === 0 ? shift : 0) + patientSd * gauss();
    for (let i = 0; i < perPatient; i++) {
      probabilities.push(1 / (1 + Math.exp(-(effect + imageSd * gauss()))));
      labels.push(label);
      groups.push(String(g));
    }
  }
  return { sample: scoreSample(probabilities, labels), groups };
}

const statistic = { auroc: (s: Parameters<typeof auroc>[0], w: Float64Array) => auroc(s, w).value };

describe('bootstrap coverage of the true AUROC', () => {
  it('about 95% for independent images', () => {
    const random = seededRandom(21);
    const truth = phi(1 / Math.sqrt(2));
    let covered = 0;
    const trials = 150;
    for (let t = 0; t < trials; t++) {
      const { sample } = simulate(random, 120, 1, 0, 1, 1);
      const [lo, hi] = bootstrapIntervals(sample, statistic, { resamples: 300, seed: t }).intervals.auroc!;
      if (lo <= truth && truth <= hi) covered++;
    }
    console.log(`coverage with 120 independent images: ${(covered / trials).toFixed(2)}`);
    // Binomial sd at 0.95 over 150 trials is 0.018; the percentile interval runs slightly narrow at this n.
    expect(covered / trials).toBeGreaterThan(0.86);
    expect(covered / trials).toBeLessThanOrEqual(1);
  });

  it('with correlated images per patient: grouped resampling keeps coverage, image-level resampling loses it', () => {
    const random = seededRandom(22);
    const truth = phi(1 / Math.sqrt(2 * (0.81 + 0.19)));
    let grouped = 0;
    let plain = 0;
    const trials = 120;
    for (let t = 0; t < trials; t++) {
      const { sample, groups } = simulate(random, 40, 6, 0.9, Math.sqrt(0.19), 1);
      const g = bootstrapIntervals(sample, statistic, { resamples: 300, seed: t, groups }).intervals.auroc!;
      const p = bootstrapIntervals(sample, statistic, { resamples: 300, seed: t }).intervals.auroc!;
      if (g[0] <= truth && truth <= g[1]) grouped++;
      if (p[0] <= truth && truth <= p[1]) plain++;
    }
    console.log(`coverage with 40 patients x 6 images: grouped ${(grouped / trials).toFixed(2)}, image-level ${(plain / trials).toFixed(2)}`);
    expect(grouped / trials).toBeGreaterThan(0.85);
    expect(plain / trials).toBeLessThan(grouped / trials - 0.15);
  });
});
