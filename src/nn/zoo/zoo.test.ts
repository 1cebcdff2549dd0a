import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countParameters, graphParameters, validateGraph, type Graph, type GraphNode } from '../ir.js';
import { architectureInfo, createModelGraph, listModels, listTorchvisionModels } from '../registry.js';
import { inferShapes } from '../shapes.js';
import './index.js';

/** Trainable parameters of torchvision 0.14 models built with num_classes=2 (scripts/torchvision-keys.py prints them). */
const TORCHVISION_PARAMETERS: Record<string, number> = {
  mobilenet_v2: 2_226_434,
  resnet18: 11_177_538,
  resnet50: 23_512_130,
  squeezenet1_1: 723_522,
  efficientnet_b0: 4_010_110,
  efficientnet_b1: 6_515_746,
  densenet121: 6_955_906,
  inception_v3: 21_789_666,
  googlenet: 5_601_954,
};
const ARCHS = Object.keys(TORCHVISION_PARAMETERS);

const fixtureDir = new URL('../../../test/fixtures/torchvision-keys/', import.meta.url);
const readFixture = <T>(file: string): T => JSON.parse(readFileSync(new URL(file, fixtureDir), 'utf8')) as T;

/** torchvision's state_dict, in order: [key, shape]. */
const torchvisionKeys = (arch: string) => readFixture<Array<[string, number[]]>>(`${arch}.json`);
/** Hyperparameters of each torchvision module that has an IR counterpart, keyed by module path. */
const torchvisionLayers = (arch: string) => readFixture<Record<string, { op: string } & Record<string, unknown>>>(`${arch}.layers.json`);

const keysOf = (graph: Graph) => graphParameters(graph).map((p): [string, number[]] => [p.name, p.shape]);
const nodeNamed = (graph: Graph, name: string): GraphNode | undefined => graph.nodes.find((n) => n.name === name);

/** Ops whose every node must be a torchvision module: a missing or extra one changes the network. */
const MODULE_OPS = new Set(['conv2d', 'batchnorm2d', 'linear', 'dropout', 'stochastic_depth']);

describe('model zoo registry', () => {
  it('registers every architecture, and says which mirror torchvision', () => {
    expect(listTorchvisionModels()).toEqual([...ARCHS].sort());
    expect(listModels()).toEqual([...ARCHS, 'small_cnn'].sort());
    expect(architectureInfo('small_cnn').origin).toBe('osteon');
  });

  it('globs architecture names', () => {
    expect(listModels('efficientnet*')).toEqual(['efficientnet_b0', 'efficientnet_b1']);
    expect(listModels('resnet*')).toEqual(['resnet18', 'resnet50']);
  });
});

describe.each(ARCHS)('%s', (arch) => {
  const graph = createModelGraph(arch, { numClasses: 2, inputChannels: 3 });

  it('is a valid graph', () => {
    expect(() => validateGraph(graph)).not.toThrow();
    expect(graph.arch).toBe(arch);
  });

  it("counts torchvision's parameters", () => {
    expect(countParameters(graph)).toBe(TORCHVISION_PARAMETERS[arch]);
  });

  it("has torchvision's state_dict keys and shapes, in order", () => {
    expect(keysOf(graph)).toEqual(torchvisionKeys(arch));
  });

  it("carries torchvision's layer hyperparameters", () => {
    const layers = torchvisionLayers(arch);
    for (const [name, { op, ...attrs }] of Object.entries(layers)) {
      const node = nodeNamed(graph, name);
      expect(node?.op, name).toBe(op);
      expect(node && 'attrs' in node ? node.attrs : undefined, name).toEqual(attrs);
    }
    const extra = graph.nodes.filter((n) => MODULE_OPS.has(n.op) && !(n.name in layers)).map((n) => n.name);
    expect(extra).toEqual([]);
  });

  it('with one input channel changes only the first convolution', () => {
    const grey = createModelGraph(arch, { numClasses: 2, inputChannels: 1 });
    const rgb = keysOf(graph);
    expect(keysOf(grey)).toHaveLength(rgb.length);
    const changed = keysOf(grey).filter(([name, shape], i) => name !== rgb[i]![0] || shape.join() !== rgb[i]![1].join());
    const firstConv = graph.nodes.find((n) => n.op === 'conv2d')!;
    expect(changed).toHaveLength(1);
    expect(changed[0]![0]).toBe(`${firstConv.name}.weight`);
    expect(changed[0]![1][1]).toBe(1);
    expect(grey.inputChannels).toBe(1);
  });

  it('sizes its head by numClasses and feeds it the feature map', () => {
    const five = createModelGraph(arch, { numClasses: 5 });
    const shapes = inferShapes(five, five.defaultInputSize);
    const weight = graphParameters(five).find((p) => p.name === `${five.head}.weight`)!;
    expect(weight.shape[0]).toBe(5);
    expect(weight.shape[1]).toBe(shapes.get(five.featureMap)![1]);
    expect(shapes.get(five.output)).toEqual([1, 5]);
  });
});

describe('squeezenet1_1 head', () => {
  it('is the 1x1 conv classifier torchvision names classifier.1', () => {
    const graph = createModelGraph('squeezenet1_1');
    const head = nodeNamed(graph, graph.head);
    expect(head?.name).toBe('classifier.1');
    expect(head?.op).toBe('conv2d');
    const relu = graph.nodes.find((n) => n.inputs.includes('classifier.1'));
    expect(relu?.op).toBe('relu');
  });

  it('is refused by validateGraph when it is not pointwise', () => {
    const graph = createModelGraph('squeezenet1_1');
    const nodes = graph.nodes.map((n) =>
      n.name === 'classifier.1' && n.op === 'conv2d' ? { ...n, attrs: { ...n.attrs, kernel: [3, 3] as [number, number] } } : n,
    );
    expect(() => validateGraph({ ...graph, nodes })).toThrow(/must be a linear node or a 1x1 conv2d/);
  });
});

describe('small_cnn', () => {
  it('has four conv-BN-ReLU stages of 16-128 channels, each halving the resolution, and a linear head', () => {
    const graph = createModelGraph('small_cnn', { numClasses: 2, inputChannels: 3 });
    expect(() => validateGraph(graph)).not.toThrow();
    // conv weights (no bias) + BN weight and bias per stage, then the 128 -> 2 linear layer with bias.
    const stages = [[3, 16], [16, 32], [32, 64], [64, 128]];
    const expected = stages.reduce((sum, [cin, cout]) => sum + cin! * cout! * 9 + 2 * cout!, 0) + 128 * 2 + 2;
    expect(countParameters(graph)).toBe(expected);
    const shapes = inferShapes(graph, 64);
    expect(shapes.get(graph.featureMap)).toEqual([1, 128, 4, 4]);
    expect(shapes.get(graph.output)).toEqual([1, 2]);
    expect(nodeNamed(graph, graph.head)?.op).toBe('linear');
    expect(graph.defaultInputSize).toBe(64);
  });
});
