import { launchTraining } from '../../train/launch.js';
import type { TrainRunOptions, TrainRunResult } from '../../train/train-run.js';

/** A training run started for the web UI. */
export interface TrainingJob {
  result: Promise<TrainRunResult>;
  /** Stops after the current step; the last complete epoch stays resumable. */
  stop(): void;
  /** Ends the run at once (when a stop is not heard, e.g. while the tensor cache is still being built). */
  kill(): void;
}

/**
 * Where the web UI's training runs go. Today: a child process on this machine (`launchTraining`); this is the one
 * place to change when runs go through the job queue.
 */
export function startTraining(options: TrainRunOptions): TrainingJob {
  const launched = launchTraining(options);
  return { result: launched.result, stop: () => launched.stop(), kill: () => launched.kill('SIGTERM') };
}
