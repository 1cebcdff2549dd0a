/**
 * Inception v3 (Szegedy et al. 2015) as torchvision 0.14 defines `inception_v3(aux_logits=False)`.
 *
 * Left out: the auxiliary classifier (training-only) and `transform_input`, which torchvision switches on
 * only for Google's ImageNet weights, whose inputs were normalised to [-1, 1]; preprocessing owns that.
 */
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../ir.js';
import { registerArchitecture, type ArchitectureOptions } from '../registry.js';
import { basicConv2d } from './layers.js';

type Builder = GraphBuilder;

/** The pooled branch of blocks A, C and E: 3x3 average pooling (stride 1, padding 1) then a 1x1 conv. */
function poolBranch(b: Builder, prefix: string, input: string, outChannels: number): string {
  const pooled = b.avgPool(`${prefix}.avg_pool`, input, 3, { stride: 1, padding: 1 });
  return basicConv2d(b, `${prefix}.branch_pool`, pooled, outChannels, 1);
}

function inceptionA(b: Builder, p: string, x: string, poolFeatures: number): string {
  const branch1x1 = basicConv2d(b, `${p}.branch1x1`, x, 64, 1);
  let branch5x5 = basicConv2d(b, `${p}.branch5x5_1`, x, 48, 1);
  branch5x5 = basicConv2d(b, `${p}.branch5x5_2`, branch5x5, 64, 5, { padding: 2 });
  let dbl = basicConv2d(b, `${p}.branch3x3dbl_1`, x, 64, 1);
  dbl = basicConv2d(b, `${p}.branch3x3dbl_2`, dbl, 96, 3, { padding: 1 });
  dbl = basicConv2d(b, `${p}.branch3x3dbl_3`, dbl, 96, 3, { padding: 1 });
  return b.concat(p, [branch1x1, branch5x5, dbl, poolBranch(b, p, x, poolFeatures)]);
}

function inceptionB(b: Builder, p: string, x: string): string {
  const branch3x3 = basicConv2d(b, `${p}.branch3x3`, x, 384, 3, { stride: 2 });
  let dbl = basicConv2d(b, `${p}.branch3x3dbl_1`, x, 64, 1);
  dbl = basicConv2d(b, `${p}.branch3x3dbl_2`, dbl, 96, 3, { padding: 1 });
  dbl = basicConv2d(b, `${p}.branch3x3dbl_3`, dbl, 96, 3, { stride: 2 });
  const pooled = b.maxPool(`${p}.max_pool`, x, 3, { stride: 2 });
  return b.concat(p, [branch3x3, dbl, pooled]);
}

function inceptionC(b: Builder, p: string, x: string, c7: number): string {
  const branch1x1 = basicConv2d(b, `${p}.branch1x1`, x, 192, 1);
  let b7 = basicConv2d(b, `${p}.branch7x7_1`, x, c7, 1);
  b7 = basicConv2d(b, `${p}.branch7x7_2`, b7, c7, [1, 7], { padding: [0, 3] });
  b7 = basicConv2d(b, `${p}.branch7x7_3`, b7, 192, [7, 1], { padding: [3, 0] });
  let dbl = basicConv2d(b, `${p}.branch7x7dbl_1`, x, c7, 1);
  dbl = basicConv2d(b, `${p}.branch7x7dbl_2`, dbl, c7, [7, 1], { padding: [3, 0] });
  dbl = basicConv2d(b, `${p}.branch7x7dbl_3`, dbl, c7, [1, 7], { padding: [0, 3] });
  dbl = basicConv2d(b, `${p}.branch7x7dbl_4`, dbl, c7, [7, 1], { padding: [3, 0] });
  dbl = basicConv2d(b, `${p}.branch7x7dbl_5`, dbl, 192, [1, 7], { padding: [0, 3] });
  return b.concat(p, [branch1x1, b7, dbl, poolBranch(b, p, x, 192)]);
}

function inceptionD(b: Builder, p: string, x: string): string {
  let b3 = basicConv2d(b, `${p}.branch3x3_1`, x, 192, 1);
  b3 = basicConv2d(b, `${p}.branch3x3_2`, b3, 320, 3, { stride: 2 });
  let b7 = basicConv2d(b, `${p}.branch7x7x3_1`, x, 192, 1);
  b7 = basicConv2d(b, `${p}.branch7x7x3_2`, b7, 192, [1, 7], { padding: [0, 3] });
  b7 = basicConv2d(b, `${p}.branch7x7x3_3`, b7, 192, [7, 1], { padding: [3, 0] });
  b7 = basicConv2d(b, `${p}.branch7x7x3_4`, b7, 192, 3, { stride: 2 });
  const pooled = b.maxPool(`${p}.max_pool`, x, 3, { stride: 2 });
  return b.concat(p, [b3, b7, pooled]);
}

function inceptionE(b: Builder, p: string, x: string): string {
  const branch1x1 = basicConv2d(b, `${p}.branch1x1`, x, 320, 1);
  const b3 = basicConv2d(b, `${p}.branch3x3_1`, x, 384, 1);
  const branch3x3 = b.concat(`${p}.branch3x3`, [
    basicConv2d(b, `${p}.branch3x3_2a`, b3, 384, [1, 3], { padding: [0, 1] }),
    basicConv2d(b, `${p}.branch3x3_2b`, b3, 384, [3, 1], { padding: [1, 0] }),
  ]);
  let dbl = basicConv2d(b, `${p}.branch3x3dbl_1`, x, 448, 1);
  dbl = basicConv2d(b, `${p}.branch3x3dbl_2`, dbl, 384, 3, { padding: 1 });
  const branch3x3dbl = b.concat(`${p}.branch3x3dbl`, [
    basicConv2d(b, `${p}.branch3x3dbl_3a`, dbl, 384, [1, 3], { padding: [0, 1] }),
    basicConv2d(b, `${p}.branch3x3dbl_3b`, dbl, 384, [3, 1], { padding: [1, 0] }),
  ]);
  return b.concat(p, [branch1x1, branch3x3, branch3x3dbl, poolBranch(b, p, x, 192)]);
}

export function inceptionV3({ numClasses, inputChannels }: Required<ArchitectureOptions>): Graph {
  const b = new GraphBuilder('inception_v3', inputChannels, numClasses);
  let x = basicConv2d(b, 'Conv2d_1a_3x3', 'input', 32, 3, { stride: 2 });
  x = basicConv2d(b, 'Conv2d_2a_3x3', x, 32, 3);
  x = basicConv2d(b, 'Conv2d_2b_3x3', x, 64, 3, { padding: 1 });
  x = b.maxPool('maxpool1', x, 3, { stride: 2 });
  x = basicConv2d(b, 'Conv2d_3b_1x1', x, 80, 1);
  x = basicConv2d(b, 'Conv2d_4a_3x3', x, 192, 3);
  x = b.maxPool('maxpool2', x, 3, { stride: 2 });
  x = inceptionA(b, 'Mixed_5b', x, 32);
  x = inceptionA(b, 'Mixed_5c', x, 64);
  x = inceptionA(b, 'Mixed_5d', x, 64);
  x = inceptionB(b, 'Mixed_6a', x);
  x = inceptionC(b, 'Mixed_6b', x, 128);
  x = inceptionC(b, 'Mixed_6c', x, 160);
  x = inceptionC(b, 'Mixed_6d', x, 160);
  x = inceptionC(b, 'Mixed_6e', x, 192);
  x = inceptionD(b, 'Mixed_7a', x);
  x = inceptionE(b, 'Mixed_7b', x);
  const featureMap = inceptionE(b, 'Mixed_7c', x);
  const pooled = b.dropout('dropout', b.globalAvgPool('avgpool', featureMap), 0.5);
  const logits = b.linear('fc', b.flatten('flatten', pooled), numClasses);
  return b.build({ output: logits, featureMap, head: logits, defaultInputSize: 299, minInputSize: 75 });
}

registerArchitecture({
  name: 'inception_v3',
  family: 'inception',
  origin: 'torchvision',
  description: 'Inception v3 without the auxiliary classifier, for 299 px inputs',
  create: inceptionV3,
});
