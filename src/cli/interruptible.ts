import type { LaunchedRun } from '../train/launch.js';
import type { TrainRunResult } from '../train/train-run.js';
import { log } from './output.js';

/**
 * Waits for a launched training run with Ctrl-C and SIGTERM turned into a stop after the current step (the run stays
 * resumable); a second Ctrl-C kills it (its checkpoints are atomic). `interrupted` (on the result, or on the error of
 * a killed run) says that the person asked to stop, so the command trains nothing more.
 */
export async function awaitInterruptible(launched: LaunchedRun): Promise<{ result: TrainRunResult; interrupted: boolean }> {
  let interrupted = false;
  const kill = () => launched.kill('SIGKILL');
  const interrupt = () => {
    log('stopping after the current step (press Ctrl-C again to kill)…');
    interrupted = true;
    launched.stop();
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
    process.once('SIGINT', kill);
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    return { result: await launched.result, interrupted };
  } catch (error) {
    // A second Ctrl-C kills the run, which then fails: the caller still learns that the person asked to stop.
    throw Object.assign(error as Error, { interrupted });
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
    process.removeListener('SIGINT', kill);
  }
}
