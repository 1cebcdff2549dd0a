import { describe, expect, it } from 'vitest';
import { OsteonError } from '../errors.js';
import { GraphBuilder } from './builder.js';
import { createModelGraph } from './registry.js';
import { convOutputSize, inferShapes, poolOutputSize } from './shapes.js';
import './zoo/index.js';

/**
 * torchvision 0.14 (num_classes=2), measured with forward hooks: the feature map before global pooling at
 * several input sizes, and the smallest square input its forward pass accepts.
 */
const TORCHVISION: Record<string, { featureMap: Record<number, number[]>; minInputSize: number }> = {
  mobilenet_v2: { featureMap: { 224: [1, 1280, 7, 7], 256: [1, 1280, 8, 8], 299: [1, 1280, 10, 10] }, minInputSize: 1 },
  resnet18: { featureMap: { 224: [1, 512, 7, 7], 256: [1, 512, 8, 8], 299: [1, 512, 10, 10] }, minInputSize: 1 },
  resnet50: { featureMap: { 224: [1, 2048, 7, 7], 256: [1, 2048, 8, 8], 299: [1, 2048, 10, 10] }, minInputSize: 1 },
  squeezenet1_1: {
    featureMap: { 224: [1, 512, 13, 13], 240: [1, 512, 14, 14], 256: [1, 512, 15, 15], 299: [1, 512, 18, 18] },
    minInputSize: 17,
  },
  efficientnet_b0: { featureMap: { 224: [1, 1280, 7, 7], 256: [1, 1280, 8, 8], 299: [1, 1280, 10, 10] }, minInputSize: 1 },
  efficientnet_b1: { featureMap: { 240: [1, 1280, 8, 8], 224: [1, 1280, 7, 7], 299: [1, 1280, 10, 10] }, minInputSize: 1 },
  densenet121: {
    featureMap: { 224: [1, 1024, 7, 7], 240: [1, 1024, 7, 7], 256: [1, 1024, 8, 8], 299: [1, 1024, 9, 9] },
    minInputSize: 29,
  },
  inception_v3: {
    featureMap: { 299: [1, 2048, 8, 8], 224: [1, 2048, 5, 5], 256: [1, 2048, 6, 6], 384: [1, 2048, 10, 10] },
    minInputSize: 75,
  },
  googlenet: { featureMap: { 224: [1, 1024, 7, 7], 256: [1, 1024, 8, 8], 299: [1, 1024, 9, 9] }, minInputSize: 15 },
};

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe.each(Object.entries(TORCHVISION))('inferShapes of %s', (arch, expected) => {
  const graph = createModelGraph(arch, { numClasses: 2, inputChannels: 3 });

  it('gives [1, numClasses] logits and the torchvision feature map at the default size', () => {
    const shapes = inferShapes(graph, graph.defaultInputSize);
    expect(shapes.get(graph.input)).toEqual([1, 3, graph.defaultInputSize, graph.defaultInputSize]);
    expect(shapes.get(graph.output)).toEqual([1, 2]);
    expect(shapes.get(graph.featureMap)).toEqual(expected.featureMap[graph.defaultInputSize]);
  });

  it('matches torchvision at other sizes', () => {
    for (const [size, featureMap] of Object.entries(expected.featureMap)) {
      expect(inferShapes(graph, Number(size)).get(graph.featureMap), `${size}px`).toEqual(featureMap);
    }
  });

  it('accepts minInputSize, the smallest input torchvision accepts, and refuses one pixel less', () => {
    expect(graph.minInputSize).toBe(expected.minInputSize);
    expect(inferShapes(graph, graph.minInputSize).get(graph.output)).toEqual([1, 2]);
    const error = thrown(() => inferShapes(graph, graph.minInputSize - 1));
    expect(error).toBeInstanceOf(OsteonError);
    expect((error as OsteonError).code).toBe(graph.minInputSize > 1 ? 'INPUT_TOO_SMALL' : 'BAD_OPTION');
    expect((error as OsteonError).message).toContain(`at least ${graph.minInputSize}`);
  });
});

describe('output sizes', () => {
  it('follow PyTorch for pooling with and without ceil_mode', () => {
    // [size, kernel, stride, padding, ceilMode, torch.nn.functional.max_pool2d's output size]
    const cases: Array<[number, number, number, number, boolean, number]> = [
      [5, 2, 2, 1, true, 3], // the last window would start in the right padding: dropped
      [6, 3, 2, 0, true, 3],
      [112, 3, 2, 0, true, 56],
      [7, 2, 2, 0, true, 4],
      [7, 2, 2, 0, false, 3],
      [13, 3, 2, 1, true, 7],
      [2, 3, 2, 0, true, 1],
      [1, 3, 2, 0, true, 0],
      [3, 3, 1, 1, true, 3],
    ];
    for (const [size, kernel, stride, padding, ceilMode, out] of cases) {
      expect(poolOutputSize(size, kernel, stride, padding, ceilMode), JSON.stringify(cases)).toBe(out);
    }
  });

  it('follow PyTorch for convolutions', () => {
    expect(convOutputSize(224, 7, 2, 3)).toBe(112);
    expect(convOutputSize(299, 3, 2, 0)).toBe(149);
    expect(convOutputSize(8, 3, 1, 2, 2)).toBe(8);
    expect(convOutputSize(2, 3, 1, 0)).toBeLessThan(1);
  });

  it('take non-square inputs', () => {
    const graph = createModelGraph('resnet18');
    expect(inferShapes(graph, [224, 320]).get(graph.featureMap)).toEqual([1, 512, 7, 10]);
  });

  it('name the node where a map vanishes', () => {
    const graph = createModelGraph('inception_v3');
    const error = thrown(() => inferShapes(graph, 74)) as OsteonError;
    expect(error.code).toBe('INPUT_TOO_SMALL');
    expect(error.message).toMatch(/inception_v3 cannot take a 74x74 input: at "Mixed_7a\.[\w.]+"/);
  });

  it('reject graphs whose channels do not line up', () => {
    const b = new GraphBuilder('broken', 3, 2);
    const conv = b.conv('conv', 'input', 8, 3);
    const graph = b.build({ output: b.linear('fc', b.flatten('flatten', conv), 2), featureMap: conv, head: 'fc', defaultInputSize: 4, minInputSize: 1 });
    expect(() => inferShapes(graph, 4)).toThrow(/node "fc" \(linear\): expects \[N, 8\]/);
  });
});
