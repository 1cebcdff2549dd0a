// Analytic gradients (libtorch autograd through the IR interpreter) against central finite differences in float64,
// for every op the IR has.
import { describe, expect, it } from 'vitest';
import { randomBatch } from '../../../test/helpers/tiny-graphs.js';
import { GraphBuilder } from '../builder.js';
import type { OpName } from '../ir.js';
import { InlineModel } from './inline.js';

type Body = (b: GraphBuilder, x: string) => string;

/** input [N,2,7,7] -> body -> global pool -> linear: every op under test sits between an input and a head. */
function graphAround(body: Body) {
  const b = new GraphBuilder('probe', 2, 3);
  const features = body(b, b.conv('pre', 'input', 4, 3, { bias: true }));
  const pooled = b.flatten('flat', b.globalAvgPool('gap', features));
  const logits = b.linear('head', pooled, 3);
  return b.build({ output: logits, featureMap: features, head: 'head', defaultInputSize: 7, minInputSize: 7 });
}

const cases: Array<[string, OpName[], Body, boolean?]> = [
  ['conv2d with bias, stride and padding', ['conv2d'], (b, x) => b.conv('c', x, 5, 3, { stride: 2, padding: 1, bias: true })],
  ['depthwise conv2d', ['conv2d'], (b, x) => b.conv('c', x, 4, 3, { groups: 4 })],
  ['grouped, dilated conv2d', ['conv2d'], (b, x) => b.conv('c', x, 6, 3, { groups: 2, dilation: 2, padding: 2 })],
  ['batch norm (eval)', ['batchnorm2d'], (b, x) => b.batchNorm('bn', x)],
  ['batch norm (training)', ['batchnorm2d'], (b, x) => b.batchNorm('bn', x), true],
  ['relu', ['relu'], (b, x) => b.relu('r', b.conv('c', x, 4, 1, { bias: true }))],
  ['relu6', ['relu6'], (b, x) => b.relu6('r', b.batchNorm('bn', x))],
  ['silu', ['silu'], (b, x) => b.silu('s', x)],
  ['sigmoid', ['sigmoid'], (b, x) => b.sigmoid('s', x)],
  ['max pool with ceil mode', ['maxpool2d'], (b, x) => b.maxPool('p', x, 3, { stride: 2, ceilMode: true })],
  ['average pool without padding in the count', ['avgpool2d'],
    (b, x) => b.avgPool('p', x, 3, { stride: 1, padding: 1, countIncludePad: false })],
  ['add', ['add'], (b, x) => b.sum('a', x, b.conv('c', x, 4, 3))],
  ['mul with broadcasting (squeeze-and-excitation)', ['mul', 'global_avgpool', 'sigmoid'],
    (b, x) => b.mul('m', x, b.sigmoid('g', b.conv('fc', b.globalAvgPool('se', x), 4, 1, { bias: true })))],
  ['concat', ['concat'], (b, x) => b.concat('cat', [x, b.conv('c', x, 3, 1)])],
  ['dropout in eval', ['dropout'], (b, x) => b.dropout('d', x, 0.5)],
  ['stochastic depth in eval', ['stochastic_depth'], (b, x) => b.sum('a', x, b.stochasticDepth('sd', b.conv('c', x, 4, 3), 0.5))],
];

describe('gradient check', () => {
  it.each(cases)('%s', async (_name, ops, body, training) => {
    const graph = graphAround(body);
    for (const op of ops) expect(graph.nodes.some((n) => n.op === op)).toBe(true);
    const model = new InlineModel(graph, { seed: 1, threads: 1 });
    const result = await model.gradCheck(randomBatch(2, 7, 2, 3), { training: training ?? false, samples: 6, seed: 2 });
    expect(result.checked).toBeGreaterThan(6 * 3);
    expect(result.maxRelativeError).toBeLessThan(1e-5);
  });

  it('covers every op of the IR (linear and flatten are in every probe)', () => {
    const covered = new Set<string>(['input', 'linear', 'flatten', 'global_avgpool', 'conv2d']);
    for (const [, ops] of cases) ops.forEach((op) => covered.add(op));
    const all: OpName[] = ['input', 'conv2d', 'batchnorm2d', 'linear', 'relu', 'relu6', 'silu', 'sigmoid', 'maxpool2d',
      'avgpool2d', 'global_avgpool', 'flatten', 'add', 'mul', 'concat', 'dropout', 'stochastic_depth'];
    expect(all.filter((op) => !covered.has(op))).toEqual([]);
  });
});
