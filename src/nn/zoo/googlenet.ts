/**
 * GoogLeNet / Inception v1 (Szegedy et al. 2014) as torchvision 0.14 defines `googlenet(aux_logits=False)`.
 *
 * Faithful to torchvision, including its known deviation from the paper that its checkpoints depend on:
 * the "5x5" branch uses a 3x3 convolution. `transform_input` is left to preprocessing, as in inception_v3.
 */
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../ir.js';
import { registerArchitecture, type ArchitectureOptions } from '../registry.js';
import { basicConv2d } from './layers.js';

/** [1x1, 3x3 reduce, 3x3, "5x5" reduce, "5x5", pool projection] output channels. */
type InceptionWidths = readonly [number, number, number, number, number, number];

function inception(b: GraphBuilder, p: string, x: string, widths: InceptionWidths): string {
  const [ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, poolProj] = widths;
  const branch1 = basicConv2d(b, `${p}.branch1`, x, ch1x1, 1);
  const branch2 = basicConv2d(b, `${p}.branch2.1`, basicConv2d(b, `${p}.branch2.0`, x, ch3x3red, 1), ch3x3, 3, {
    padding: 1,
  });
  const branch3 = basicConv2d(b, `${p}.branch3.1`, basicConv2d(b, `${p}.branch3.0`, x, ch5x5red, 1), ch5x5, 3, {
    padding: 1,
  });
  const pooled = b.maxPool(`${p}.branch4.0`, x, 3, { stride: 1, padding: 1, ceilMode: true });
  const branch4 = basicConv2d(b, `${p}.branch4.1`, pooled, poolProj, 1);
  return b.concat(p, [branch1, branch2, branch3, branch4]);
}

export function googlenet({ numClasses, inputChannels }: Required<ArchitectureOptions>): Graph {
  const b = new GraphBuilder('googlenet', inputChannels, numClasses);
  const pool = (name: string, input: string, kernel: number) => b.maxPool(name, input, kernel, { stride: 2, ceilMode: true });
  let x = basicConv2d(b, 'conv1', 'input', 64, 7, { stride: 2, padding: 3 });
  x = pool('maxpool1', x, 3);
  x = basicConv2d(b, 'conv2', x, 64, 1);
  x = basicConv2d(b, 'conv3', x, 192, 3, { padding: 1 });
  x = pool('maxpool2', x, 3);
  x = inception(b, 'inception3a', x, [64, 96, 128, 16, 32, 32]);
  x = inception(b, 'inception3b', x, [128, 128, 192, 32, 96, 64]);
  x = pool('maxpool3', x, 3);
  x = inception(b, 'inception4a', x, [192, 96, 208, 16, 48, 64]);
  x = inception(b, 'inception4b', x, [160, 112, 224, 24, 64, 64]);
  x = inception(b, 'inception4c', x, [128, 128, 256, 24, 64, 64]);
  x = inception(b, 'inception4d', x, [112, 144, 288, 32, 64, 64]);
  x = inception(b, 'inception4e', x, [256, 160, 320, 32, 128, 128]);
  x = pool('maxpool4', x, 2);
  x = inception(b, 'inception5a', x, [256, 160, 320, 32, 128, 128]);
  const featureMap = inception(b, 'inception5b', x, [384, 192, 384, 48, 128, 128]);
  const pooled = b.flatten('flatten', b.globalAvgPool('avgpool', featureMap));
  const logits = b.linear('fc', b.dropout('dropout', pooled, 0.2), numClasses);
  return b.build({ output: logits, featureMap, head: logits, defaultInputSize: 224, minInputSize: 15 });
}

registerArchitecture({
  name: 'googlenet',
  family: 'inception',
  origin: 'torchvision',
  description: 'GoogLeNet (Inception v1) without the auxiliary classifiers',
  create: googlenet,
});
