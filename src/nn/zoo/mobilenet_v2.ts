/** MobileNetV2 (Sandler et al. 2018), as torchvision 0.14 defines `mobilenet_v2` (width 1.0). */
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../ir.js';
import { registerArchitecture, type ArchitectureOptions } from '../registry.js';
import { convNormActivation } from './layers.js';

/** [expand ratio t, output channels c, repeats n, first stride s], from the paper's Table 2. */
const INVERTED_RESIDUAL_SETTING: ReadonlyArray<readonly [number, number, number, number]> = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

function invertedResidual(b: GraphBuilder, prefix: string, input: string, outChannels: number, stride: number, expandRatio: number): string {
  const inChannels = b.channelsOf(input);
  const hidden = Math.round(inChannels * expandRatio);
  let x = input;
  let layer = 0;
  if (expandRatio !== 1) x = convNormActivation(b, `${prefix}.conv.${layer++}`, x, hidden, 1, 'relu6');
  x = convNormActivation(b, `${prefix}.conv.${layer++}`, x, hidden, 3, 'relu6', { stride, groups: hidden });
  x = b.conv(`${prefix}.conv.${layer++}`, x, outChannels, 1, { padding: 0 });
  x = b.batchNorm(`${prefix}.conv.${layer++}`, x);
  return stride === 1 && inChannels === outChannels ? b.sum(prefix, input, x) : x;
}

export function mobilenetV2({ numClasses, inputChannels }: Required<ArchitectureOptions>): Graph {
  const b = new GraphBuilder('mobilenet_v2', inputChannels, numClasses);
  let x = convNormActivation(b, 'features.0', 'input', 32, 3, 'relu6', { stride: 2 });
  let index = 1;
  for (const [t, c, n, s] of INVERTED_RESIDUAL_SETTING) {
    for (let i = 0; i < n; i++) x = invertedResidual(b, `features.${index++}`, x, c, i === 0 ? s : 1, t);
  }
  const featureMap = convNormActivation(b, `features.${index}`, x, 1280, 1, 'relu6');
  const pooled = b.flatten('flatten', b.globalAvgPool('avgpool', featureMap));
  const dropped = b.dropout('classifier.0', pooled, 0.2);
  const logits = b.linear('classifier.1', dropped, numClasses);
  return b.build({ output: logits, featureMap, head: logits, defaultInputSize: 224, minInputSize: 1 });
}

registerArchitecture({
  name: 'mobilenet_v2',
  family: 'mobilenet',
  origin: 'torchvision',
  description: 'MobileNetV2 1.0: inverted residuals, light and fast',
  create: mobilenetV2,
});
