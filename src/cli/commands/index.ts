import type { Command } from 'commander';

/** Each command file exports one `register` function; this list is the only place that names them. */
export type RegisterCommand = (program: Command) => void;

export const commands: Array<() => Promise<{ register: RegisterCommand }>> = [
  () => import('./models.js'),
  () => import('./bench.js'),
  () => import('./train.js'),
  () => import('./weights.js'),
  () => import('./eval.js'),
  () => import('./predict.js'),
  () => import('./runs.js'),
  () => import('./sweep.js'),
  () => import('./synth.js'),
  () => import('./project.js'),
  () => import('./import.js'),
  () => import('./split.js'),
  () => import('./dataset.js'),
  () => import('./review.js'),
  () => import('./augment.js'),
  () => import('./demo.js'),
];
