import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/data/index.js';
import { loadSafetensors } from '../../src/nn/safetensors.js';
import { readRunState, runFiles } from '../../src/train/checkpoint.js';
import { evaluateRun } from '../../src/train/evaluate-run.js';
import { launchTraining } from '../../src/train/launch.js';
import { getRun, runEpochs } from '../../src/train/runs.js';
import { trainRun, type TrainEvent } from '../../src/train/train-run.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

const recipe = { arch: 'resnet18', size: 48, epochs: 2, batchSize: 16, threads: 2, patience: 0 };

describe('training runs', () => {
  let workspace: string;
  beforeAll(async () => {
    ({ workspace } = await syntheticProject({ n: 120, size: 64, seed: 5 }));
  });

  it('trains, validates every epoch, checkpoints and records the run', async () => {
    const events: TrainEvent[] = [];
    const result = await trainRun({ workspace, project: 'synthetic', recipe, onEvent: (e) => events.push(e) });
    expect(result).toMatchObject({ arch: 'resnet18', status: 'completed', epochsDone: 2 });
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(2);
    expect(events.some((e) => e.type === 'step')).toBe(true);
    const runDir = path.join(workspace, 'runs', result.id);
    expect(readRunState(runDir)?.epochsDone).toBe(2);
    expect(fs.readFileSync(runFiles(runDir).metrics, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(Object.keys(loadSafetensors(runFiles(runDir).best).state)).toContain('fc.weight');
    const store = openStore(workspace);
    try {
      const run = getRun(store, result.id);
      expect(run).toMatchObject({ status: 'completed', epochsDone: 2, trainImages: 84, valImages: 18 });
      expect(run.dataHash).toMatch(/^[0-9a-f]{64}$/);
      expect(run.bestValAuroc).toBeGreaterThanOrEqual(0);
      expect(runEpochs(store, result.id).map((e) => e.epoch)).toEqual([0, 1]);
    } finally {
      store.close();
    }
  });

  it('resumes after a kill -9 mid-epoch, losing at most that epoch', async () => {
    const first = launchTraining({
      workspace, project: 'synthetic', recipe: { ...recipe, epochs: 3, emaHalfLife: 1 },
      onEvent: (event) => {
        // Kill during the second epoch, after the first one's checkpoint is durable.
        if (event.type === 'step' && event.epoch === 1 && event.step === 2) first.kill('SIGKILL');
      },
    });
    const error = await first.result.catch((e) => e);
    expect(error.code).toBe('ENGINE_CRASHED');
    const store = openStore(workspace);
    const runs = store.db.prepare("SELECT id FROM runs WHERE status = 'running'").all() as Array<{ id: string }>;
    store.close();
    expect(runs).toHaveLength(1);
    const runId = runs[0]!.id;
    const runDir = path.join(workspace, 'runs', runId);
    expect(readRunState(runDir)?.epochsDone).toBe(1);
    const resumed = await launchTraining({ workspace, project: 'synthetic', recipe, resume: runId }).result;
    expect(resumed).toMatchObject({ id: runId, status: 'completed', epochsDone: 3 });
    const lines = fs.readFileSync(runFiles(runDir).metrics, 'utf8').trim().split('\n').map((l) => JSON.parse(l).epoch);
    expect(lines).toEqual([0, 1, 2]);
    expect(fs.readdirSync(runDir).filter((f) => f.startsWith('epoch-')).sort())
      .toEqual(['epoch-0003.averaged.safetensors', 'epoch-0003.optimizer.pt', 'epoch-0003.safetensors']);
    // The weight average went on from the checkpoint's: it holds every step of the three epochs (84 images / 16).
    expect(readRunState(runDir)?.averagedSteps).toBe(3 * 5);
  });

  it('validates, keeps and exports the averaged weights; the live ones go on training', async () => {
    const result = await trainRun({ workspace, project: 'synthetic', recipe: { ...recipe, epochs: 1, emaHalfLife: 1 } });
    const runDir = path.join(workspace, 'runs', result.id);
    const state = readRunState(runDir)!;
    expect(state).toMatchObject({ averaged: 'epoch-0001.averaged.safetensors', averagedSteps: 5, bestEpoch: 0 });
    const best = loadSafetensors(runFiles(runDir).best);
    const averaged = loadSafetensors(path.join(runDir, state.averaged!));
    const live = loadSafetensors(path.join(runDir, state.weights));
    expect(best.metadata).toMatchObject({ weights: 'averaged' });
    expect(best.state['fc.weight']!.data).toEqual(averaged.state['fc.weight']!.data);
    expect(best.state['fc.weight']!.data).not.toEqual(live.state['fc.weight']!.data);

    const plain = await trainRun({ workspace, project: 'synthetic', recipe: { ...recipe, epochs: 1, emaHalfLife: 0 } });
    const plainDir = path.join(workspace, 'runs', plain.id);
    expect(readRunState(plainDir)?.averaged).toBeUndefined();
    expect(loadSafetensors(runFiles(plainDir).best).metadata).toMatchObject({ weights: 'live' });
  });

  it('keeps the last epoch, or the best validation epoch, as the recipe selects; early stopping watches the val peak', async () => {
    const read = async (selection: 'last' | 'best-val') => {
      const result = await trainRun({ workspace, project: 'synthetic', recipe: { ...recipe, epochs: 3, emaHalfLife: 0, selection } });
      const runDir = path.join(workspace, 'runs', result.id);
      const lines = fs.readFileSync(runFiles(runDir).metrics, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { valAuroc: number });
      return { result, runDir, vals: lines.map((l) => l.valAuroc) };
    };
    const last = await read('last');
    expect(last.result.best).toEqual({ epoch: 2, valAuroc: last.vals[2] });
    expect(readRunState(last.runDir)?.peakValAuroc).toBe(Math.max(...last.vals));
    expect(loadSafetensors(runFiles(last.runDir).best).metadata).toMatchObject({ epoch: '2' });

    const best = await read('best-val');
    // Training is deterministic, so both runs saw the same validation scores.
    expect(best.vals).toEqual(last.vals);
    const peakEpoch = best.vals.indexOf(Math.max(...best.vals));
    expect(best.result.best).toEqual({ epoch: peakEpoch, valAuroc: best.vals[peakEpoch] });
    expect(loadSafetensors(runFiles(best.runDir).best).metadata).toMatchObject({ epoch: String(peakEpoch) });
  });

  it('stops cleanly when asked, keeping the last complete epoch', async () => {
    let steps = 0;
    const result = await trainRun({ workspace, project: 'synthetic', recipe, shouldStop: () => ++steps >= 3 });
    expect(result.status).toBe('stopped');
    expect(result.epochsDone).toBe(0);
  });

  it('resumes a stopped run to the very weights of an uninterrupted one, dropout draws included', async () => {
    // SqueezeNet drops half its classifier's inputs: every draw must replay for the weights to match.
    const dropped = { ...recipe, arch: 'squeezenet1_1', epochs: 2, emaHalfLife: 0, selection: 'last' as const };
    const whole = await trainRun({ workspace, project: 'synthetic', recipe: dropped });
    let steps = 0;
    const cut = await trainRun({ workspace, project: 'synthetic', recipe: dropped, shouldStop: () => ++steps > 5 + 2 });
    expect(cut).toMatchObject({ status: 'stopped', epochsDone: 1 });
    const resumed = await trainRun({ workspace, project: 'synthetic', recipe: dropped, resume: cut.id });
    expect(resumed).toMatchObject({ id: cut.id, status: 'completed', epochsDone: 2 });
    const weights = (id: string) => loadSafetensors(runFiles(path.join(workspace, 'runs', id)).best).state;
    const [a, b] = [weights(whole.id), weights(resumed.id)];
    for (const key of Object.keys(a)) expect(b[key]!.data, key).toEqual(a[key]!.data);
  });

  it('validates with test-time flip as the exported model serves: the same validation AUROC in training and in eval', async () => {
    const valAuroc = async (testTimeFlip: boolean) => {
      const result = await trainRun({ workspace, project: 'synthetic', recipe: { ...recipe, epochs: 1, testTimeFlip } });
      const evaluation = await evaluateRun({ workspace, runId: result.id, split: 'val', bootstrap: { resamples: 10 } });
      return { id: result.id, training: result.best.valAuroc!, served: evaluation.report.auroc! };
    };
    const flipped = await valAuroc(true);
    const single = await valAuroc(false);
    expect(flipped.served).toBeCloseTo(flipped.training, 6);
    expect(single.served).toBeCloseTo(single.training, 6);
    // Same weights (training is deterministic), so only the mirrored views tell the two apart.
    expect(flipped.training).not.toBe(single.training);

    // Evaluated without the flip its run was validated with: the other run's score, and nothing recorded.
    const store = openStore(workspace);
    const before = { threshold: getRun(store, flipped.id).threshold, evaluations: store.db.prepare('SELECT COUNT(*) AS n FROM evaluations').get() };
    store.close();
    const whatIf = await evaluateRun({ workspace, runId: flipped.id, split: 'val', bootstrap: { resamples: 10 }, testTimeFlip: false });
    expect(whatIf.report.auroc).toBeCloseTo(single.training, 6);
    const after = openStore(workspace);
    try {
      expect({ threshold: getRun(after, flipped.id).threshold, evaluations: after.db.prepare('SELECT COUNT(*) AS n FROM evaluations').get() }).toEqual(before);
    } finally {
      after.close();
    }
  });

  it('says what is missing when a project has nothing to train on', async () => {
    const store = openStore(workspace);
    store.db.prepare("INSERT INTO projects (name, classes, created_at) VALUES ('empty', '[\"fractured\",\"normal\"]', '2026-01-01')").run();
    store.close();
    await expect(trainRun({ workspace, project: 'empty', recipe })).rejects.toMatchObject({ code: 'NO_TRAINING_DATA' });
  });
});
