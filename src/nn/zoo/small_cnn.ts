/**
 * A small VGG-style network: four 3x3 conv-BN-ReLU stages (16, 32, 64, 128 channels), each halving the
 * resolution with a 2x2 max pool, then global average pooling and a linear head. About 0.1M parameters and
 * a tenth of ResNet-18's arithmetic at the same input size, with full resolution kept in the first stage so
 * a break a few pixels wide still reaches the deeper layers. For quick runs on small images (the demo, the
 * synthetic learnability check) and as a floor the larger architectures should beat; it has no torchvision
 * counterpart, so no pretrained weights.
 */
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../ir.js';
import { registerArchitecture, type ArchitectureOptions } from '../registry.js';
import { convNormActivation } from './layers.js';

const STAGE_WIDTHS = [16, 32, 64, 128] as const;

export function smallCnn({ numClasses, inputChannels }: Required<ArchitectureOptions>): Graph {
  const b = new GraphBuilder('small_cnn', inputChannels, numClasses);
  let x = 'input';
  STAGE_WIDTHS.forEach((width, stage) => {
    x = convNormActivation(b, `features.${stage}`, x, width, 3, 'relu');
    x = b.maxPool(`features.${stage}.pool`, x, 2, { stride: 2 });
  });
  const featureMap = x;
  const logits = b.linear('fc', b.flatten('flatten', b.globalAvgPool('avgpool', featureMap)), numClasses);
  return b.build({ output: logits, featureMap, head: 'fc', defaultInputSize: 64, minInputSize: 16 });
}

registerArchitecture({
  name: 'small_cnn',
  family: 'small_cnn',
  origin: 'osteon',
  description: 'a small VGG-style CNN (4 conv stages, 0.1M params): quick runs on small images, no pretrained weights',
  create: smallCnn,
});
