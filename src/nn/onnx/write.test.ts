import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../ir.js';
import { writeOnnx } from './write.js';
import { readOnnxInitializer } from './read.js';
import { decodeFields, decodeString, lastBytes } from './protobuf.js';
import { Field } from './onnx-proto.js';
import { randomWeights, runGraph, seededRandom, softmax, tensor, type Tensor } from '../../../test/helpers/reference-ops.js';

const SIZE = 9;

/** input -> body -> feature map -> global pool -> flatten -> linear head: the shape of every zoo model. */
function classifier(arch: string, inputChannels: number, body: (b: GraphBuilder) => string, options: { headBias?: boolean } = {}): Graph {
  const b = new GraphBuilder(arch, inputChannels, 3);
  const featureMap = body(b);
  const flat = b.flatten('flatten', b.globalAvgPool('pool', featureMap));
  const head = b.linear('fc', flat, 3, options.headBias ?? true);
  return b.build({ output: head, featureMap, head, defaultInputSize: SIZE, minInputSize: 1 });
}

function randomInput(shape: number[], seed: number, scale = 1): Tensor {
  const random = seededRandom(seed);
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = (random() * 2 - 1) * scale;
  return t;
}

/** The op types of a model's nodes, in order. */
function opTypes(bytes: Uint8Array): string[] {
  const graphFields = decodeFields(lastBytes(decodeFields(bytes), Field.model.graph) as Uint8Array);
  return graphFields
    .filter((f) => f.field === Field.graph.node)
    .map((f) => decodeString(lastBytes(decodeFields(f.value as Uint8Array), Field.node.opType) as Uint8Array));
}

interface OnnxOutputs {
  logits: ort.Tensor;
  probabilities: ort.Tensor;
  features: ort.Tensor;
}

async function runOnnx(bytes: Uint8Array, input: Tensor): Promise<OnnxOutputs> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = { input: new ort.Tensor('float32', Float32Array.from(input.data), input.shape) };
    return (await session.run(feeds)) as unknown as OnnxOutputs;
  } finally {
    await session.release();
  }
}

function expectClose(actual: ort.Tensor, expected: Tensor, tolerance = 1e-5): void {
  expect([...actual.dims]).toEqual(expected.shape);
  const data = actual.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs((data[i] as number) - (expected.data[i] as number)));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

/** Exports with random weights, runs onnxruntime and the reference, and compares all three outputs. */
async function expectMatchesReference(graph: Graph, options: { inputScale?: number; batch?: number; foldBatchNorm?: boolean } = {}) {
  const weights = randomWeights(graph, 7);
  const input = randomInput([options.batch ?? 2, graph.inputChannels, SIZE, SIZE], 11, options.inputScale);
  const bytes = writeOnnx(graph, weights, { metadata: {}, foldBatchNorm: options.foldBatchNorm });
  const outputs = await runOnnx(bytes, input);
  const reference = runGraph(graph, weights, input);
  expectClose(outputs.features, reference.get(graph.featureMap) as Tensor);
  expectClose(outputs.logits, reference.get(graph.output) as Tensor);
  expectClose(outputs.probabilities, softmax(reference.get(graph.output) as Tensor));
  return { bytes, outputs, weights };
}

describe('writeOnnx: each op against the reference implementation', () => {
  const cases: [string, number, (b: GraphBuilder) => string, { inputScale?: number }?][] = [
    ['conv 3x3, bias', 3, (b) => b.conv('conv', 'input', 4, 3, { bias: true })],
    ['conv 1x1, no bias', 3, (b) => b.conv('conv', 'input', 5, 1)],
    [
      'conv with stride, dilation, uneven kernel and padding, groups',
      4,
      (b) => b.conv('conv', 'input', 6, [3, 2], { stride: [2, 1], dilation: [2, 1], padding: [2, 1], groups: 2, bias: true }),
    ],
    ['depthwise conv, stride 2', 4, (b) => b.conv('conv', 'input', 4, 3, { stride: 2, groups: 4 })],
    ['batch norm on its own (not foldable)', 3, (b) => b.batchNorm('bn', 'input', { eps: 1e-3 })],
    ['conv + batch norm (folded)', 3, (b) => b.batchNorm('bn', b.conv('conv', 'input', 4, 3))],
    ['relu', 2, (b) => b.relu('act', 'input')],
    ['relu6', 2, (b) => b.relu6('act', 'input'), { inputScale: 10 }],
    ['silu', 2, (b) => b.silu('act', 'input'), { inputScale: 5 }],
    ['sigmoid', 2, (b) => b.sigmoid('act', 'input'), { inputScale: 5 }],
    ['max pool 3x3 stride 2 padding 1', 2, (b) => b.maxPool('pool0', 'input', 3, { stride: 2, padding: 1 })],
    ['max pool 2x2 ceil_mode on an odd size', 2, (b) => b.maxPool('pool0', 'input', 2, { ceilMode: true })],
    ['max pool 3x3 stride 2 padding 1 ceil_mode', 2, (b) => b.maxPool('pool0', 'input', 3, { stride: 2, padding: 1, ceilMode: true })],
    ['avg pool 2x2', 2, (b) => b.avgPool('pool0', 'input', 2)],
    ['avg pool 3x3 padding 1 counting padding', 2, (b) => b.avgPool('pool0', 'input', 3, { stride: 1, padding: 1 })],
    [
      'avg pool 3x3 padding 1 not counting padding',
      2,
      (b) => b.avgPool('pool0', 'input', 3, { stride: 1, padding: 1, countIncludePad: false }),
    ],
    // At 9px the last 2x2 window hangs over the edge: PyTorch divides by the part inside the (padded) input.
    ['avg pool 2x2 ceil_mode not counting padding', 2, (b) => b.avgPool('pool0', 'input', 2, { ceilMode: true, countIncludePad: false })],
    ['avg pool 2x2 ceil_mode counting padding', 2, (b) => b.avgPool('pool0', 'input', 2, { ceilMode: true })],
    [
      'avg pool 3x3 stride 2 padding 1 ceil_mode counting padding',
      2,
      (b) => b.avgPool('pool0', b.conv('even', 'input', 2, [2, 2], { padding: [1, 1] }), 3, { stride: 2, padding: 1, ceilMode: true }),
    ],
    ['add of two branches', 3, (b) => b.sum('add', b.conv('left', 'input', 4, 3), b.conv('right', 'input', 4, 1))],
    [
      'mul broadcasting a channel gate (squeeze-and-excitation)',
      3,
      (b) => {
        const x = b.conv('conv', 'input', 4, 3);
        const gate = b.sigmoid('gate', b.conv('squeeze', b.globalAvgPool('gap', x), 4, 1, { bias: true }));
        return b.mul('scale', x, gate);
      },
    ],
    ['concat of three branches', 3, (b) => b.concat('cat', [b.conv('a', 'input', 2, 1), b.conv('c', 'input', 3, 3), 'input'])],
    [
      'dropout and stochastic depth are identities',
      3,
      (b) => b.stochasticDepth('drop_path', b.dropout('drop', b.conv('conv', 'input', 4, 3), 0.5), 0.2),
    ],
  ];

  it.each(cases)('%s', async (_name, channels, body, options) => {
    await expectMatchesReference(classifier('op_test', channels, body), options);
  });

  it('exports a head without bias', async () => {
    await expectMatchesReference(classifier('no_bias_head', 3, (b) => b.conv('conv', 'input', 4, 3), { headBias: false }));
  });

  it('works when IR nodes are named like the model\'s outputs', async () => {
    const graph = classifier('clash', 3, (b) => b.relu('features', b.conv('logits', 'input', 4, 3)));
    await expectMatchesReference(graph);
  });
});

describe('writeOnnx: batch-norm folding', () => {
  const graph = classifier('bn_chain', 3, (b) => {
    const x = b.relu('relu0', b.batchNorm('bn0', b.conv('conv0', 'input', 4, 3, { bias: true })));
    const y = b.batchNorm('bn1', b.conv('conv1', x, 5, 3, { stride: 2 }));
    // conv2's output is read twice, so bn2 must stay a BatchNormalization node.
    const c2 = b.conv('conv2', x, 5, 1, { stride: 2 });
    return b.sum('add', y, b.sum('add2', b.batchNorm('bn2', c2), c2));
  });

  it('gives the same outputs folded and unfolded, both matching the reference', async () => {
    const folded = await expectMatchesReference(graph, { foldBatchNorm: true });
    const unfolded = await expectMatchesReference(graph, { foldBatchNorm: false });
    for (const key of ['logits', 'probabilities', 'features'] as const) {
      const a = folded.outputs[key].data as Float32Array;
      const b = unfolded.outputs[key].data as Float32Array;
      expect(a.length).toBe(b.length);
      expect(Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))))).toBeLessThanOrEqual(1e-5);
    }
    expect(opTypes(folded.bytes).filter((t) => t === 'BatchNormalization')).toHaveLength(1);
    expect(opTypes(unfolded.bytes).filter((t) => t === 'BatchNormalization')).toHaveLength(3);
  });
  it('never folds into a 1x1-conv head, whose weights serving reads for class activation maps', async () => {
    const b = new GraphBuilder('conv_head', 3, 2);
    const featureMap = b.relu('relu', b.conv('conv', 'input', 4, 3));
    const head = b.conv('classifier', featureMap, 2, 1, { padding: 0, bias: true });
    const logits = b.flatten('flatten', b.globalAvgPool('pool', b.relu('class_map', b.batchNorm('head_bn', head))));
    const convHead = b.build({ output: logits, featureMap, head, defaultInputSize: SIZE, minInputSize: 1 });
    const { bytes, weights } = await expectMatchesReference(convHead);
    expect(opTypes(bytes)).toContain('BatchNormalization');
    const stored = readOnnxInitializer(bytes, 'classifier.weight');
    expect(stored.dims).toEqual([2, 4, 1, 1]);
    expect(stored.data).toEqual(weights.get('classifier.weight'));
  });
});

describe('writeOnnx: model interface', () => {
  const graph = classifier('iface', 1, (b) => b.relu('relu', b.conv('conv', 'input', 6, 3, { stride: 2 })));

  it('takes any batch size through the symbolic batch dimension', async () => {
    const weights = randomWeights(graph, 3);
    const bytes = writeOnnx(graph, weights, { metadata: {} });
    const session = await ort.InferenceSession.create(bytes);
    try {
      const declared = (values: readonly ort.InferenceSession.ValueMetadata[]) =>
        values.map((v) => [v.name, v.isTensor ? [...v.shape] : undefined]);
      expect(declared(session.inputMetadata)).toEqual([['input', ['batch', 1, SIZE, SIZE]]]);
      expect(declared(session.outputMetadata)).toEqual([
        ['logits', ['batch', 3]],
        ['probabilities', ['batch', 3]],
        ['features', ['batch', 6, 5, 5]],
      ]);
      for (const n of [1, 5]) {
        const input = randomInput([n, 1, SIZE, SIZE], n);
        const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(input.data), input.shape) });
        const reference = runGraph(graph, weights, input);
        expectClose(out.logits as ort.Tensor, reference.get(graph.output) as Tensor);
        expect([...(out.features as ort.Tensor).dims]).toEqual([n, 6, 5, 5]);
        expect([...(out.probabilities as ort.Tensor).dims]).toEqual([n, 3]);
      }
    } finally {
      await session.release();
    }
  });

  it('fixes the input size to the export size and refuses sizes the graph cannot take', async () => {
    const weights = randomWeights(graph, 3);
    const bytes = writeOnnx(graph, weights, { metadata: {}, inputSize: 13 });
    const out = await runOnnx(bytes, randomInput([1, 1, 13, 13], 5));
    expect([...out.features.dims]).toEqual([1, 6, 7, 7]);
    await expect(runOnnx(bytes, randomInput([1, 1, SIZE, SIZE], 5))).rejects.toThrow();
    expect(() => writeOnnx(graph, weights, { metadata: {}, inputSize: 0 })).toThrow(/positive whole number/);
  });

  it('rejects weights that are missing or of the wrong size with a clear error', () => {
    const weights = randomWeights(graph, 3);
    weights.delete('conv.weight');
    expect(() => writeOnnx(graph, weights, { metadata: {} })).toThrow(/lack "conv.weight"/);
    weights.set('conv.weight', new Float32Array(5));
    expect(() => writeOnnx(graph, weights, { metadata: {} })).toThrow(/should be 54 float32 values of shape \[6, 1, 3, 3\]/);
  });

  it('refuses caller metadata under the reserved prefix', () => {
    expect(() => writeOnnx(graph, randomWeights(graph, 3), { metadata: { 'osteon.arch': 'x' } })).toThrow(/reserved/);
  });
});
