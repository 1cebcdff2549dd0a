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
  /** The averaged weights (recipe.emaHalfLife > 0) and how many steps they hold. */
  averaged?: string;
  averagedSteps?: number;
  /** The epoch whose weights are the run's model (recipe.selection) and its validation AUROC. */
  bestEpoch: number | null;
  bestValAuroc: number | null;
  /** The best validation AUROC so far, which early stopping watches (absent before selection existed: bestValAuroc). */
  peakValAuroc?: number | null;
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

/**
 * Saves the epoch's weights (and, when `averaged`, the averaged weights) and optimizer under epoch-numbered names,
 * then the state that points at them. The model holds its live weights before and after.
 */
export async function saveEpochCheckpoint(
  model: TrainableModel,
  runDir: string,
  state: Omit<RunState, 'weights' | 'optimizer' | 'averaged' | 'averagedSteps'>,
  metadata: Record<string, string>,
  options: { averaged?: boolean } = {},
): Promise<RunState> {
  const tag = `epoch-${String(state.epochsDone).padStart(4, '0')}`;
  const full: RunState = { ...state, weights: `${tag}.safetensors`, optimizer: `${tag}.optimizer.pt` };
  await model.saveWeights(path.join(runDir, full.weights), metadata);
  if (options.averaged) {
    full.averaged = `${tag}.averaged.safetensors`;
    full.averagedSteps = await model.swapAveraged();
    try {
      await model.saveWeights(path.join(runDir, full.averaged), { ...metadata, weights: 'averaged' });
    } finally {
      await model.swapAveraged();
    }
  }
  await model.saveOptimizer(path.join(runDir, full.optimizer));
  writeFileAtomic(runFiles(runDir).state, JSON.stringify(full, null, 2));
  // Older epochs are no longer needed once the new state is durable.
  for (const name of fs.readdirSync(runDir)) {
    if (name.startsWith('epoch-') && ![full.weights, full.optimizer, full.averaged].includes(name)) fs.rmSync(path.join(runDir, name), { force: true });
  }
  return full;
}
