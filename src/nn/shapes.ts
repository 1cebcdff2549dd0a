/**
 * Shape inference for the graph IR, with PyTorch's output-size rules (including ceil_mode pooling), so that
 * an input size can be checked and feature-map sizes known without running a network.
 */
import type { Graph, GraphNode, Pair } from './ir.js';
import { OsteonError } from '../errors.js';

/** One side of a square input, or [height, width]. */
export type InputSize = number | Pair;

/**
 * The shape of every value of `graph` for one input of `inputSize`: input [1, C, H, W], feature maps
 * [1, C, h, w], logits [1, numClasses].
 * Throws `OsteonError('INPUT_TOO_SMALL')` when a map would shrink below 1x1, as PyTorch would refuse it.
 */
export function inferShapes(graph: Graph, inputSize: InputSize): Map<string, number[]> {
  const [height, width] = typeof inputSize === 'number' ? [inputSize, inputSize] : inputSize;
  if (![height, width].every((s) => Number.isInteger(s) && s >= 1)) {
    throw new OsteonError(
      'BAD_OPTION',
      `Input size must be a positive whole number of pixels, got ${height}x${width}. ` +
        `Use at least ${graph.minInputSize} for ${graph.arch}.`,
    );
  }
  const shapes = new Map<string, number[]>();
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((name) => {
      const shape = shapes.get(name);
      if (!shape) throw new Error(`graph ${graph.arch}: node "${node.name}" reads unknown value "${name}"`);
      return shape;
    });
    const shape = node.op === 'input' ? [1, graph.inputChannels, height, width] : nodeShape(node, inputs);
    if (shape.length === 4 && (shape[2]! < 1 || shape[3]! < 1)) {
      throw new OsteonError(
        'INPUT_TOO_SMALL',
        `${graph.arch} cannot take a ${height}x${width} input: at "${node.name}" its feature map would shrink to ` +
          `${shape[2]}x${shape[3]}. Use an input of at least ${graph.minInputSize}x${graph.minInputSize} pixels.`,
        { arch: graph.arch, inputSize: [height, width], node: node.name, minInputSize: graph.minInputSize },
      );
    }
    shapes.set(node.name, shape);
  }
  return shapes;
}

/** Output length of a convolution along one axis (PyTorch's formula). */
export function convOutputSize(size: number, kernel: number, stride: number, padding: number, dilation = 1): number {
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * Output length of max or average pooling along one axis, as PyTorch's `pooling_output_shape`: with
 * ceil_mode the last window may run past the edge, but must start inside the input or its left padding.
 */
export function poolOutputSize(size: number, kernel: number, stride: number, padding: number, ceilMode: boolean): number {
  const span = size + 2 * padding - (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= size + padding) out -= 1;
  return out;
}

function nodeShape(node: GraphNode, inputs: number[][]): number[] {
  const fail = (why: string): never => {
    throw new Error(`node "${node.name}" (${node.op}): ${why}; inputs ${inputs.map((s) => `[${s.join(',')}]`).join(' ')}`);
  };
  const x = inputs[0] ?? fail('has no input');
  const map = (): [number, number, number, number] =>
    x.length === 4 ? (x as [number, number, number, number]) : fail('needs an [N, C, H, W] input');
  switch (node.op) {
    case 'input':
      return fail('input nodes take their shape from the graph');
    case 'conv2d': {
      const a = node.attrs;
      const [n, c, h, w] = map();
      if (c !== a.inChannels) fail(`expects ${a.inChannels} channels`);
      return [
        n,
        a.outChannels,
        convOutputSize(h, a.kernel[0], a.stride[0], a.padding[0], a.dilation[0]),
        convOutputSize(w, a.kernel[1], a.stride[1], a.padding[1], a.dilation[1]),
      ];
    }
    case 'batchnorm2d':
      if (map()[1] !== node.attrs.channels) fail(`expects ${node.attrs.channels} channels`);
      return x;
    case 'maxpool2d':
    case 'avgpool2d': {
      const a = node.attrs;
      const [n, c, h, w] = map();
      if (a.padding[0] * 2 > a.kernel[0] || a.padding[1] * 2 > a.kernel[1]) fail('padding exceeds half the kernel');
      return [
        n,
        c,
        poolOutputSize(h, a.kernel[0], a.stride[0], a.padding[0], a.ceilMode),
        poolOutputSize(w, a.kernel[1], a.stride[1], a.padding[1], a.ceilMode),
      ];
    }
    case 'global_avgpool': {
      const [n, c] = map();
      return [n, c, 1, 1];
    }
    case 'flatten':
      return [x[0]!, x.slice(1).reduce((p, d) => p * d, 1)];
    case 'linear':
      if (x.length !== 2 || x[1] !== node.attrs.inFeatures) fail(`expects [N, ${node.attrs.inFeatures}]`);
      return [x[0]!, node.attrs.outFeatures];
    case 'add':
      if (!sameShape(x, inputs[1]!)) fail('adds tensors of different shapes');
      return x;
    case 'mul':
      return broadcast(x, inputs[1]!) ?? fail('multiplies shapes that do not broadcast');
    case 'concat': {
      const [n, , h, w] = map();
      if (!inputs.every((s) => s.length === 4 && s[0] === n && s[2] === h && s[3] === w)) {
        fail('concatenates maps of different spatial sizes');
      }
      return [n, inputs.reduce((sum, s) => sum + s[1]!, 0), h, w];
    }
    case 'relu':
    case 'relu6':
    case 'silu':
    case 'sigmoid':
    case 'dropout':
    case 'stochastic_depth':
      return x;
  }
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** NumPy broadcasting of two shapes of equal rank; undefined when they do not broadcast. */
function broadcast(a: number[], b: number[]): number[] | undefined {
  if (a.length !== b.length) return undefined;
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const [p, q] = [a[i]!, b[i]!];
    if (p !== q && p !== 1 && q !== 1) return undefined;
    out.push(p === 1 ? q : p);
  }
  return out;
}
