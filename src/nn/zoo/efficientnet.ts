/** EfficientNet B0 and B1 (Tan & Le 2019) as torchvision 0.14 defines `efficientnet_b0` and `efficientnet_b1`. */
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../ir.js';
import { registerArchitecture, type ArchitectureOptions } from '../registry.js';
import { convNormActivation, makeDivisible } from './layers.js';

interface StageConfig {
  expandRatio: number;
  kernel: number;
  stride: number;
  inChannels: number;
  outChannels: number;
  layers: number;
}

/** The B0 baseline: [expand ratio, kernel, stride, in channels, out channels, layers]. */
const BASELINE: ReadonlyArray<readonly [number, number, number, number, number, number]> = [
  [1, 3, 1, 32, 16, 1],
  [6, 3, 2, 16, 24, 2],
  [6, 5, 2, 24, 40, 2],
  [6, 3, 2, 40, 80, 3],
  [6, 5, 1, 80, 112, 3],
  [6, 5, 2, 112, 192, 4],
  [6, 3, 1, 192, 320, 1],
];

/** Across all blocks, the residual branch's drop probability rises linearly from 0 towards this. */
const STOCHASTIC_DEPTH_PROB = 0.2;

function scaledStages(widthMult: number, depthMult: number): StageConfig[] {
  return BASELINE.map(([expandRatio, kernel, stride, inChannels, outChannels, layers]) => ({
    expandRatio,
    kernel,
    stride,
    inChannels: makeDivisible(inChannels * widthMult, 8),
    outChannels: makeDivisible(outChannels * widthMult, 8),
    layers: Math.ceil(layers * depthMult),
  }));
}

/** Squeeze-and-excitation (torchvision `SqueezeExcitation` with SiLU): the block's value is the rescaled input. */
function squeezeExcitation(b: GraphBuilder, prefix: string, input: string, squeezeChannels: number): string {
  let scale = b.globalAvgPool(`${prefix}.avgpool`, input);
  scale = b.silu(`${prefix}.activation`, b.conv(`${prefix}.fc1`, scale, squeezeChannels, 1, { bias: true }));
  scale = b.conv(`${prefix}.fc2`, scale, b.channelsOf(input), 1, { bias: true });
  scale = b.sigmoid(`${prefix}.scale_activation`, scale);
  return b.mul(prefix, input, scale);
}

function mbConv(
  b: GraphBuilder,
  prefix: string,
  input: string,
  cfg: { expandRatio: number; kernel: number; stride: number; outChannels: number },
  stochasticDepthProb: number,
): string {
  const inChannels = b.channelsOf(input);
  const expanded = makeDivisible(inChannels * cfg.expandRatio, 8);
  let x = input;
  let layer = 0;
  if (expanded !== inChannels) x = convNormActivation(b, `${prefix}.block.${layer++}`, x, expanded, 1, 'silu');
  x = convNormActivation(b, `${prefix}.block.${layer++}`, x, expanded, cfg.kernel, 'silu', {
    stride: cfg.stride,
    groups: expanded,
  });
  // torchvision squeezes relative to the block's input channels, not the expanded ones.
  x = squeezeExcitation(b, `${prefix}.block.${layer++}`, x, Math.max(1, Math.floor(inChannels / 4)));
  x = convNormActivation(b, `${prefix}.block.${layer++}`, x, cfg.outChannels, 1, 'none');
  if (cfg.stride !== 1 || inChannels !== cfg.outChannels) return x;
  return b.sum(prefix, b.stochasticDepth(`${prefix}.stochastic_depth`, x, stochasticDepthProb), input);
}

function efficientnet(arch: string, widthMult: number, depthMult: number, defaultInputSize: number) {
  return ({ numClasses, inputChannels }: Required<ArchitectureOptions>): Graph => {
    const stages = scaledStages(widthMult, depthMult);
    const b = new GraphBuilder(arch, inputChannels, numClasses);
    let x = convNormActivation(b, 'features.0', 'input', stages[0]!.inChannels, 3, 'silu', { stride: 2 });
    const totalBlocks = stages.reduce((sum, s) => sum + s.layers, 0);
    let blockId = 0;
    stages.forEach((stage, s) => {
      for (let i = 0; i < stage.layers; i++) {
        const cfg = { ...stage, stride: i === 0 ? stage.stride : 1 };
        x = mbConv(b, `features.${s + 1}.${i}`, x, cfg, (STOCHASTIC_DEPTH_PROB * blockId++) / totalBlocks);
      }
    });
    const lastChannels = 4 * stages[stages.length - 1]!.outChannels;
    const featureMap = convNormActivation(b, `features.${stages.length + 1}`, x, lastChannels, 1, 'silu');
    const pooled = b.flatten('flatten', b.globalAvgPool('avgpool', featureMap));
    const logits = b.linear('classifier.1', b.dropout('classifier.0', pooled, 0.2), numClasses);
    return b.build({ output: logits, featureMap, head: logits, defaultInputSize, minInputSize: 1 });
  };
}

registerArchitecture({
  name: 'efficientnet_b0',
  family: 'efficientnet',
  origin: 'torchvision',
  description: 'EfficientNet-B0: MBConv blocks with squeeze-excitation',
  create: efficientnet('efficientnet_b0', 1.0, 1.0, 224),
});

registerArchitecture({
  name: 'efficientnet_b1',
  family: 'efficientnet',
  origin: 'torchvision',
  // B1 is B0 deepened by 1.1 and designed for 240 px inputs (torchvision's crop size for its weights).
  description: 'EfficientNet-B1: B0 scaled 1.1x deeper, for 240 px inputs',
  create: efficientnet('efficientnet_b1', 1.0, 1.1, 240),
});
