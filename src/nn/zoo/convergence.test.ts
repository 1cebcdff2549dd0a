// Every architecture must be able to learn: each overfits 64 generated images to 100% training accuracy.
import { describe, expect, it } from 'vitest';
import { leftRightTask } from '../../../test/helpers/tiny-graphs.js';
import { InlineModel } from '../engine/inline.js';
import { createModelGraph, listModels } from '../registry.js';
import './index.js';

const MAX_STEPS = 60;

describe('zoo convergence', () => {
  it.each(listModels())('%s overfits 64 generated images', async (arch) => {
    const graph = createModelGraph(arch, { inputChannels: 1 });
    const size = Math.max(32, graph.minInputSize);
    const { batch, labels } = leftRightTask(64, size, 1, 7);
    const model = new InlineModel(graph, { seed: 1, threads: 2 });
    await model.configureOptimizer({ type: 'adamw', lr: 2e-3, weightDecay: 0 });
    let accuracy = 0;
    let steps = 0;
    while (steps < MAX_STEPS && accuracy < 1) {
      for (let k = 0; k < 5; k++, steps++) await model.trainStep(batch, labels, 2e-3);
      // Judge in eval mode: running batch-norm statistics must have followed the training too.
      const { logits } = await model.predict(batch);
      const data = logits.data as Float32Array;
      accuracy = labels.reduce((hits, label, i) => hits + (Number(data[2 * i + 1]! > data[2 * i]!) === label ? 1 : 0), 0) / 64;
    }
    expect(accuracy, `${arch} after ${steps} steps`).toBe(1);
  });
});
