import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { TrainableModel } from '../nn/engine/index.js';

/**
 * What a run needs to resume: written (atomically) only after the epoch's weights and optimizer state are on
 * disk, so after a kill -9 it always names complete files and at most the current epoch is lost.
 */
export interface RunState {
  epochsDone: number;
  weights: string;
  optimizer: string;
  bestEpoch: number | null;
  bestValAuroc: number | null;
  epochsWithoutImprovement: number;
  trainSeconds: number;
  imagesPerSecond: number | null;
}

export const runFiles = (runDir: string) => ({
  state: path.join(runDir, 'state.json'),
  recipe: path.join(runDir, 'recipe.json'),
  best: path.join(runDir, 'best.safetensors'),
  metrics: path.join(runDir, 'metrics.jsonl'),
});

export function readRunState(runDir: string): RunState | undefined {
  const file = runFiles(runDir).state;
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RunState;
}

/** Saves the epoch's weights and optimizer under epoch-numbered names, then the state that points at them. */
export async function saveEpochCheckpoint(
  model: TrainableModel,
  runDir: string,
  state: Omit<RunState, 'weights' | 'optimizer'>,
  metadata: Record<string, string>,
): Promise<RunState> {
  const tag = `epoch-${String(state.epochsDone).padStart(4, '0')}`;
  const full: RunState = { ...state, weights: `${tag}.safetensors`, optimizer: `${tag}.optimizer.pt` };
  await model.saveWeights(path.join(runDir, full.weights), metadata);
  await model.saveOptimizer(path.join(runDir, full.optimizer));
  writeFileAtomic(runFiles(runDir).state, JSON.stringify(full, null, 2));
  // Older epochs are no longer needed once the new state is durable.
  for (const name of fs.readdirSync(runDir)) {
    if (name.startsWith('epoch-') && name !== full.weights && name !== full.optimizer) fs.rmSync(path.join(runDir, name), { force: true });
  }
  return full;
}
