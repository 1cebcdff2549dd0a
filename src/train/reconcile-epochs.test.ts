import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProject, openStore, type DatasetStore } from '../data/index.js';
import { DEFAULT_RECIPE } from './recipe.js';
import { reconcileEpochRecords } from './reconcile-epochs.js';
import { createRun, getRun, recordEpoch, runEpochs, updateRun } from './runs.js';

let dir: string;
let store: DatasetStore;
let metricsFile: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-reconcile-'));
  store = openStore(dir);
  metricsFile = path.join(dir, 'metrics.jsonl');
  const project = createProject(store, 'p');
  createRun(store, {
    id: 'run-1', projectId: project.id, arch: 'small_cnn', recipe: { ...DEFAULT_RECIPE, arch: 'small_cnn' }, dataHash: 'h',
    trainImages: 10, valImages: 4, parameters: 100, sweepId: null,
  });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const state = (epochsDone: number) => ({
  epochsDone, weights: 'last.safetensors', optimizer: 'last.optim', bestEpoch: epochsDone - 1, bestValAuroc: 0.7,
  epochsWithoutImprovement: 0, trainSeconds: 12, imagesPerSecond: 30,
});
const line = (epoch: number) => `${JSON.stringify({ epoch, valAuroc: 0.5 + epoch / 10 })}\n`;

describe('reconcileEpochRecords', () => {
  it('fills in the epoch a kill kept from the store, and drops the half-written line', () => {
    recordEpoch(store, 'run-1', 0, { valAuroc: 0.5 });
    recordEpoch(store, 'run-1', 1, { valAuroc: 0.6 });
    updateRun(store, 'run-1', { epochsDone: 2 });
    fs.writeFileSync(metricsFile, line(0) + line(1) + line(2) + '{"epoch":3,"valAu');
    reconcileEpochRecords(store, 'run-1', metricsFile, state(3));
    expect(runEpochs(store, 'run-1').map((e) => [e.epoch, e.valAuroc])).toEqual([[0, 0.5], [1, 0.6], [2, 0.7]]);
    expect(getRun(store, 'run-1')).toMatchObject({ epochsDone: 3, bestEpoch: 2, bestValAuroc: 0.7, trainSeconds: 12 });
    expect(fs.readFileSync(metricsFile, 'utf8')).toBe(line(0) + line(1) + line(2));
    // The next epoch's line now starts on a line of its own.
    fs.appendFileSync(metricsFile, line(3));
    expect(fs.readFileSync(metricsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l).epoch)).toEqual([0, 1, 2, 3]);
  });

  it('forgets records past the checkpoint, which the resumed run writes again', () => {
    for (const epoch of [0, 1, 2]) recordEpoch(store, 'run-1', epoch, { valAuroc: 0.5 });
    fs.writeFileSync(metricsFile, line(0) + line(1) + line(2));
    reconcileEpochRecords(store, 'run-1', metricsFile, state(2));
    expect(runEpochs(store, 'run-1').map((e) => e.epoch)).toEqual([0, 1]);
    expect(getRun(store, 'run-1').epochsDone).toBe(2);
    expect(fs.readFileSync(metricsFile, 'utf8')).toBe(line(0) + line(1));
  });
});
