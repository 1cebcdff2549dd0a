import type { TrainRecipe } from '../train/recipe.js';
import type { TrainJobPayload } from './kinds/train-job.js';
import type { EnqueueOptions, JobInfo, JobQueue } from './types.js';

/** Enqueues one training run (a new recipe, or `resume` of an existing run); `options.group` gathers a launch's runs. */
export function enqueueTraining(
  queue: JobQueue,
  job: { project: string | number; recipe?: TrainRecipe; resume?: string },
  options: EnqueueOptions = {},
): Promise<JobInfo> {
  const payload: TrainJobPayload = { ...job, enqueuedAt: new Date().toISOString() };
  return queue.enqueue('train', payload, options);
}

/** Enqueues each trial of a sweep as its own job, so as many workers as there are run trials at once. */
export async function enqueueSweep(
  queue: JobQueue,
  sweep: { sweepId: string; project: string | number; trials: Array<{ params: Record<string, string>; recipe: TrainRecipe }> },
): Promise<JobInfo[]> {
  const enqueuedAt = new Date().toISOString();
  const jobs: JobInfo[] = [];
  for (const trial of sweep.trials) {
    const payload: TrainJobPayload = { project: sweep.project, recipe: trial.recipe, sweepId: sweep.sweepId, params: trial.params, enqueuedAt };
    jobs.push(await queue.enqueue('sweep-trial', payload, { group: sweep.sweepId }));
  }
  return jobs;
}
