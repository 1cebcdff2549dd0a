/** DenseNet-121 (Huang et al. 2016), the BC variant, as torchvision 0.14 defines `densenet121`. */
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../ir.js';
import { registerArchitecture, type ArchitectureOptions } from '../registry.js';

const GROWTH_RATE = 32;
const BLOCK_CONFIG = [6, 12, 24, 16] as const;
const NUM_INIT_FEATURES = 64;
/** Bottleneck width as a multiple of the growth rate. */
const BN_SIZE = 4;

/** BN-ReLU-conv1x1-BN-ReLU-conv3x3 on the concatenation of everything the block has produced so far. */
function denseLayer(b: GraphBuilder, prefix: string, inputs: string[]): string {
  const x = inputs.length === 1 ? inputs[0]! : b.concat(`${prefix}.cat`, [...inputs]);
  let y = b.relu(`${prefix}.relu1`, b.batchNorm(`${prefix}.norm1`, x));
  y = b.conv(`${prefix}.conv1`, y, BN_SIZE * GROWTH_RATE, 1, { padding: 0 });
  y = b.relu(`${prefix}.relu2`, b.batchNorm(`${prefix}.norm2`, y));
  return b.conv(`${prefix}.conv2`, y, GROWTH_RATE, 3, { padding: 1 });
}

function denseBlock(b: GraphBuilder, prefix: string, input: string, layers: number): string {
  const features = [input];
  for (let i = 1; i <= layers; i++) features.push(denseLayer(b, `${prefix}.denselayer${i}`, features));
  return b.concat(prefix, features);
}

function transition(b: GraphBuilder, prefix: string, input: string): string {
  const x = b.relu(`${prefix}.relu`, b.batchNorm(`${prefix}.norm`, input));
  const conv = b.conv(`${prefix}.conv`, x, Math.floor(b.channelsOf(input) / 2), 1, { padding: 0 });
  return b.avgPool(`${prefix}.pool`, conv, 2, { stride: 2 });
}

export function densenet121({ numClasses, inputChannels }: Required<ArchitectureOptions>): Graph {
  const b = new GraphBuilder('densenet121', inputChannels, numClasses);
  let x = b.conv('features.conv0', 'input', NUM_INIT_FEATURES, 7, { stride: 2, padding: 3 });
  x = b.relu('features.relu0', b.batchNorm('features.norm0', x));
  x = b.maxPool('features.pool0', x, 3, { stride: 2, padding: 1 });
  BLOCK_CONFIG.forEach((layers, i) => {
    x = denseBlock(b, `features.denseblock${i + 1}`, x, layers);
    if (i !== BLOCK_CONFIG.length - 1) x = transition(b, `features.transition${i + 1}`, x);
  });
  // torchvision applies this ReLU in forward(), after `features.norm5`; CAM weighs the activated map.
  const featureMap = b.relu('relu', b.batchNorm('features.norm5', x));
  const logits = b.linear('classifier', b.flatten('flatten', b.globalAvgPool('avgpool', featureMap)), numClasses);
  return b.build({ output: logits, featureMap, head: logits, defaultInputSize: 224, minInputSize: 29 });
}

registerArchitecture({
  name: 'densenet121',
  family: 'densenet',
  origin: 'torchvision',
  description: 'DenseNet-121: densely connected blocks (the backbone of CheXNet)',
  create: densenet121,
});
