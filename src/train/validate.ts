import type { TrainableModel } from '../nn/engine/index.js';
import type { BatchLoader } from '../pipeline/types.js';
import { mirrorHorizontally } from '../imaging/mirror.js';
import { softmaxColumn } from './softmax.js';
import { auroc } from '../eval/auroc.js';
import { scoreSample } from '../eval/sample.js';

export interface ValidationScores {
  valLoss: number;
  valAccuracy: number;
  /** null when the validation split holds one class only. */
  valAuroc: number | null;
}

export interface ScoredImages {
  imageIds: number[];
  labels: Int32Array;
  /** Probability of the positive class per image. */
  probabilities: Float64Array;
}

/**
 * Runs the model in eval mode over every image of a loader and returns per-image probabilities; with
 * `testTimeFlip`, each image's are averaged with its mirror's, as serving does (loss and accuracy from the average).
 */
export async function predictLoader(
  model: TrainableModel,
  loader: BatchLoader,
  positiveIndex: number,
  options: { testTimeFlip?: boolean } = {},
): Promise<ScoredImages & { loss: number; correct: number; numClasses: number }> {
  const imageIds: number[] = [];
  const labels: number[] = [];
  const probabilities: number[] = [];
  let loss = 0;
  let correct = 0;
  let numClasses = 2;
  for await (const batch of loader.epoch(0)) {
    const views = [await model.predict(batch.images)];
    if (options.testTimeFlip) {
      const [, height, width, channels] = batch.images.shape as [number, number, number, number];
      views.push(await model.predict({ data: mirrorHorizontally(batch.images.data, height, width, channels), shape: batch.images.shape }));
    }
    const classes = views[0]!.logits.shape[1]!;
    numClasses = classes;
    for (let i = 0; i < batch.labels.length; i++) {
      const p = new Float64Array(classes);
      for (const { logits } of views) {
        const q = softmaxColumn((logits.data as Float32Array).subarray(i * classes, (i + 1) * classes));
        for (let c = 0; c < classes; c++) p[c]! += q[c]! / views.length;
      }
      const label = batch.labels[i]!;
      loss -= Math.log(Math.max(p[label]!, 1e-12));
      let argmax = 0;
      for (let c = 1; c < classes; c++) if (p[c]! > p[argmax]!) argmax = c;
      if (argmax === label) correct++;
      probabilities.push(p[positiveIndex]!);
      labels.push(label);
      imageIds.push(batch.imageIds[i]!);
    }
  }
  return { imageIds, labels: Int32Array.from(labels), probabilities: Float64Array.from(probabilities), loss, correct, numClasses };
}

export async function scoreValidation(
  model: TrainableModel,
  loader: BatchLoader,
  positiveIndex: number,
  options: { testTimeFlip?: boolean } = {},
): Promise<ValidationScores> {
  const scored = await predictLoader(model, loader, positiveIndex, options);
  const n = scored.labels.length;
  const valAuroc = n > 0
    ? auroc(scoreSample(scored.probabilities, scored.labels, { positiveIndex, numClasses: scored.numClasses })).value
    : null;
  return { valLoss: scored.loss / Math.max(1, n), valAccuracy: scored.correct / Math.max(1, n), valAuroc };
}
