// Osteon's side: the default recipe trained and evaluated through the library, as `osteon train` and
// `osteon eval` do (training in its own process with the engine's environment; evaluation through the exported
// ONNX model with the threshold chosen on val).
import { evaluateRun } from '../../src/train/evaluate-run.js';
import { keepEpochWeights, scoreKeptEpochs } from './epoch-scores.js';
import { launchTraining } from '../../src/train/launch.js';
import { applyOverrides, defaultRecipe } from '../../src/train/recipe.js';
import type { BenchData } from './dataset.js';
import type { SideRun } from './types.js';

export interface OsteonSideOptions {
  workspace: string;
  data: BenchData;
  arch: string;
  seed: number;
  size: number;
  epochs: number;
  threads: number;
  /** Stop training after this many minutes (the epoch the recipe selects among those done is kept); undefined: no limit. */
  minutes?: number;
  /** Keep every epoch's weights and score them on val and test afterwards (a diagnostic; not used to choose). */
  epochScores?: boolean;
  /** Recipe fields changed from the default (`osteon train --set`), for trying a candidate default. */
  overrides?: Record<string, string>;
}

export async function runOsteon(options: OsteonSideOptions): Promise<SideRun> {
  const started = performance.now();
  let stoppedByBudget = false;
  const epochSeconds: number[] = [];
  let budget: NodeJS.Timeout | undefined;
  const recipe = {
    ...applyOverrides(defaultRecipe(options.arch), options.overrides ?? {}),
    size: options.size, epochs: options.epochs, seed: options.seed, threads: options.threads,
  };
  const launched = launchTraining({
    workspace: options.workspace,
    project: options.data.projectName,
    recipe,
    onEvent: (event) => {
      // The budget counts from the first step, as the baseline's does (not the tensor cache build before it).
      if (event.type === 'start' && options.minutes !== undefined) {
        budget = setTimeout(() => {
          stoppedByBudget = true;
          launched.stop();
        }, options.minutes * 60_000);
      } else if (event.type === 'epoch') {
        if (options.epochScores) keepEpochWeights(options.workspace, event.runId, event.epoch);
        const m = event.metrics;
        epochSeconds.push(m.seconds);
        process.stderr.write(`osteon ${options.arch} seed ${options.seed} epoch ${event.epoch + 1}/${options.epochs}: ` +
          `loss ${m.trainLoss.toFixed(4)}, val AUROC ${m.valAuroc?.toFixed(3) ?? 'n/a'}${event.improved ? ' *' : ''}, ${m.seconds.toFixed(0)} s\n`);
      } else if (event.type === 'log') {
        process.stderr.write(`osteon ${options.arch} seed ${options.seed}: ${event.message}\n`);
      }
    },
  });
  let result;
  try {
    result = await launched.result;
  } finally {
    clearTimeout(budget);
  }
  const wallSeconds = (performance.now() - started) / 1000;

  const evaluate = (testTimeFlip?: boolean) =>
    evaluateRun({ workspace: options.workspace, runId: result.id, split: 'test', rule: { kind: 'youden' }, testTimeFlip });
  const inBenchOrder = (evaluation: Awaited<ReturnType<typeof evaluate>>) => {
    const byImage = new Map(evaluation.files.map((f) => [f.imageId, f.probabilities.fractured!]));
    return options.data.files.test.map((f) => {
      const p = byImage.get(f.imageId);
      if (p === undefined) throw new Error(`Osteon's evaluation of run ${result.id} left out test image ${f.relative}.`);
      return p;
    });
  };
  const evaluation = await evaluate();
  const testProbabilities = inBenchOrder(evaluation);
  // What the test-time flip adds: the same model evaluated without it (its own threshold on val).
  const single = recipe.testTimeFlip ? await evaluate(false) : undefined;
  const epochScores = options.epochScores ? await scoreKeptEpochs(options.workspace, result.id, options.data) : undefined;
  return {
    ...(epochScores ? { epochScores } : {}),
    side: 'osteon',
    arch: options.arch,
    seed: options.seed,
    epochsDone: result.epochsDone,
    bestEpoch: result.best.epoch,
    bestValAuroc: result.best.valAuroc,
    trainSeconds: result.trainSeconds,
    epochSeconds,
    wallSeconds,
    stoppedByBudget,
    precision: result.precision,
    threshold: evaluation.threshold.threshold,
    testProbabilities,
    ...(single ? { withoutFlip: { threshold: single.threshold.threshold, testProbabilities: inBenchOrder(single) } } : {}),
  };
}
