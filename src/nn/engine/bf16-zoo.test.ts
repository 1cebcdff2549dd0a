// Every zoo architecture trains under bf16 autocast: a step at a small input size, batch 2, with a finite loss that
// moves the weights. (MobileNetV2's ReLU6 has no bfloat16 backward in libtorch 1.13; EfficientNet brings SiLU and
// squeeze-and-excitation, DenseNet and Inception concat, every one batch norm and pooling.)
import { describe, expect, it } from 'vitest';
import { randomBatch } from '../../../test/helpers/tiny-graphs.js';
import { createModelGraph, listModels } from '../registry.js';
import '../zoo/index.js';
import { InlineModel } from './inline.js';

/** The smallest round size every architecture accepts (Inception v3 needs 75 px). */
const sizeFor = (minInputSize: number) => Math.max(32, minInputSize);

describe('bf16 training step of every zoo architecture', () => {
  it.each(listModels())('%s', async (arch) => {
    const graph = createModelGraph(arch, { inputChannels: 1 });
    const model = new InlineModel(graph, { seed: 1, threads: 2, precision: 'bf16' });
    const head = `${graph.head}.weight`;
    const before = (await model.stateDict())[head]!.data;
    const result = await model.trainStep(randomBatch(2, sizeFor(graph.minInputSize), 1), new Int32Array([0, 1]), 1e-3);
    expect(Number.isFinite(result.loss)).toBe(true);
    expect(result.count).toBe(2);
    const after = (await model.stateDict())[head]!;
    expect(after.dtype).toBe('float32');
    expect(after.data).not.toEqual(before);
  }, 60_000);
});
