import type { TrainEvent, TrainRunOptions, TrainRunResult } from './train-run.js';

export type LaunchRequest = { type: 'start'; options: Omit<TrainRunOptions, 'onEvent' | 'shouldStop'> } | { type: 'stop' };

export type LaunchMessage =
  | { type: 'event'; event: TrainEvent }
  | { type: 'done'; result: TrainRunResult }
  | { type: 'error'; error: { code: string; message: string } };
