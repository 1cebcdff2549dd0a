import type { Graph, GraphNode, NodeSpec, Pair } from './ir.js';
import { validateGraph } from './ir.js';

type Size = number | Pair;
const pair = (v: Size): Pair => (typeof v === 'number' ? [v, v] : v);

export interface ConvOptions {
  stride?: Size;
  /** Defaults to "same" padding for odd kernels at stride 1: floor(kernel / 2). */
  padding?: Size;
  dilation?: Size;
  groups?: number;
  bias?: boolean;
}

export interface PoolOptions {
  stride?: Size;
  padding?: Size;
  ceilMode?: boolean;
}

/**
 * Appends nodes to a graph. Every method takes the name of the node to create and the value(s) it reads,
 * and returns the new value's name, so architectures read like their torchvision definitions.
 */
export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly channels = new Map<string, number>();

  constructor(
    readonly arch: string,
    readonly inputChannels: number,
    readonly numClasses: number,
  ) {
    this.add({ op: 'input' }, 'input', [], inputChannels);
  }

  /** Channel count of a value, tracked so that layers need not repeat it. */
  channelsOf(value: string): number {
    const c = this.channels.get(value);
    if (c === undefined) throw new Error(`${this.arch}: unknown value "${value}"`);
    return c;
  }

  conv(name: string, input: string, outChannels: number, kernel: Size, options: ConvOptions = {}): string {
    const k = pair(kernel);
    return this.add(
      {
        op: 'conv2d',
        attrs: {
          inChannels: this.channelsOf(input),
          outChannels,
          kernel: k,
          stride: pair(options.stride ?? 1),
          padding: pair(options.padding ?? [Math.floor(k[0] / 2), Math.floor(k[1] / 2)]),
          dilation: pair(options.dilation ?? 1),
          groups: options.groups ?? 1,
          bias: options.bias ?? false,
        },
      },
      name,
      [input],
      outChannels,
    );
  }

  batchNorm(name: string, input: string, options: { eps?: number; momentum?: number } = {}): string {
    const c = this.channelsOf(input);
    return this.add(
      { op: 'batchnorm2d', attrs: { channels: c, eps: options.eps ?? 1e-5, momentum: options.momentum ?? 0.1 } },
      name,
      [input],
      c,
    );
  }

  linear(name: string, input: string, outFeatures: number, bias = true): string {
    return this.add(
      { op: 'linear', attrs: { inFeatures: this.channelsOf(input), outFeatures, bias } },
      name,
      [input],
      outFeatures,
    );
  }

  relu(name: string, input: string): string {
    return this.add({ op: 'relu' }, name, [input]);
  }
  relu6(name: string, input: string): string {
    return this.add({ op: 'relu6' }, name, [input]);
  }
  silu(name: string, input: string): string {
    return this.add({ op: 'silu' }, name, [input]);
  }
  sigmoid(name: string, input: string): string {
    return this.add({ op: 'sigmoid' }, name, [input]);
  }

  maxPool(name: string, input: string, kernel: Size, options: PoolOptions = {}): string {
    return this.add(
      {
        op: 'maxpool2d',
        attrs: {
          kernel: pair(kernel),
          stride: pair(options.stride ?? kernel),
          padding: pair(options.padding ?? 0),
          ceilMode: options.ceilMode ?? false,
        },
      },
      name,
      [input],
    );
  }

  avgPool(name: string, input: string, kernel: Size, options: PoolOptions & { countIncludePad?: boolean } = {}): string {
    return this.add(
      {
        op: 'avgpool2d',
        attrs: {
          kernel: pair(kernel),
          stride: pair(options.stride ?? kernel),
          padding: pair(options.padding ?? 0),
          ceilMode: options.ceilMode ?? false,
          countIncludePad: options.countIncludePad ?? true,
        },
      },
      name,
      [input],
    );
  }

  globalAvgPool(name: string, input: string): string {
    return this.add({ op: 'global_avgpool' }, name, [input]);
  }
  flatten(name: string, input: string): string {
    return this.add({ op: 'flatten' }, name, [input]);
  }
  sum(name: string, a: string, b: string): string {
    return this.add({ op: 'add' }, name, [a, b]);
  }
  mul(name: string, a: string, b: string): string {
    return this.add({ op: 'mul' }, name, [a, b]);
  }
  concat(name: string, inputs: string[]): string {
    const c = inputs.reduce((s, v) => s + this.channelsOf(v), 0);
    return this.add({ op: 'concat' }, name, inputs, c);
  }
  dropout(name: string, input: string, p: number): string {
    return this.add({ op: 'dropout', attrs: { p } }, name, [input]);
  }
  stochasticDepth(name: string, input: string, p: number): string {
    return this.add({ op: 'stochastic_depth', attrs: { p } }, name, [input]);
  }

  build(roles: {
    output: string;
    featureMap: string;
    head: string;
    defaultInputSize: number;
    minInputSize: number;
    convInit?: Graph['convInit'];
  }): Graph {
    const graph: Graph = {
      arch: this.arch,
      inputChannels: this.inputChannels,
      numClasses: this.numClasses,
      nodes: this.nodes,
      input: 'input',
      ...roles,
    };
    validateGraph(graph);
    return graph;
  }

  private add(spec: NodeSpec, name: string, inputs: string[], channels?: number): string {
    this.nodes.push({ ...spec, name, inputs } as GraphNode);
    this.channels.set(name, channels ?? this.channelsOf(inputs[0] ?? ''));
    return name;
  }
}
