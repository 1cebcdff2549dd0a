// What the API and the training page ask to train, turned into validated recipes (one per job).
import { OsteonError } from '../errors.js';
import { enqueueSweep, enqueueTraining, type JobInfo, type JobQueue } from '../jobs/index.js';
import { resolveAugment, type AugmentConfig } from '../pipeline/index.js';
import { applyOverrides, defaultRecipe, type TrainRecipe } from '../train/recipe.js';
import { newRunId } from '../train/runs.js';
import { gridTrials, newSweepId, parseGrid, randomTrials } from '../train/sweep.js';

export interface TrainingRequest {
  archs: string[];
  /** Recipe fields to override, as the CLI's --set takes them (`lr`, `size`, `augment.horizontalFlip`, ...). */
  set?: Record<string, string | number | boolean>;
  augment?: Partial<AugmentConfig>;
  /** A sweep grid, e.g. "lr=1e-3,3e-4 batchSize=16,32": every combination per architecture. */
  grid?: string;
  /** With a grid: this many combinations drawn at random (seeded) instead of all of them. */
  trials?: number;
  seed?: number;
}

export interface PlannedTraining {
  recipe: TrainRecipe;
  /** The trial's hyperparameters, for a sweep. */
  params?: Record<string, string>;
}

/** Most runs one request may queue (a grid grows fast). */
export const MAX_RUNS_PER_REQUEST = 48;

/**
 * The runs a request asks for: each architecture with the overrides, times the sweep grid when there is one.
 * Rejects unknown architectures and recipe fields before anything is enqueued.
 */
export function planTraining(request: TrainingRequest): PlannedTraining[] {
  if (request.archs.length === 0) throw new OsteonError('BAD_REQUEST', 'Choose at least one architecture to train.');
  const overrides = Object.fromEntries(Object.entries(request.set ?? {}).map(([k, v]) => [k, String(v)]));
  const augment = resolveAugment((request.augment ?? {}) as Parameters<typeof resolveAugment>[0]);
  const grid = request.grid?.trim();
  const trials = grid
    ? request.trials
      ? randomTrials(parseGrid(grid), request.trials, request.seed ?? 1)
      : gridTrials(parseGrid(grid))
    : null;
  const planned = request.archs.flatMap((arch): PlannedTraining[] => {
    const base = applyOverrides({ ...defaultRecipe(arch), augment }, overrides);
    return trials ? trials.map((params) => ({ recipe: applyOverrides(base, params), params })) : [{ recipe: base }];
  });
  if (planned.length > MAX_RUNS_PER_REQUEST) {
    throw new OsteonError('BAD_REQUEST', `This request would train ${planned.length} runs; narrow the grid or the architectures to at most ${MAX_RUNS_PER_REQUEST}.`);
  }
  return planned;
}

export interface EnqueuedTraining {
  /** The job group of the request: the sweep's id for a sweep. */
  group: string;
  sweepId: string | null;
  jobs: JobInfo[];
}

/** Enqueues one job per planned run, all in one group (a sweep's trials as `sweep-trial` jobs of the sweep). */
export async function enqueuePlannedTraining(queue: JobQueue, projectId: number, planned: PlannedTraining[]): Promise<EnqueuedTraining> {
  if (planned.some((p) => p.params)) {
    const sweepId = newSweepId();
    const trials = planned.map((p) => ({ params: p.params ?? {}, recipe: p.recipe }));
    return { group: sweepId, sweepId, jobs: await enqueueSweep(queue, { sweepId, project: projectId, trials }) };
  }
  const group = newRunId('training');
  const jobs: JobInfo[] = [];
  for (const { recipe } of planned) jobs.push(await enqueueTraining(queue, { project: projectId, recipe }, { group }));
  return { group, sweepId: null, jobs };
}
