// The command-line journey a user takes, through the built `osteon` command: train, evaluate, compare, export,
// predict, report. Numbers printed by `osteon eval` must be recomputable from its own per-file output.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, metricsSummary, predictionsFromFiles, selectionGapWarning } from '../../src/eval/index.js';
import { runBuiltOsteon } from '../helpers/run-command.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

async function osteon(workspace: string, ...args: string[]): Promise<any> {
  const { stdout } = await runBuiltOsteon([...args, '--workspace', workspace, '--json']);
  return JSON.parse(stdout);
}

describe('osteon command-line journey', () => {
  let workspace: string;
  let runId: string;
  beforeAll(async () => {
    ({ workspace } = await syntheticProject({ n: 100, size: 64, seed: 11, name: 'journey' }));
    const trained = await osteon(workspace, 'train', '--project', 'journey', '--arch', 'resnet18', '--size', '48', '--epochs', '1', '--batch', '16');
    runId = trained.runs[0].id;
  }, 300_000);

  it('trains and lists the run', async () => {
    const { runs } = await osteon(workspace, 'runs', 'list', '--project', 'journey');
    expect(runs.map((r: { id: string }) => r.id)).toContain(runId);
    expect(runs[0]).toMatchObject({ arch: 'resnet18', status: 'completed', epochsDone: 1 });
  });

  it('evaluates on the test split with numbers that its per-file output reproduces', async () => {
    const result = await osteon(workspace, 'eval', '--run', runId);
    expect(result.metrics.n).toBe(16);
    expect(result.files).toHaveLength(16);
    for (const key of ['accuracy', 'balancedAccuracy', 'precision', 'recall', 'specificity', 'f1', 'auroc', 'auprc', 'kappa', 'ece', 'threshold', 'n', 'ci']) {
      expect(result.metrics).toHaveProperty(key);
    }
    // The note on a validation AUROC outside the test interval follows the run's own figures.
    const run = (await osteon(workspace, 'runs', 'list', '--project', 'journey')).runs.find((r: { id: string }) => r.id === runId);
    const expected = selectionGapWarning(run.bestValAuroc, result.metrics.auroc, result.metrics.ci.auroc);
    expect(result.warnings).toEqual(expected ? [expected] : []);
    const recomputed = metricsSummary(evaluate(predictionsFromFiles(result.files), { threshold: result.metrics.threshold, bootstrap: false }));
    for (const key of ['accuracy', 'precision', 'recall', 'specificity', 'f1', 'auroc', 'auprc', 'kappa', 'ece'] as const) {
      if (result.metrics[key] === null) expect(recomputed[key]).toBeNull();
      else expect(recomputed[key]).toBeCloseTo(result.metrics[key], 12);
    }
  });

  it('sweeps hyperparameters, each trial a recorded run, best by validation AUROC', async () => {
    const sweep = await osteon(workspace, 'sweep', '--project', 'journey', '--arch', 'resnet18', '--grid', 'lr=1e-3,3e-3',
      '--size', '48', '--epochs', '1', '--set', 'batchSize=16');
    expect(sweep.trials.map((t: { params: { lr: string } }) => t.params.lr)).toEqual(['1e-3', '3e-3']);
    expect(sweep.trials.every((t: { status: string }) => t.status === 'completed')).toBe(true);
    const best = Math.max(...sweep.trials.map((t: { valAuroc: number }) => t.valAuroc));
    expect(sweep.best.valAuroc).toBe(best);
    const { runs } = await osteon(workspace, 'runs', 'list', '--project', 'journey');
    expect(runs.filter((r: { sweepId: string | null }) => r.sweepId === sweep.sweep)).toHaveLength(2);
  });

  it('compares runs, exports ONNX, predicts with heatmaps and writes a report', async () => {
    const { rows } = await osteon(workspace, 'compare', '--project', 'journey');
    expect(rows.find((r: { run: string }) => r.run === runId)).toMatchObject({ model: 'resnet18', split: 'test', n: 16 });
    const model = path.join(workspace, 'journey.onnx');
    expect((await osteon(workspace, 'export', '--run', runId, '--out', model)).file).toBe(model);
    const image = path.join(workspace, '..', 'images', 'test', 'fractured');
    const file = path.join(image, fs.readdirSync(image)[0]!);
    const heatmaps = path.join(workspace, 'heatmaps');
    const predictions = await osteon(workspace, 'predict', '--model', model, file, '--heatmap', heatmaps);
    expect(predictions[0].file).toBe(file);
    expect(predictions[0].probabilities.fractured + predictions[0].probabilities.normal).toBeCloseTo(1, 5);
    expect(fs.existsSync(predictions[0].heatmap)).toBe(true);
    const report = path.join(workspace, 'report.html');
    await osteon(workspace, 'report', '--run', runId, '--out', report);
    const html = fs.readFileSync(report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});
