import type { Graph, GraphNode, PoolAttrs } from '../ir.js';
import { OsteonError } from '../../errors.js';

/** The shape of one value without its batch dimension: [C, H, W] for feature maps, [F] after flatten/linear. */
export type ValueShape = number[];

/** Output length of a convolution or pooling window along one axis, as PyTorch computes it. */
export function windowOutputSize(
  size: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation = 1,
  ceilMode = false,
): number {
  const span = size + 2 * padding - dilation * (kernel - 1) - 1;
  if (!ceilMode) return Math.floor(span / stride) + 1;
  let out = Math.ceil(span / stride) + 1;
  // PyTorch drops a last window that would start in the right padding or beyond.
  if ((out - 1) * stride >= size + padding) out -= 1;
  return out;
}

function pooled(node: GraphNode, shape: ValueShape, attrs: PoolAttrs): ValueShape {
  const [c, h, w] = spatial(node, shape);
  const axis = (i: 0 | 1, size: number) =>
    windowOutputSize(size, attrs.kernel[i], attrs.stride[i], attrs.padding[i], 1, attrs.ceilMode);
  return [c, axis(0, h), axis(1, w)];
}

function spatial(node: GraphNode, shape: ValueShape | undefined): [number, number, number] {
  if (!shape || shape.length !== 3) {
    throw new Error(`${node.op} node "${node.name}" needs a [C, H, W] input, got [${shape?.join(', ')}]`);
  }
  return shape as [number, number, number];
}

const sameShape = (a: ValueShape, b: ValueShape) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Infers the shape of every value of a graph for a square input of `inputSize` pixels.
 * Throws an OsteonError when a feature map shrinks to nothing (the input is too small for the architecture).
 */
export function inferShapes(graph: Graph, inputSize: number): Map<string, ValueShape> {
  const shapes = new Map<string, ValueShape>();
  const inputOf = (node: GraphNode, i = 0): ValueShape => {
    const shape = shapes.get(node.inputs[i] ?? '');
    if (!shape) throw new Error(`node "${node.name}" reads unknown value "${node.inputs[i]}"`);
    return shape;
  };
  for (const node of graph.nodes) {
    let shape: ValueShape;
    switch (node.op) {
      case 'input':
        shape = [graph.inputChannels, inputSize, inputSize];
        break;
      case 'conv2d': {
        const a = node.attrs;
        const [c, h, w] = spatial(node, inputOf(node));
        if (c !== a.inChannels) throw new Error(`conv2d "${node.name}" expects ${a.inChannels} channels, gets ${c}`);
        const axis = (i: 0 | 1, size: number) =>
          windowOutputSize(size, a.kernel[i], a.stride[i], a.padding[i], a.dilation[i]);
        shape = [a.outChannels, axis(0, h), axis(1, w)];
        break;
      }
      case 'batchnorm2d': {
        shape = inputOf(node);
        if (shape[0] !== node.attrs.channels) {
          throw new Error(`batchnorm2d "${node.name}" expects ${node.attrs.channels} channels, gets ${shape[0]}`);
        }
        break;
      }
      case 'linear': {
        const input = inputOf(node);
        if (input.length !== 1 || input[0] !== node.attrs.inFeatures) {
          throw new Error(`linear "${node.name}" expects [${node.attrs.inFeatures}] features, gets [${input.join(', ')}]`);
        }
        shape = [node.attrs.outFeatures];
        break;
      }
      case 'maxpool2d':
      case 'avgpool2d':
        shape = pooled(node, inputOf(node), node.attrs);
        break;
      case 'global_avgpool':
        shape = [spatial(node, inputOf(node))[0], 1, 1];
        break;
      case 'flatten':
        shape = [inputOf(node).reduce((a, b) => a * b, 1)];
        break;
      case 'add': {
        shape = inputOf(node, 0);
        if (!sameShape(shape, inputOf(node, 1))) {
          throw new Error(`add "${node.name}": [${shape.join(', ')}] and [${inputOf(node, 1).join(', ')}] differ`);
        }
        break;
      }
      case 'mul': {
        const a = inputOf(node, 0);
        const b = inputOf(node, 1);
        shape = broadcast(node, a, b);
        break;
      }
      case 'concat': {
        const parts = node.inputs.map((_, i) => spatial(node, inputOf(node, i)));
        const [, h, w] = parts[0] as [number, number, number];
        if (parts.some(([, ph, pw]) => ph !== h || pw !== w)) {
          throw new Error(`concat "${node.name}": inputs differ in height or width`);
        }
        shape = [parts.reduce((s, [c]) => s + c, 0), h, w];
        break;
      }
      default:
        shape = inputOf(node);
    }
    if (shape.some((d) => !(d >= 1))) {
      throw new OsteonError(
        'INPUT_TOO_SMALL',
        `An input of ${inputSize}px is too small for ${graph.arch}: "${node.name}" would be empty. ` +
          `Use at least ${graph.minInputSize}px.`,
      );
    }
    shapes.set(node.name, shape);
  }
  return shapes;
}

function broadcast(node: GraphNode, a: ValueShape, b: ValueShape): ValueShape {
  if (a.length !== b.length) throw new Error(`mul "${node.name}": ranks of its inputs differ`);
  return a.map((d, i) => {
    const e = b[i] as number;
    if (d !== e && d !== 1 && e !== 1) throw new Error(`mul "${node.name}": [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    return Math.max(d, e);
  });
}
