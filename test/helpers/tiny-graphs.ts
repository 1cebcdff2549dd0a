import { mulberry32 } from '../../src/util/random.js';
import { GraphBuilder } from '../../src/nn/builder.js';
import type { Graph } from '../../src/nn/ir.js';
import type { ImageBatch } from '../../src/nn/engine/index.js';

/**
 * A small CNN touching the common ops: conv, batch norm, ReLU, pooling, residual add, dropout, linear; with
 * `stochasticDepth`, its residual branch is dropped at that rate.
 */
export function tinyNet(options: { channels?: number; classes?: number; dropout?: number; stochasticDepth?: number } = {}): Graph {
  const b = new GraphBuilder('tiny', options.channels ?? 1, options.classes ?? 2);
  let x = b.conv('stem.conv', 'input', 8, 3, { stride: 2 });
  x = b.batchNorm('stem.bn', x);
  x = b.relu('stem.relu', x);
  let branch = b.relu('block.relu', b.batchNorm('block.bn', b.conv('block.conv', x, 8, 3)));
  if (options.stochasticDepth) branch = b.stochasticDepth('block.drop_path', branch, options.stochasticDepth);
  x = b.sum('block.add', x, branch);
  x = b.maxPool('pool', x, 2);
  const features = b.relu('features', b.conv('head_conv', x, 16, 3));
  x = b.flatten('flatten', b.globalAvgPool('gap', features));
  x = b.dropout('drop', x, options.dropout ?? 0);
  const logits = b.linear('fc', x, options.classes ?? 2);
  return b.build({ output: logits, featureMap: features, head: 'fc', defaultInputSize: 16, minInputSize: 8 });
}

/** A seeded PRNG so generated test data is reproducible. */
export const prng = mulberry32;

export function randomBatch(n: number, size: number, channels: number, seed = 1): ImageBatch {
  const random = prng(seed);
  const data = new Float32Array(n * size * size * channels);
  for (let i = 0; i < data.length; i++) data[i] = random() * 2 - 1;
  return { data, shape: [n, size, size, channels] };
}

/**
 * A learnable toy task: class 0 images are bright on the left half, class 1 on the right, plus noise.
 * Returns channels-last data and labels.
 */
export function leftRightTask(n: number, size: number, channels = 1, seed = 1): { batch: ImageBatch; labels: Int32Array } {
  const random = prng(seed);
  const data = new Float32Array(n * size * size * channels);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    labels[i] = label;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const bright = (x < size / 2) === (label === 0);
        const value = (bright ? 1 : -1) + (random() - 0.5);
        for (let c = 0; c < channels; c++) data[((i * size + y) * size + x) * channels + c] = value;
      }
    }
  }
  return { batch: { data, shape: [n, size, size, channels] }, labels };
}
