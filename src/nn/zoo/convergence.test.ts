// Every architecture must be able to learn: each overfits 64 generated images to 100% training accuracy within a
// bounded number of steps.
import { describe, expect, it } from 'vitest';
import { leftRightTask } from '../../../test/helpers/tiny-graphs.js';
import { InlineModel } from '../engine/inline.js';
import type { ImageBatch } from '../engine/index.js';
import { createModelGraph, listModels } from '../registry.js';
import './index.js';

const IMAGES = 64;
const BATCH = 16;
// Runs differ slightly between machines (libtorch's parallel reductions), so the bound leaves room: most need under 20.
const MAX_EPOCHS = 50;
/**
 * Training aims at every image right in eval mode, but up to six of 64 may stay wrong: at this input size
 * MobileNetV2's last feature maps are 1x1, where batch norm's statistics over 16 images differ from its running
 * ones, and some starts (two of seven seeds here, two fresh-clone test runs) ended with one to four images wrong in
 * eval mode after 50 epochs, once even with the learning rate decayed to zero. An architecture that cannot learn
 * stays near half.
 */
const EVAL_ACCURACY = 0.9;
/**
 * SqueezeNet has no batch norm and a ReLU after its convolutional classifier: at AdamW 2e-3 about one start in
 * three pushes a whole class map below zero for good (measured 5 of 8), at 5e-4 none did (8 of 8).
 */
const learningRate = (arch: string) => (arch.startsWith('squeezenet') ? 5e-4 : 2e-3);

function slice(batch: ImageBatch, start: number, count: number): ImageBatch {
  const [, h, w, c] = batch.shape;
  const per = h * w * c;
  return { data: batch.data.subarray(start * per, (start + count) * per), shape: [count, h, w, c] };
}

describe('zoo convergence', () => {
  it.each(listModels())('%s overfits 64 generated images', { timeout: 300_000 }, async (arch) => {
    const graph = createModelGraph(arch, { inputChannels: 1 });
    const size = Math.max(32, graph.minInputSize);
    const { batch, labels } = leftRightTask(IMAGES, size, 1, 7);
    const model = new InlineModel(graph, { seed: 1, threads: 2 });
    const lr = learningRate(arch);
    await model.configureOptimizer({ type: 'adamw', lr, weightDecay: 0 });
    let accuracy = 0;
    let epochs = 0;
    while (epochs < MAX_EPOCHS && accuracy < 1) {
      for (let k = 0; k < 2; k++, epochs++) {
        for (let start = 0; start < IMAGES; start += BATCH) {
          await model.trainStep(slice(batch, start, BATCH), labels.subarray(start, start + BATCH), lr);
        }
      }
      // Judge in eval mode: the running batch-norm statistics must have followed the training too.
      const { logits } = await model.predict(batch);
      const data = logits.data as Float32Array;
      accuracy = labels.reduce((hits, label, i) => hits + (Number(data[2 * i + 1]! > data[2 * i]!) === label ? 1 : 0), 0) / IMAGES;
    }
    expect(accuracy, `${arch} after ${epochs} epochs of ${IMAGES / BATCH} steps`).toBeGreaterThanOrEqual(EVAL_ACCURACY);
  });
});
