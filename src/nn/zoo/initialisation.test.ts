// Trained from scratch, an architecture must start where gradients flow: activations of a sensible scale at
// the feature map, and no class whose logit is dead before the first step (SqueezeNet's ReLU classifier map).
// SqueezeNet started with a feature map about 2.5x torchvision's scale and a class map below zero, and then
// never left chance under the default recipe, until its convolutions were initialised as torchvision does.
import { describe, expect, it } from 'vitest';
import { createTrainableModel } from '../engine/index.js';
import { createModelGraph, listModels } from '../registry.js';
import { prng } from '../../../test/helpers/tiny-graphs.js';
import './index.js';

function standardDeviation(values: Float32Array): number {
  let mean = 0;
  for (const v of values) mean += v / values.length;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2 / values.length;
  return Math.sqrt(variance);
}

describe('initialisation from scratch', () => {
  it.each(listModels())('%s starts with a feature map of unit-like scale and every class alive', async (arch) => {
    const graph = createModelGraph(arch, { inputChannels: 1, numClasses: 2 });
    const model = createTrainableModel(graph, { isolation: 'inline', seed: 1, threads: 2 });
    try {
      const size = Math.max(96, graph.minInputSize);
      const random = prng(7);
      // Unit-variance input, as normalisation makes of a radiograph; batch statistics, as in a training step
      // (at initialisation the running statistics make batch norm an identity).
      const data = Float32Array.from({ length: 2 * size * size }, () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
      const { logits, features } = await model.predict({ data, shape: [2, size, size, 1] }, { features: true, training: true });
      const scale = standardDeviation(features!.data as Float32Array);
      expect(scale).toBeGreaterThan(0.1);
      expect(scale).toBeLessThan(3);
      const values = Array.from(logits.data as Float32Array);
      expect(values.every(Number.isFinite)).toBe(true);
      // A ReLU classifier map (SqueezeNet) gives exactly 0 for a class whose map is below zero everywhere.
      if (arch === 'squeezenet1_1') expect(Math.min(...values)).toBeGreaterThan(0);
    } finally {
      await model.dispose();
    }
  });
});
