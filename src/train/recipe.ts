import { OsteonError } from '../errors.js';
import { architectureInfo } from '../nn/registry.js';
import '../nn/zoo/index.js';
import type { PrecisionChoice } from '../nn/engine/precision.js';
import type { AugmentConfig } from '../pipeline/types.js';

/**
 * Everything that decides how a model is trained. The defaults are the recipe that works on small radiograph
 * sets without tuning; every field can be overridden (`--set key=value` on the CLI).
 */
export interface TrainRecipe {
  arch: string;
  /** Square input size in pixels. */
  size: number;
  /** 1 = grey (radiographs); 3 repeats grey to RGB. ImageNet weights load into either. */
  channels: 1 | 3;
  epochs: number;
  batchSize: number;
  optimizer: 'adamw' | 'sgd';
  lr: number;
  weightDecay: number;
  momentum: number;
  nesterov: boolean;
  /** Linear warm-up length, then cosine decay to lr * minLrFactor. */
  warmupEpochs: number;
  minLrFactor: number;
  labelSmoothing: number;
  /** `weights`: loss weighted by inverse class frequency; `sampler`: balanced sampling; `none`. */
  classBalancing: 'weights' | 'sampler' | 'none';
  /** Stop after this many epochs without a better validation AUROC (0 = never). */
  patience: number;
  /**
   * Which epoch's weights become the run's model (exported, evaluated, deployed): `last`, the last epoch trained
   * (early stopping still watches validation AUROC); `best-val`, the epoch of the best validation AUROC. `last` by
   * default: on a validation split of few patients, the best validation epoch was an early, spurious peak that
   * scored worse on test than the end of the schedule (BENCHMARKS.md, quality).
   */
  selection: 'best-val' | 'last';
  /**
   * Half-life, in epochs, of an exponential moving average of the weights (0 = none): validation and the run's
   * model then use the average. Off by default: at the end of a cosine schedule it scored as the live weights did,
   * and in runs of a few dozen steps its batch-norm statistics (averaged, not recomputed) can lag far behind.
   */
  emaHalfLife: number;
  /**
   * Validation, evaluation and serving average each image's probabilities with its left-right mirror's (the model
   * then ignores which side a limb is on, as the training flips teach it to). On by default: it raised validation
   * and test AUROC of most compared runs (BENCHMARKS.md, quality), at twice the inference work. Runs from before
   * it existed have none.
   */
  testTimeFlip: boolean;
  /** Parameters whose names start with these prefixes stay frozen for the first `freezeEpochs` epochs. */
  freezeEpochs: number;
  /** A torchvision-keyed checkpoint (.pth/.safetensors) to start from. */
  init?: string;
  seed: number;
  augment: Partial<AugmentConfig>;
  /** Intra-op threads (default: every core). */
  threads?: number;
  device: 'cpu' | 'cuda';
  /**
   * Arithmetic of training steps: `bf16` autocast (weights, optimizer state and loss in fp32), `fp32`, or `auto`
   * (bf16 where the CPU computes it natively and the architecture is verified and faster in it). A run records the
   * precision it resolved to, so a resumed run keeps it.
   */
  precision: PrecisionChoice;
}

export const DEFAULT_RECIPE: Omit<TrainRecipe, 'arch'> = {
  size: 224,
  channels: 1,
  epochs: 20,
  batchSize: 32,
  optimizer: 'adamw',
  lr: 1e-3,
  weightDecay: 0.05,
  momentum: 0.9,
  nesterov: true,
  warmupEpochs: 1,
  minLrFactor: 0.01,
  labelSmoothing: 0.1,
  classBalancing: 'weights',
  patience: 6,
  selection: 'last',
  emaHalfLife: 0,
  testTimeFlip: true,
  freezeEpochs: 0,
  seed: 1,
  augment: {},
  device: 'cpu',
  precision: 'auto',
};

/**
 * The default recipe of one architecture: the common defaults with the architecture's own adjustments
 * (ArchitectureInfo.recipe). Every caller that starts a recipe from an architecture's name starts here.
 */
export function defaultRecipe(arch: string): TrainRecipe {
  const adjustments = architectureInfo(arch).recipe ?? {};
  return { ...structuredClone(DEFAULT_RECIPE), ...structuredClone(adjustments), arch } as TrainRecipe;
}

/**
 * A run's stored recipe with the fields that runs made before them lack, set to what those runs trained and were
 * validated with (not today's defaults): default precision, no weight average, the best validation epoch kept, no
 * test-time flip.
 */
export function storedRunRecipe(stored: TrainRecipe): TrainRecipe {
  return {
    ...stored,
    precision: stored.precision ?? DEFAULT_RECIPE.precision,
    emaHalfLife: stored.emaHalfLife ?? 0,
    selection: stored.selection ?? 'best-val',
    testTimeFlip: stored.testTimeFlip ?? false,
  };
}

const NUMBER_FIELDS = ['size', 'epochs', 'batchSize', 'lr', 'weightDecay', 'momentum', 'warmupEpochs', 'minLrFactor',
  'labelSmoothing', 'patience', 'emaHalfLife', 'freezeEpochs', 'seed', 'threads'] as const;

/** Checks a recipe and says which field is wrong and what it accepts. */
export function validateRecipe(recipe: TrainRecipe): TrainRecipe {
  const fail = (field: string, expected: string) => {
    throw new OsteonError('BAD_OPTION', `Recipe field "${field}" must be ${expected}, got ${JSON.stringify((recipe as unknown as Record<string, unknown>)[field])}.`);
  };
  for (const field of NUMBER_FIELDS) {
    const value = recipe[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) fail(field, 'a number >= 0');
  }
  if (!Number.isInteger(recipe.size) || recipe.size < 16) fail('size', 'an integer >= 16');
  if (!Number.isInteger(recipe.epochs) || recipe.epochs < 1) fail('epochs', 'an integer >= 1');
  if (!Number.isInteger(recipe.batchSize) || recipe.batchSize < 2) fail('batchSize', 'an integer >= 2');
  if (recipe.lr <= 0) fail('lr', 'a positive number');
  if (recipe.labelSmoothing >= 1) fail('labelSmoothing', 'in [0, 1)');
  if (recipe.channels !== 1 && recipe.channels !== 3) fail('channels', '1 or 3');
  if (!['adamw', 'sgd'].includes(recipe.optimizer)) fail('optimizer', '"adamw" or "sgd"');
  if (!['weights', 'sampler', 'none'].includes(recipe.classBalancing)) fail('classBalancing', '"weights", "sampler" or "none"');
  if (!['best-val', 'last'].includes(recipe.selection)) fail('selection', '"best-val" or "last"');
  if (!['auto', 'fp32', 'bf16'].includes(recipe.precision)) fail('precision', '"auto", "fp32" or "bf16"');
  if (typeof recipe.testTimeFlip !== 'boolean') fail('testTimeFlip', 'true or false');
  return recipe;
}

/** Applies `key=value` overrides (numbers, booleans, strings, `augment.horizontalFlip=0`) to a recipe. */
export function applyOverrides(recipe: TrainRecipe, overrides: Record<string, string>): TrainRecipe {
  const out = structuredClone(recipe) as unknown as Record<string, unknown>;
  for (const [key, raw] of Object.entries(overrides)) {
    const value: unknown = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
    const path = key.split('.');
    let target = out;
    for (const part of path.slice(0, -1)) {
      target[part] = (target[part] as Record<string, unknown> | undefined) ?? {};
      target = target[part] as Record<string, unknown>;
    }
    const last = path[path.length - 1]!;
    if (path.length === 1 && !(last in DEFAULT_RECIPE) && last !== 'init' && last !== 'threads' && last !== 'arch') {
      throw new OsteonError('BAD_OPTION', `Unknown recipe field "${key}". Known: ${Object.keys(DEFAULT_RECIPE).join(', ')}, init.`);
    }
    target[last] = value;
  }
  return validateRecipe(out as unknown as TrainRecipe);
}
