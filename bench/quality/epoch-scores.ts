// A diagnostic of which epoch a run keeps: every epoch's weights kept while the run trains, then scored on
// val and test. Never used to choose anything; it shows what choosing by val AUROC costs or gains on test against,
// say, the last epoch or a smoothed val curve, over runs.
import fs from 'node:fs';
import path from 'node:path';
import { getImage, openStore, readOriginal, type Radiograph } from '../../src/data/index.js';
import { auroc, scoreSample } from '../../src/eval/index.js';
import { InferenceEngine } from '../../src/serve/engine/index.js';
import { classifySplit } from '../../src/train/evaluate-run.js';
import { exportRun } from '../../src/train/export-run.js';
import { getRun } from '../../src/train/runs.js';
import { workspacePaths } from '../../src/util/workspace.js';
import type { BenchData, BenchFile } from './dataset.js';

export interface EpochScore {
  /** Zero-based. */
  epoch: number;
  /** The weights the run validated: the averaged ones when its recipe averages, else the live ones. */
  valAuroc: number | null;
  testAuroc: number | null;
  /** The live (last step's) weights of an averaging run, scored the same way. */
  live?: { valAuroc: number | null; testAuroc: number | null };
}

const keptName = (epoch: number, kind: 'validated' | 'live') =>
  `kept-epoch-${String(epoch).padStart(4, '0')}${kind === 'live' ? '.live' : ''}.safetensors`;

/**
 * Copies the checkpoint of the epoch just finished (called on the run's `epoch` event: the epoch's weights file is
 * complete then, and the engine only deletes it once the next epoch is saved).
 */
export function keepEpochWeights(workspace: string, runId: string, epoch: number): void {
  const runDir = path.join(workspacePaths(workspace).runs, runId);
  const state = JSON.parse(fs.readFileSync(path.join(runDir, 'state.json'), 'utf8')) as { weights: string; averaged?: string; epochsDone: number };
  if (state.epochsDone !== epoch + 1) throw new Error(`run ${runId}: expected the checkpoint of epoch ${epoch + 1}, found ${state.epochsDone}`);
  fs.copyFileSync(path.join(runDir, state.averaged ?? state.weights), path.join(runDir, keptName(epoch, 'validated')));
  if (state.averaged) fs.copyFileSync(path.join(runDir, state.weights), path.join(runDir, keptName(epoch, 'live')));
}

/** Scores every kept epoch of a run on the bench's val and test files (AUROC, fractured positive), then deletes them. */
export async function scoreKeptEpochs(workspace: string, runId: string, data: BenchData): Promise<EpochScore[]> {
  const store = openStore(workspace);
  try {
    const run = getRun(store, runId);
    const runDir = path.join(workspacePaths(workspace).runs, runId);
    const images = (files: BenchFile[]) => files.map((f) => {
      const image = getImage(store, f.imageId);
      if (!image) throw new Error(`${f.relative} (image ${f.imageId}) is gone from the workspace`);
      return image;
    });
    const read = (image: Radiograph) => new Uint8Array(readOriginal(store, image));
    const scores: EpochScore[] = [];
    const scoreWeights = async (file: string) => {
      const engine = await InferenceEngine.load(exportRun(store, runId, { threshold: 0.5, weights: file }));
      try {
        const score = async (files: BenchFile[]) => {
          const classified = await classifySplit(engine, images(files), read);
          const sample = scoreSample(classified.map((c) => c.probabilities.fractured!), files.map((f) => (f.label === 'fractured' ? 0 : 1)), { positiveIndex: 0 });
          return auroc(sample).value;
        };
        return { valAuroc: await score(data.files.val), testAuroc: await score(data.files.test) };
      } finally {
        await engine.release();
        fs.rmSync(file);
      }
    };
    for (let epoch = 0; epoch < run.epochsDone; epoch++) {
      const validated = path.join(runDir, keptName(epoch, 'validated'));
      if (!fs.existsSync(validated)) continue;
      const live = path.join(runDir, keptName(epoch, 'live'));
      scores.push({ epoch, ...(await scoreWeights(validated)), ...(fs.existsSync(live) ? { live: await scoreWeights(live) } : {}) });
    }
    return scores;
  } finally {
    store.close();
  }
}
