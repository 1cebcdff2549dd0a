/**
 * The graph IR: the one description of a model that both the libtorch addon (training, evaluation, CAM)
 * and the ONNX writer (serving, export) read.
 *
 * A graph is a list of nodes in topological order. Every node produces exactly one value, named after the
 * node. Nodes that own parameters are named by their torchvision state-dict prefix (`features.0.0`), so
 * their parameters are `features.0.0.weight`, `features.0.0.bias`, ... and torchvision checkpoints load
 * directly. Tensors are NCHW in logical layout (the addon may store them channels-last).
 */

export type Pair = [number, number];

export interface Conv2dAttrs {
  inChannels: number;
  outChannels: number;
  kernel: Pair;
  stride: Pair;
  padding: Pair;
  dilation: Pair;
  groups: number;
  bias: boolean;
}

export interface BatchNormAttrs {
  channels: number;
  eps: number;
  /** PyTorch convention: running = (1 - momentum) * running + momentum * batch. */
  momentum: number;
}

export interface LinearAttrs {
  inFeatures: number;
  outFeatures: number;
  bias: boolean;
}

export interface PoolAttrs {
  kernel: Pair;
  stride: Pair;
  padding: Pair;
  ceilMode: boolean;
}

export interface AvgPoolAttrs extends PoolAttrs {
  countIncludePad: boolean;
}

export interface DropoutAttrs {
  p: number;
}

/** Drops whole samples of a residual branch in training (torchvision StochasticDepth, mode "row"). */
export interface StochasticDepthAttrs {
  p: number;
}

export type NodeSpec =
  | { op: 'input' }
  | { op: 'conv2d'; attrs: Conv2dAttrs }
  | { op: 'batchnorm2d'; attrs: BatchNormAttrs }
  | { op: 'linear'; attrs: LinearAttrs }
  | { op: 'relu' }
  | { op: 'relu6' }
  | { op: 'silu' }
  | { op: 'sigmoid' }
  | { op: 'maxpool2d'; attrs: PoolAttrs }
  | { op: 'avgpool2d'; attrs: AvgPoolAttrs }
  /** Adaptive average pooling to 1x1 keeping dims: [N,C,H,W] -> [N,C,1,1]. */
  | { op: 'global_avgpool' }
  /** [N,C,1,1] or [N,C,H,W] -> [N, C*H*W]. */
  | { op: 'flatten' }
  /** Elementwise sum of two same-shaped tensors. */
  | { op: 'add' }
  /** Elementwise product with broadcasting ([N,C,H,W] * [N,C,1,1]; squeeze-and-excitation). */
  | { op: 'mul' }
  /** Concatenation along channels (axis 1). */
  | { op: 'concat' }
  | { op: 'dropout'; attrs: DropoutAttrs }
  | { op: 'stochastic_depth'; attrs: StochasticDepthAttrs };

export type OpName = NodeSpec['op'];

export type GraphNode = NodeSpec & {
  /** Unique; also the parameter prefix for nodes that own parameters. */
  name: string;
  /** Names of the values this node reads, in order. Empty for `input`. */
  inputs: string[];
};

export interface Graph {
  /** Registered architecture name, e.g. `mobilenet_v2`. */
  arch: string;
  inputChannels: number;
  numClasses: number;
  /** The input size the architecture was designed for (the user may train at another). */
  defaultInputSize: number;
  /** The smallest input size the graph accepts without a feature map shrinking to nothing. */
  minInputSize: number;
  nodes: GraphNode[];
  /** Name of the `input` node. */
  input: string;
  /** Name of the logits value, [N, numClasses]. */
  output: string;
  /** Name of the last feature map before global pooling, [N, K, h, w]: the map CAM weighs. */
  featureMap: string;
  /**
   * Name of the final linear layer whose weight [numClasses, K] weighs the feature map for CAM. It may
   * instead be a pointwise (1x1, stride 1, ungrouped) conv2d with weight [numClasses, K, 1, 1], as in
   * SqueezeNet, whose classifier is conv1x1 -> ReLU -> global average pooling: there the class map is
   * ReLU(head(featureMap)) itself, the map whose spatial mean is the logit.
   */
  head: string;
  /**
   * How convolutions start when trained from scratch, as torchvision initialises the architecture:
   * `fan-out-normal` (Kaiming normal over fan-out; the default: ResNet, MobileNet, EfficientNet) or
   * `fan-in-uniform` (Kaiming uniform over fan-in: SqueezeNet, whose BN-free fire modules otherwise start
   * with activations about 2.5x too large and a classifier map already below its ReLU).
   */
  convInit?: 'fan-out-normal' | 'fan-in-uniform';
}

export interface ParameterShape {
  name: string;
  shape: number[];
  /** Buffers (running statistics) are saved and loaded but not trained. */
  kind: 'parameter' | 'buffer';
}

/** The parameters and buffers of one node, with torchvision's names and shapes. */
export function nodeParameters(node: GraphNode): ParameterShape[] {
  const p = (suffix: string, shape: number[], kind: ParameterShape['kind'] = 'parameter'): ParameterShape => ({
    name: `${node.name}.${suffix}`,
    shape,
    kind,
  });
  switch (node.op) {
    case 'conv2d': {
      const a = node.attrs;
      const out = [p('weight', [a.outChannels, a.inChannels / a.groups, a.kernel[0], a.kernel[1]])];
      if (a.bias) out.push(p('bias', [a.outChannels]));
      return out;
    }
    case 'batchnorm2d': {
      const c = node.attrs.channels;
      return [
        p('weight', [c]),
        p('bias', [c]),
        p('running_mean', [c], 'buffer'),
        p('running_var', [c], 'buffer'),
        p('num_batches_tracked', [], 'buffer'),
      ];
    }
    case 'linear': {
      const a = node.attrs;
      const out = [p('weight', [a.outFeatures, a.inFeatures])];
      if (a.bias) out.push(p('bias', [a.outFeatures]));
      return out;
    }
    default:
      return [];
  }
}

export function graphParameters(graph: Graph): ParameterShape[] {
  return graph.nodes.flatMap(nodeParameters);
}

/** Count of trainable parameters, as `sum(p.numel() for p in model.parameters())` counts them. */
export function countParameters(graph: Graph): number {
  return graphParameters(graph)
    .filter((p) => p.kind === 'parameter')
    .reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1), 0);
}

/** Number of inputs each op takes; `undefined` means one or more. */
const ARITY: Partial<Record<OpName, number>> = { input: 0, add: 2, mul: 2 };

/** Checks structural soundness: unique names, inputs defined before use, arity, known outputs. */
export function validateGraph(graph: Graph): void {
  const seen = new Set<string>();
  for (const node of graph.nodes) {
    if (seen.has(node.name)) throw new Error(`graph ${graph.arch}: duplicate node name "${node.name}"`);
    for (const input of node.inputs) {
      if (!seen.has(input)) {
        throw new Error(`graph ${graph.arch}: node "${node.name}" reads "${input}" before it is defined`);
      }
    }
    const arity = ARITY[node.op];
    if (arity !== undefined && node.inputs.length !== arity) {
      throw new Error(`graph ${graph.arch}: ${node.op} node "${node.name}" needs ${arity} inputs, has ${node.inputs.length}`);
    }
    if (arity === undefined && node.op !== 'concat' && node.inputs.length !== 1) {
      throw new Error(`graph ${graph.arch}: ${node.op} node "${node.name}" needs 1 input, has ${node.inputs.length}`);
    }
    if (node.op === 'concat' && node.inputs.length < 1) {
      throw new Error(`graph ${graph.arch}: concat node "${node.name}" has no inputs`);
    }
    seen.add(node.name);
  }
  for (const [role, name] of [
    ['input', graph.input],
    ['output', graph.output],
    ['featureMap', graph.featureMap],
    ['head', graph.head],
  ] as const) {
    if (!seen.has(name)) throw new Error(`graph ${graph.arch}: ${role} "${name}" is not a node`);
  }
  const head = graph.nodes.find((n) => n.name === graph.head);
  if (head?.op !== 'linear' && !(head && isPointwiseConv(head))) {
    throw new Error(`graph ${graph.arch}: head "${graph.head}" must be a linear node or a 1x1 conv2d`);
  }
}

/** A 1x1, stride-1, unpadded, ungrouped convolution: a linear layer applied at every position. */
export function isPointwiseConv(node: GraphNode): boolean {
  if (node.op !== 'conv2d') return false;
  const a = node.attrs;
  const ones = (p: Pair) => p[0] === 1 && p[1] === 1;
  return ones(a.kernel) && ones(a.stride) && ones(a.dilation) && a.padding[0] === 0 && a.padding[1] === 0 && a.groups === 1;
}
