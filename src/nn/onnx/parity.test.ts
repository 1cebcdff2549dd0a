// The contract that holds the two engines together: for every zoo architecture, the exported ONNX model run by
// onnxruntime computes what libtorch computes in eval mode, logits and feature map, within 1e-4.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import '../zoo/index.js';
import { createModelGraph, listModels } from '../registry.js';
import { InlineModel } from '../engine/inline.js';
import { exportOnnx } from '../export.js';
import { prng } from '../../../test/helpers/tiny-graphs.js';

const BATCH = 2;

/** Largest absolute difference, relative to the reference's largest magnitude when that exceeds 1. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst / scale;
}

/** Channels-last random images for libtorch and the same images channels-first for onnxruntime. */
function randomImages(n: number, size: number, channels: number, seed: number) {
  const random = prng(seed);
  const nhwc = new Float32Array(n * size * size * channels);
  for (let i = 0; i < nhwc.length; i++) nhwc[i] = random() * 2 - 1;
  const nchw = new Float32Array(nhwc.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        for (let c = 0; c < channels; c++) {
          nchw[((b * channels + c) * size + y) * size + x] = nhwc[((b * size + y) * size + x) * channels + c]!;
        }
  return { batch: { data: nhwc, shape: [n, size, size, channels] as [number, number, number, number] }, nchw };
}

describe('libtorch and onnxruntime agree on every zoo architecture', () => {
  it.each(listModels())('%s', async (arch) => {
    const graph = createModelGraph(arch);
    const size = Math.max(32, graph.minInputSize);
    const channels = graph.inputChannels;
    const model = new InlineModel(graph, { seed: 1, threads: 2 });
    // One step on random data moves the batch-norm running statistics away from 0 and 1.
    await model.configureOptimizer({ type: 'adamw', lr: 1e-3 });
    const train = randomImages(BATCH, size, channels, 7);
    await model.trainStep(train.batch, Int32Array.from([0, 1]), 1e-3);

    const probe = randomImages(BATCH, size, channels, 11);
    const torch = await model.predict(probe.batch, { features: true });
    const state = await model.stateDict();
    const runningVar = Object.entries(state).find(([name]) => name.endsWith('running_var'));
    if (runningVar) expect(Array.from(runningVar[1].data as Float32Array).some((v) => Math.abs(v - 1) > 1e-3)).toBe(true);

    const bytes = exportOnnx(graph, state, {
      spec: { size, channels: 3, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], resize: 'letterbox' },
      classes: ['fractured', 'normal'],
      threshold: 0.5,
      runId: 'parity',
    });
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2 });
    try {
      const out = await session.run({ input: new ort.Tensor('float32', probe.nchw, [BATCH, channels, size, size]) });
      const logits = out.logits as ort.Tensor;
      const features = out.features as ort.Tensor;
      expect([...logits.dims]).toEqual(torch.logits.shape);
      expect([...features.dims]).toEqual(torch.features!.shape);
      const logitError = relativeError(logits.data as Float32Array, torch.logits.data as Float32Array);
      const featureError = relativeError(features.data as Float32Array, torch.features!.data as Float32Array);
      expect(logitError, `${arch} logits`).toBeLessThan(1e-4);
      expect(featureError, `${arch} features`).toBeLessThan(1e-4);
    } finally {
      await session.release();
    }
  });
});
