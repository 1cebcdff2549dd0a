import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { getProject, listImages, openStore, type DatasetStore, type Project } from '../data/index.js';
import { OsteonError } from '../errors.js';
import { createTrainableModel, resolvePrecision, type ResolvedPrecision, type TrainableModel } from '../nn/engine/index.js';
import { countParameters, type Graph } from '../nn/ir.js';
import { createModelGraph } from '../nn/registry.js';
import { loadSafetensors } from '../nn/safetensors.js';
import { initialiseFromCheckpoint } from '../nn/transfer.js';
import { weightsPath } from '../nn/weights.js';
import '../nn/zoo/index.js';
import { createBatchLoader, usableImages } from '../pipeline/index.js';
import { hashKey } from '../pipeline/random.js';
import type { BatchLoader } from '../pipeline/types.js';
import { workspacePaths } from '../util/workspace.js';
import { VERSION } from '../version.js';
import { readRunState, runFiles, saveEpochCheckpoint, type RunState } from './checkpoint.js';
import { preprocessSpecFor } from './preprocess-spec.js';
import { defaultRecipe, storedRunRecipe, validateRecipe, type TrainRecipe } from './recipe.js';
import { createRun, getRun, newRunId, recordEpoch, updateRun } from './runs.js';
import { reconcileEpochRecords } from './reconcile-epochs.js';
import { currentOwner, ownerState } from './run-owner.js';
import { learningRateAt } from './schedule.js';
import { scoreValidation, type ValidationScores } from './validate.js';

/** Keys the model's dropout and stochastic-depth draws apart from the loader's streams. */
const RANDOM_DRAWS = 0xd209;

export type TrainEvent =
  | { type: 'start'; runId: string; arch: string; epochs: number; stepsPerEpoch: number; startEpoch: number }
  | { type: 'step'; runId: string; epoch: number; step: number; stepsPerEpoch: number; loss: number; accuracy: number; imagesPerSecond: number; lr: number }
  | { type: 'epoch'; runId: string; epoch: number; metrics: EpochMetrics; improved: boolean }
  | { type: 'prepare'; runId: string; stage: string; done: number; total: number }
  | { type: 'log'; runId: string; message: string };

export interface EpochMetrics extends ValidationScores {
  trainLoss: number;
  trainAccuracy: number;
  lr: number;
  imagesPerSecond: number;
  seconds: number;
}

export interface TrainRunOptions {
  workspace: string;
  /** Project id or name (a resumed run keeps its own). */
  project: string | number;
  /** What to train; not needed when resuming (the run keeps its recipe). */
  recipe?: Partial<TrainRecipe> & { arch: string };
  /** Continue this run from its last complete epoch instead of starting a new one. */
  resume?: string;
  sweepId?: string;
  onEvent?: (event: TrainEvent) => void;
  /** Asked between steps; returning true stops the run cleanly (status `stopped`). */
  shouldStop?: () => boolean;
}

export interface TrainRunResult {
  id: string;
  arch: string;
  status: 'completed' | 'stopped';
  epochsDone: number;
  best: { epoch: number | null; valAuroc: number | null };
  imagesPerSecond: number | null;
  trainSeconds: number;
  /** The arithmetic the run trained in (its recipe's choice, resolved). */
  precision: ResolvedPrecision['precision'];
}

/** The images a run uses (the loader's rule), hashed so a run names its exact data. */
function dataFingerprint(store: DatasetStore, project: Project): { hash: string; train: number; val: number } {
  const hash = crypto.createHash('sha256');
  const counts = { train: 0, val: 0 };
  for (const split of ['train', 'val'] as const) {
    const images = usableImages(listImages(store, project.id, { split }), project.classes);
    images.sort((a, b) => a.id - b.id);
    for (const image of images) hash.update(`${split}:${image.sha256}:${image.label}\n`);
    counts[split] = images.length;
  }
  return { hash: hash.digest('hex'), ...counts };
}

function classWeights(labels: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) counts[label]!++;
  return counts.map((c) => (c > 0 ? labels.length / (classes * c) : 0));
}

/**
 * The precision a run trains in. A new run resolves its recipe's choice on this machine; a resumed run keeps the
 * precision recorded in its recipe.json when it began (runs from before the choice existed trained in fp32).
 */
function runPrecision(recipe: TrainRecipe, recipeFile: string, resumed: boolean): ResolvedPrecision {
  if (!resumed) return resolvePrecision(recipe.precision, { arch: recipe.arch, device: recipe.device });
  const recorded = fs.existsSync(recipeFile) ? (JSON.parse(fs.readFileSync(recipeFile, 'utf8')) as { precisionUsed?: 'fp32' | 'bf16' }).precisionUsed : undefined;
  return recorded
    ? resolvePrecision(recorded, { arch: recipe.arch, device: recipe.device })
    : { precision: 'fp32', reason: 'the run began before precision was recorded' };
}

async function prepareModel(graph: Graph, recipe: TrainRecipe, precision: ResolvedPrecision, runDir: string, state: RunState | undefined, emit: (m: string) => void) {
  const model = createTrainableModel(graph, {
    isolation: 'inline',
    threads: recipe.threads,
    seed: recipe.seed,
    device: recipe.device,
    precision: precision.precision,
  });
  await model.configureOptimizer({
    type: recipe.optimizer,
    lr: recipe.lr,
    weightDecay: recipe.weightDecay,
    momentum: recipe.momentum,
    nesterov: recipe.nesterov,
  });
  if (state) {
    await model.loadStateDict(loadSafetensors(path.join(runDir, state.weights)).state);
    await model.loadOptimizer(path.join(runDir, state.optimizer));
    emit(`resumed after epoch ${state.epochsDone}`);
  } else if (recipe.init) {
    const report = await initialiseFromCheckpoint(model, graph, recipe.init);
    emit(`initialised from ${recipe.init}: ${report.loaded} tensors` +
      (report.reinitialised.length ? `, new head (${report.reinitialised.join(', ')})` : '') +
      (report.convertedToGrey.length ? `, RGB filters summed to grey` : ''));
  }
  return model;
}

/** `--init imagenet` means the published weights of the architecture, pulled beforehand. */
function resolveInit(recipe: TrainRecipe, workspace: string): TrainRecipe {
  if (recipe.init !== 'imagenet') return recipe;
  const file = weightsPath(recipe.arch, workspacePaths(workspace).weights);
  if (!fs.existsSync(file)) {
    throw new OsteonError('WEIGHTS_NOT_PULLED', `No ImageNet weights for ${recipe.arch} at ${file}: run \`osteon weights pull ${recipe.arch}\` first.`);
  }
  return { ...recipe, init: file };
}

/**
 * Starts the weight average a recipe asks for (emaHalfLife epochs, as a per-step decay); a resumed run takes up
 * the average its checkpoint saved. Returns whether the run averages.
 */
async function startAveraging(model: TrainableModel, recipe: TrainRecipe, stepsPerEpoch: number, runDir: string, state: RunState | undefined): Promise<boolean> {
  if (!(recipe.emaHalfLife > 0)) return false;
  const decay = 0.5 ** (1 / (recipe.emaHalfLife * stepsPerEpoch));
  await model.configureAveraging({ decay, steps: state?.averagedSteps ?? 0 });
  if (state?.averaged) {
    await model.swapAveraged();
    await model.loadStateDict(loadSafetensors(path.join(runDir, state.averaged)).state);
    await model.swapAveraged();
  }
  return true;
}

async function setFreeze(model: TrainableModel, graph: Graph, epoch: number, recipe: TrainRecipe): Promise<void> {
  if (recipe.freezeEpochs <= 0) return;
  const frozen = epoch < recipe.freezeEpochs;
  await model.setFrozen([''], frozen);
  await model.setFrozen([`${graph.head}.`], false);
}

/**
 * Trains one architecture on a project's train split, validating on its val split after every epoch. Runs in the
 * calling process (launch it through `launchTraining` to isolate native code in a child process).
 */
export async function trainRun(options: TrainRunOptions): Promise<TrainRunResult> {
  const store = openStore(options.workspace);
  const loaders: BatchLoader[] = [];
  // Set once the run is this process's to train: a refused resume (still training elsewhere, data changed) must not
  // mark the run failed.
  let runId: string | undefined;
  try {
    const resumed = options.resume ? getRun(store, options.resume) : undefined;
    const project = getProject(store, resumed?.projectId ?? options.project);
    if (!resumed && !options.recipe) throw new OsteonError('BAD_OPTION', 'Say what to train (a recipe with an architecture) or which run to resume.');
    if (resumed?.status === 'running' && ownerState(resumed.owner) === 'alive' && resumed.owner !== currentOwner()) {
      // Two processes training one run would overwrite each other's checkpoints.
      throw new OsteonError('RUN_IN_PROGRESS', `Run ${resumed.id} is still training (process ${resumed.owner}); ` +
        'stop it first (Ctrl-C, `osteon jobs cancel`), then resume it.');
    }
    // Runs begun before precision, averaging and selection existed lack them in their recipe: they trained without
    // averaging and kept the best validation epoch (their precision: runPrecision).
    const recipe = validateRecipe(resumed ? storedRunRecipe(resumed.recipe) : ({ ...defaultRecipe(options.recipe!.arch), ...options.recipe } as TrainRecipe));
    const graph = createModelGraph(recipe.arch, { inputChannels: recipe.channels, numClasses: project.classes.length });
    const spec = preprocessSpecFor(recipe);
    const fingerprint = dataFingerprint(store, project);
    if (fingerprint.train === 0 || fingerprint.val === 0) {
      throw new OsteonError('NO_TRAINING_DATA',
        `Project "${project.name}" has ${fingerprint.train} labelled training and ${fingerprint.val} validation images. ` +
        'Import images and run `osteon split --project P` first.');
    }
    if (resumed && resumed.dataHash !== fingerprint.hash) {
      throw new OsteonError('DATA_CHANGED', `The images, labels or splits of "${project.name}" changed since run ${resumed.id} began; ` +
        'resuming would mix two data sets. Start a new run instead.');
    }
    const id = resumed?.id ?? newRunId(recipe.arch);
    runId = id;
    const runDir = path.join(workspacePaths(options.workspace).runs, id);
    fs.mkdirSync(runDir, { recursive: true });
    const precision = runPrecision(recipe, runFiles(runDir).recipe, resumed !== undefined);
    if (!resumed) {
      createRun(store, {
        id, projectId: project.id, arch: recipe.arch, recipe, dataHash: fingerprint.hash,
        trainImages: fingerprint.train, valImages: fingerprint.val, parameters: countParameters(graph),
        sweepId: options.sweepId ?? null,
      });
      fs.writeFileSync(runFiles(runDir).recipe, JSON.stringify({
        ...recipe, runId: id, project: project.name, precisionUsed: precision.precision, precisionReason: precision.reason,
      }, null, 2));
    } else {
      updateRun(store, id, { status: 'running', error: null, owner: currentOwner() });
    }
    const emit = (message: string) => options.onEvent?.({ type: 'log', runId: id, message });
    emit(`precision: ${precision.precision} (${precision.reason})`);
    if (precision.warning) emit(`warning: ${precision.warning}`);

    const train = await createBatchLoader({
      workspace: options.workspace, projectId: project.id, split: 'train', spec, batchSize: recipe.batchSize,
      training: true, augment: recipe.augment, seed: recipe.seed, dropLast: true,
      balancedSampling: recipe.classBalancing === 'sampler',
      onProgress: (stage, done, total) => options.onEvent?.({ type: 'prepare', runId: id, stage, done, total }),
    });
    loaders.push(train);
    const val = await createBatchLoader({
      workspace: options.workspace, projectId: project.id, split: 'val', spec, batchSize: recipe.batchSize,
      training: false, seed: recipe.seed,
    });
    loaders.push(val);

    let state = readRunState(runDir);
    if (resumed && state) reconcileEpochRecords(store, id, runFiles(runDir).metrics, state);
    const model = await prepareModel(graph, resolveInit(recipe, options.workspace), precision, runDir, state, emit);
    if (recipe.classBalancing === 'weights') {
      await model.configureLoss({ labelSmoothing: recipe.labelSmoothing, classWeights: classWeights(train.labels, project.classes.length) });
    } else {
      await model.configureLoss({ labelSmoothing: recipe.labelSmoothing });
    }

    const stepsPerEpoch = Math.max(1, Math.floor(train.size / recipe.batchSize));
    const totalSteps = stepsPerEpoch * recipe.epochs;
    const averaging = await startAveraging(model, recipe, stepsPerEpoch, runDir, state);
    const startEpoch = state?.epochsDone ?? 0;
    // `best` is the run's model (by the recipe's selection); `peak` the best validation AUROC, which early stopping watches.
    let best = { epoch: state?.bestEpoch ?? null, auroc: state?.bestValAuroc ?? null };
    let peak = state?.peakValAuroc ?? state?.bestValAuroc ?? null;
    let stale = state?.epochsWithoutImprovement ?? 0;
    let trainSeconds = state?.trainSeconds ?? 0;
    let imagesPerSecond = state?.imagesPerSecond ?? null;
    const positiveIndex = Math.max(0, project.classes.indexOf('fractured'));
    options.onEvent?.({ type: 'start', runId: id, arch: recipe.arch, epochs: recipe.epochs, stepsPerEpoch, startEpoch });

    let stopped = false;
    for (let epoch = startEpoch; epoch < recipe.epochs && !stopped; epoch++) {
      await setFreeze(model, graph, epoch, recipe);
      // Dropout and stochastic depth draw from (seed, epoch), as the loader's order and augmentation do: a resumed
      // epoch replays the draws of the one it replaces.
      await model.seedRandomDraws(hashKey(recipe.seed, epoch, RANDOM_DRAWS));
      const started = performance.now();
      let seen = 0;
      let lossSum = 0;
      let correct = 0;
      let step = 0;
      let lr = recipe.lr;
      for await (const batch of train.epoch(epoch)) {
        lr = learningRateAt(epoch * stepsPerEpoch + step, {
          lr: recipe.lr, totalSteps, warmupSteps: recipe.warmupEpochs * stepsPerEpoch, minFactor: recipe.minLrFactor,
        });
        const result = await model.trainStep(batch.images, batch.labels, lr);
        seen += result.count;
        lossSum += result.loss * result.count;
        correct += result.correct;
        step++;
        options.onEvent?.({
          type: 'step', runId: id, epoch, step, stepsPerEpoch, loss: result.loss, accuracy: correct / seen,
          imagesPerSecond: seen / ((performance.now() - started) / 1000), lr,
        });
        if (options.shouldStop?.()) {
          stopped = true;
          break;
        }
      }
      if (stopped) break;
      const trainTime = (performance.now() - started) / 1000;
      imagesPerSecond = seen / trainTime;
      // Validation and the run's model see the averaged weights when the recipe averages.
      if (averaging) await model.swapAveraged();
      let scores: ValidationScores;
      let improved: boolean;
      let chosen: boolean;
      try {
        scores = await scoreValidation(model, val, positiveIndex, { testTimeFlip: recipe.testTimeFlip });
        improved = scores.valAuroc !== null && (peak === null || scores.valAuroc > peak);
        chosen = recipe.selection === 'last' || improved;
        if (chosen) {
          await model.saveWeights(runFiles(runDir).best, {
            runId: id, arch: recipe.arch, epoch: String(epoch), osteon: VERSION, weights: averaging ? 'averaged' : 'live',
          });
        }
      } finally {
        if (averaging) await model.swapAveraged();
      }
      trainSeconds += (performance.now() - started) / 1000;
      if (chosen) best = { epoch, auroc: scores.valAuroc };
      if (improved) {
        peak = scores.valAuroc;
        stale = 0;
      } else {
        stale++;
      }
      const metrics: EpochMetrics = {
        ...scores, trainLoss: lossSum / Math.max(1, seen), trainAccuracy: correct / Math.max(1, seen), lr, imagesPerSecond,
        seconds: (performance.now() - started) / 1000,
      };
      state = await saveEpochCheckpoint(model, runDir, {
        epochsDone: epoch + 1, bestEpoch: best.epoch, bestValAuroc: best.auroc, peakValAuroc: peak, epochsWithoutImprovement: stale,
        trainSeconds, imagesPerSecond,
      }, { runId: id, arch: recipe.arch, epoch: String(epoch), osteon: VERSION }, { averaged: averaging });
      fs.appendFileSync(runFiles(runDir).metrics, `${JSON.stringify({ epoch, ...metrics })}\n`);
      recordEpoch(store, id, epoch, { ...metrics });
      updateRun(store, id, {
        epochsDone: epoch + 1, bestEpoch: best.epoch, bestValAuroc: best.auroc, trainSeconds, imagesPerSecond,
      });
      options.onEvent?.({ type: 'epoch', runId: id, epoch, metrics, improved });
      if (recipe.patience > 0 && stale >= recipe.patience) {
        emit(`early stop: no better validation AUROC for ${stale} epochs`);
        break;
      }
    }
    const status = stopped ? 'stopped' : 'completed';
    updateRun(store, id, { status, finishedAt: new Date().toISOString() });
    await model.dispose();
    return {
      id, arch: recipe.arch, status, epochsDone: state?.epochsDone ?? 0,
      best: { epoch: best.epoch, valAuroc: best.auroc }, imagesPerSecond, trainSeconds, precision: precision.precision,
    };
  } catch (error) {
    if (runId) {
      try {
        updateRun(store, runId, { status: 'failed', error: (error as Error).message, finishedAt: new Date().toISOString() });
      } catch {
        // the run row may not exist yet
      }
    }
    throw error;
  } finally {
    for (const loader of loaders) await loader.close();
    store.close();
  }
}
