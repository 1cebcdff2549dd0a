import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import '../zoo/index.js';
import { createModelGraph, listModels } from '../registry.js';
import type { Graph } from '../ir.js';
import { readOnnxInitializer, readOnnxMetadata } from './read.js';
import { writeOnnx } from './write.js';
import { randomWeights, runGraph, seededRandom, tensor, type Tensor } from '../../../test/helpers/reference-ops.js';

/** Small enough for the naive reference to run the deepest model in a few seconds. */
const exportSize = (graph: Graph) => Math.max(graph.minInputSize, 32);

function randomImages(n: number, channels: number, size: number, seed: number): Tensor {
  const random = seededRandom(seed);
  const t = tensor([n, channels, size, size]);
  for (let i = 0; i < t.data.length; i++) t.data[i] = random() * 2 - 1;
  return t;
}

/** Largest difference relative to the largest magnitude of the expected values. */
function relativeError(actual: Float32Array, expected: Float64Array): number {
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  return Math.max(...Array.from(actual, (v, i) => Math.abs(v - (expected[i] as number)))) / scale;
}

describe('every zoo architecture exports and runs in onnxruntime', () => {
  const archs = listModels();

  it('the zoo registers architectures', () => {
    expect(archs.length).toBeGreaterThan(0);
  });

  it.each(archs)('%s', async (arch) => {
    const graph = createModelGraph(arch);
    const weights = randomWeights(graph, 2024);
    const size = exportSize(graph);
    const bytes = writeOnnx(graph, weights, { metadata: { runId: 'zoo-test' }, inputSize: size });
    const input = randomImages(2, graph.inputChannels, size, 5);

    const session = await ort.InferenceSession.create(bytes);
    let outputs: ort.InferenceSession.ReturnType;
    try {
      outputs = await session.run({ input: new ort.Tensor('float32', Float32Array.from(input.data), input.shape) });
    } finally {
      await session.release();
    }
    const logits = outputs.logits as ort.Tensor;
    const probabilities = outputs.probabilities as ort.Tensor;
    const features = outputs.features as ort.Tensor;
    expect([...logits.dims]).toEqual([2, 2]);
    expect([...probabilities.dims]).toEqual([2, 2]);
    expect([...(logits.data as Float32Array), ...(features.data as Float32Array)].every(Number.isFinite)).toBe(true);

    // The head weighs the feature map's channels: serving's class activation maps rely on this.
    const head = readOnnxInitializer(bytes, readOnnxMetadata(bytes)['osteon.head_weight'] as string);
    expect(head.dims.slice(0, 2)).toEqual([2, features.dims[1]]);
    expect(head.dims.slice(2).every((d) => d === 1)).toBe(true);
    expect(head.data).toEqual(weights.get(`${graph.head}.weight`));

    // With folded batch norms, the model still computes what the IR means (checked on the first image: the
    // reference is slow).
    const first = { shape: [1, ...input.shape.slice(1)], data: input.data.subarray(0, input.data.length / 2) };
    const reference = runGraph(graph, weights, first);
    expect([...features.dims]).toEqual([2, ...(reference.get(graph.featureMap) as Tensor).shape.slice(1)]);
    const firstLogits = (logits.data as Float32Array).subarray(0, 2);
    expect(relativeError(firstLogits, (reference.get(graph.output) as Tensor).data)).toBeLessThan(1e-4);
  });
});
