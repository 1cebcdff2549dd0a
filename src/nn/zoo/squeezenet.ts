/**
 * SqueezeNet 1.1 (Iandola et al. 2016) as torchvision 0.14 defines `squeezenet1_1`.
 *
 * Its classifier is dropout -> 1x1 conv (`classifier.1`) -> ReLU -> global average pooling, with no linear
 * layer. Pooling-then-linear would not be equivalent (the ReLU sits between the conv and the pooling), and
 * torchvision's checkpoint stores `classifier.1.weight` as [numClasses, 512, 1, 1], so the graph keeps the
 * 1x1 conv and names it as the head. For such a head the class activation map needs no weighting step: it
 * is ReLU(head(featureMap)), the map whose spatial mean is the logit.
 */
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../ir.js';
import { registerArchitecture, type ArchitectureOptions } from '../registry.js';

function fire(b: GraphBuilder, prefix: string, input: string, squeeze: number, expand1x1: number, expand3x3: number): string {
  const s = b.relu(`${prefix}.squeeze_activation`, b.conv(`${prefix}.squeeze`, input, squeeze, 1, { bias: true }));
  const e1 = b.relu(`${prefix}.expand1x1_activation`, b.conv(`${prefix}.expand1x1`, s, expand1x1, 1, { bias: true }));
  const e3 = b.relu(
    `${prefix}.expand3x3_activation`,
    b.conv(`${prefix}.expand3x3`, s, expand3x3, 3, { padding: 1, bias: true }),
  );
  return b.concat(prefix, [e1, e3]);
}

export function squeezenet1_1({ numClasses, inputChannels }: Required<ArchitectureOptions>): Graph {
  const b = new GraphBuilder('squeezenet1_1', inputChannels, numClasses);
  const pool = (name: string, input: string) => b.maxPool(name, input, 3, { stride: 2, ceilMode: true });
  let x = b.relu('features.1', b.conv('features.0', 'input', 64, 3, { stride: 2, padding: 0, bias: true }));
  x = pool('features.2', x);
  x = fire(b, 'features.3', x, 16, 64, 64);
  x = fire(b, 'features.4', x, 16, 64, 64);
  x = pool('features.5', x);
  x = fire(b, 'features.6', x, 32, 128, 128);
  x = fire(b, 'features.7', x, 32, 128, 128);
  x = pool('features.8', x);
  x = fire(b, 'features.9', x, 48, 192, 192);
  x = fire(b, 'features.10', x, 48, 192, 192);
  x = fire(b, 'features.11', x, 64, 256, 256);
  const featureMap = fire(b, 'features.12', x, 64, 256, 256);
  const dropped = b.dropout('classifier.0', featureMap, 0.5);
  const head = b.conv('classifier.1', dropped, numClasses, 1, { padding: 0, bias: true });
  const classMap = b.relu('classifier.2', head);
  const logits = b.flatten('flatten', b.globalAvgPool('classifier.3', classMap));
  return b.build({ output: logits, featureMap, head, defaultInputSize: 224, minInputSize: 17, convInit: 'fan-in-uniform' });
}

registerArchitecture({
  name: 'squeezenet1_1',
  family: 'squeezenet',
  origin: 'torchvision',
  description: 'SqueezeNet 1.1: fire modules and a 1x1-conv classifier, the smallest',
  // Without batch norm, AdamW's near-uniform steps at the common 1e-3 move the fire modules too far: on the dev
  // radiographs (128 px) training loss stayed at chance (0.697) for seven epochs with or without label smoothing,
  // class weights, warm-up or lighter weight decay; at 3e-4 it fell below chance within three epochs.
  recipe: { lr: 3e-4 },
  create: squeezenet1_1,
});
