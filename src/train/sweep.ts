import { OsteonError } from '../errors.js';
import { mulberry32 } from '../util/random.js';
import { applyOverrides, type TrainRecipe } from './recipe.js';
import { newRunId } from './runs.js';

/** Hyperparameter values per recipe field, e.g. {lr: ['1e-3', '3e-4'], 'augment.horizontalFlip': ['0', '0.5']}. */
export type SearchSpace = Record<string, string[]>;

/** Short names users type in a grid, mapped to recipe fields. */
const ALIASES: Record<string, string> = { flip: 'augment.horizontalFlip', batch: 'batchSize', wd: 'weightDecay' };

/** Parses `"lr=1e-3,3e-4 weightDecay=1e-4,1e-2 flip=0,0.5"` into a search space. */
export function parseGrid(text: string): SearchSpace {
  const space: SearchSpace = {};
  for (const term of text.trim().split(/\s+/).filter(Boolean)) {
    const at = term.indexOf('=');
    if (at < 1 || at === term.length - 1) {
      throw new OsteonError('BAD_OPTION', `Grid term "${term}" must look like key=v1,v2 (e.g. lr=1e-3,3e-4).`);
    }
    const key = ALIASES[term.slice(0, at)] ?? term.slice(0, at);
    space[key] = term.slice(at + 1).split(',').filter(Boolean);
  }
  if (Object.keys(space).length === 0) throw new OsteonError('BAD_OPTION', 'The grid is empty: give at least one key=v1,v2.');
  return space;
}

/** Every combination of the space, in a stable order (the last key varies fastest). */
export function gridTrials(space: SearchSpace): Array<Record<string, string>> {
  return Object.entries(space).reduce<Array<Record<string, string>>>(
    (trials, [key, values]) => trials.flatMap((t) => values.map((v) => ({ ...t, [key]: v }))),
    [{}],
  );
}

/** `n` combinations drawn at random (seeded, without repeats while the grid has unused ones). */
export function randomTrials(space: SearchSpace, n: number, seed: number): Array<Record<string, string>> {
  const all = gridTrials(space);
  const random = mulberry32(seed);
  const order = all.map((trial, i) => ({ trial, key: random() + Math.floor(i / all.length) }));
  order.sort((a, b) => a.key - b.key);
  return Array.from({ length: n }, (_, i) => order[i % order.length]!.trial);
}

/** The recipe of each trial: the base recipe with the trial's values applied (validated). */
export function trialRecipes(base: TrainRecipe, trials: Array<Record<string, string>>): TrainRecipe[] {
  return trials.map((params) => applyOverrides(base, params));
}

export const newSweepId = () => newRunId('sweep');
