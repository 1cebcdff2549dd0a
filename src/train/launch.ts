import { OsteonError } from '../errors.js';
import { ENGINE_PROCESS_ENV } from '../nn/engine/index.js';
import { forkModule } from '../util/fork-module.js';
import type { LaunchMessage, LaunchRequest } from './launch-protocol.js';
import type { TrainRunOptions, TrainRunResult } from './train-run.js';

export interface LaunchedRun {
  result: Promise<TrainRunResult>;
  /** Asks the run to stop after its current step; its last complete epoch stays resumable. */
  stop(): void;
  /** Kills the training process at once (what a crash looks like). */
  kill(signal?: NodeJS.Signals): void;
  readonly pid: number | undefined;
}

/**
 * Starts `trainRun` in a child process with the engine's allocator and threading environment, forwarding its
 * events. A native crash rejects `result` with ENGINE_CRASHED; the run's last epoch checkpoint survives.
 */
export function launchTraining(options: TrainRunOptions): LaunchedRun {
  const { onEvent, shouldStop: _ignored, ...serialisable } = options;
  const child = forkModule(new URL('./launch-entry.js', import.meta.url), ENGINE_PROCESS_ENV);
  let settled = false;
  const result = new Promise<TrainRunResult>((resolve, reject) => {
    child.on('message', (message: LaunchMessage) => {
      if (message.type === 'event') onEvent?.(message.event);
      else if (message.type === 'done') {
        settled = true;
        resolve(message.result);
      } else {
        settled = true;
        reject(new OsteonError(message.error.code, message.error.message));
      }
    });
    child.on('exit', (code, signal) => {
      if (!settled) {
        reject(new OsteonError('ENGINE_CRASHED',
          `The training process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}. ` +
          'Resume the run with `osteon train --resume RUN`: at most the current epoch is lost.'));
      }
    });
  });
  const request: LaunchRequest = { type: 'start', options: serialisable };
  child.send(request);
  return {
    result,
    stop: () => {
      if (child.connected) child.send({ type: 'stop' } satisfies LaunchRequest);
    },
    kill: (signal = 'SIGKILL') => child.kill(signal),
    get pid() {
      return child.pid;
    },
  };
}
