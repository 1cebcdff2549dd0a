import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_DIFFICULTY, TRUTH_FILE, type SyntheticTruthFile } from '../../src/synth/index.js';
import { evaluateRun, type RunEvaluation } from '../../src/train/evaluate-run.js';
import { shortTrainingRecipe } from '../../src/train/short-recipe.js';
import { trainRun } from '../../src/train/train-run.js';
import { syntheticProject } from './synthetic-project.js';

/** The learnability setting: 2,000 generated images at 64 px, small_cnn, 12 epochs of the short recipe. */
export const LEARNABILITY = { n: 2000, size: 64, arch: 'small_cnn', epochs: 12 } as const;

export interface LearnabilityResult {
  evaluation: RunEvaluation;
  truth: SyntheticTruthFile;
  /** Mean probability of `fractured` given to the test split's hairline cracks and to its other breaks. */
  meanScore: { hairline: number; other: number; hairlineCount: number };
  seconds: number;
}

/**
 * Generates, imports, trains and evaluates one learnability run at the default difficulty (data and training
 * seeded by `seed`), in a temporary folder removed afterwards.
 */
export async function measureLearnability(seed: number, difficulty = DEFAULT_DIFFICULTY): Promise<LearnabilityResult> {
  const started = performance.now();
  const project = await syntheticProject({ n: LEARNABILITY.n, size: LEARNABILITY.size, seed, difficulty, name: 'learnability' });
  try {
    const truth = JSON.parse(fs.readFileSync(path.join(project.images, TRUTH_FILE), 'utf8')) as SyntheticTruthFile;
    const run = await trainRun({
      workspace: project.workspace,
      project: 'learnability',
      recipe: shortTrainingRecipe({ arch: LEARNABILITY.arch, size: LEARNABILITY.size, epochs: LEARNABILITY.epochs, threads: 2, seed }),
    });
    const evaluation = await evaluateRun({ workspace: project.workspace, runId: run.id, split: 'test' });
    const typeOf = new Map(truth.images.map((image) => [path.basename(image.file), image.fracture?.type]));
    const scores = { hairline: [] as number[], other: [] as number[] };
    for (const file of evaluation.files) {
      const type = typeOf.get(path.basename(file.file));
      if (type) scores[type === 'hairline' ? 'hairline' : 'other'].push(file.probabilities.fractured!);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return {
      evaluation,
      truth,
      meanScore: { hairline: mean(scores.hairline), other: mean(scores.other), hairlineCount: scores.hairline.length },
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    fs.rmSync(path.dirname(project.workspace), { recursive: true, force: true });
  }
}
