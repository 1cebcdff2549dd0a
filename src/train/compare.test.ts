import { describe, expect, it } from 'vitest';
import { formatComparison, type ComparisonRow } from './compare.js';

const row = (run: string, valAuroc: number, auroc: number, ci: [number, number]): ComparisonRow => ({
  run, model: 'resnet18', status: 'completed', epochs: 10, split: 'test', n: 100, accuracy: 0.7, recall: 0.7, precision: 0.7,
  auroc, aurocCi: ci, sensitivity: 0.7, specificity: 0.7, threshold: 0.5, valAuroc, parameters: 11_000_000,
  trainSeconds: 600, imagesPerSecond: 20,
});

describe('formatComparison', () => {
  it('marks a run whose validation AUROC lies outside its test interval, and says what the mark means', () => {
    const text = formatComparison([row('run-inside', 0.8, 0.78, [0.7, 0.86]), row('run-outside', 0.94, 0.655, [0.41, 0.86])], 'table');
    const lines = text.split('\n');
    expect(lines.find((l) => l.includes('run-inside'))).not.toContain('!');
    expect(lines.find((l) => l.includes('run-outside'))).toContain('0.940 !');
    expect(lines.at(-1)).toMatch(/^! the model's validation AUROC.* lies outside the test interval/);
  });

  it('adds no note when every run is inside, in markdown too', () => {
    const text = formatComparison([row('run-inside', 0.8, 0.78, [0.7, 0.86])], 'markdown');
    expect(text).not.toContain('!');
    expect(text.split('\n')[0]).toContain('| val AUROC |');
  });
});
