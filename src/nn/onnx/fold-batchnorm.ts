import type { Graph } from '../ir.js';

/**
 * Batch-norm folding. In evaluation a batch norm is an affine map per channel, so when it directly follows
 * a convolution it can be merged into that convolution's weights and bias:
 *   scale = gamma / sqrt(running_var + eps)
 *   W'[o, ...] = W[o, ...] * scale[o]        b'[o] = (b[o] - running_mean[o]) * scale[o] + beta[o]
 */

/**
 * The batch norms that can be folded, keyed by the convolution they fold into. A batch norm qualifies
 * when it reads a conv2d whose output nothing else reads and which is neither a named output nor the head.
 */
export function planBatchNormFolding(graph: Graph): Map<string, string> {
  const readers = new Map<string, number>();
  for (const node of graph.nodes) for (const input of node.inputs) readers.set(input, (readers.get(input) ?? 0) + 1);
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  // The head keeps its trained weights untouched: serving reads them for class activation maps.
  const exposed = new Set([graph.output, graph.featureMap, graph.head]);
  const plan = new Map<string, string>();
  for (const node of graph.nodes) {
    if (node.op !== 'batchnorm2d') continue;
    const source = byName.get(node.inputs[0] ?? '');
    if (source?.op !== 'conv2d' || readers.get(source.name) !== 1 || exposed.has(source.name)) continue;
    plan.set(source.name, node.name);
  }
  return plan;
}

export interface BatchNormParameters {
  weight: Float32Array;
  bias: Float32Array;
  runningMean: Float32Array;
  runningVar: Float32Array;
  eps: number;
}

/** Folds a batch norm into a convolution's weight [O, I/g, kh, kw] and optional bias [O]; computed in double precision. */
export function foldIntoConv(
  convWeight: Float32Array,
  convBias: Float32Array | undefined,
  bn: BatchNormParameters,
): { weight: Float32Array; bias: Float32Array } {
  const outChannels = bn.weight.length;
  const perChannel = convWeight.length / outChannels;
  const weight = new Float32Array(convWeight.length);
  const bias = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o++) {
    const scale = (bn.weight[o] as number) / Math.sqrt((bn.runningVar[o] as number) + bn.eps);
    for (let i = o * perChannel; i < (o + 1) * perChannel; i++) weight[i] = (convWeight[i] as number) * scale;
    bias[o] = ((convBias?.[o] ?? 0) - (bn.runningMean[o] as number)) * scale + (bn.bias[o] as number);
  }
  return { weight, bias };
}
