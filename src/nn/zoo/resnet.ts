/** ResNet (He et al. 2015) as torchvision 0.14 defines it: v1.5, the stride of a bottleneck on its 3x3 conv. */
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../ir.js';
import { registerArchitecture, type ArchitectureOptions } from '../registry.js';

type BlockKind = 'basic' | 'bottleneck';
const EXPANSION: Record<BlockKind, number> = { basic: 1, bottleneck: 4 };

/** Projection shortcut (`downsample.0` conv1x1, `downsample.1` BN) where the shape changes, else identity. */
function shortcut(b: GraphBuilder, prefix: string, input: string, outChannels: number, stride: number): string {
  if (stride === 1 && b.channelsOf(input) === outChannels) return input;
  const conv = b.conv(`${prefix}.downsample.0`, input, outChannels, 1, { stride, padding: 0 });
  return b.batchNorm(`${prefix}.downsample.1`, conv);
}

function basicBlock(b: GraphBuilder, prefix: string, input: string, planes: number, stride: number): string {
  let x = b.conv(`${prefix}.conv1`, input, planes, 3, { stride, padding: 1 });
  x = b.relu(`${prefix}.relu1`, b.batchNorm(`${prefix}.bn1`, x));
  x = b.batchNorm(`${prefix}.bn2`, b.conv(`${prefix}.conv2`, x, planes, 3, { padding: 1 }));
  const identity = shortcut(b, prefix, input, planes, stride);
  return b.relu(prefix, b.sum(`${prefix}.add`, x, identity));
}

function bottleneck(b: GraphBuilder, prefix: string, input: string, planes: number, stride: number): string {
  const out = planes * EXPANSION.bottleneck;
  let x = b.conv(`${prefix}.conv1`, input, planes, 1, { padding: 0 });
  x = b.relu(`${prefix}.relu1`, b.batchNorm(`${prefix}.bn1`, x));
  x = b.conv(`${prefix}.conv2`, x, planes, 3, { stride, padding: 1 });
  x = b.relu(`${prefix}.relu2`, b.batchNorm(`${prefix}.bn2`, x));
  x = b.batchNorm(`${prefix}.bn3`, b.conv(`${prefix}.conv3`, x, out, 1, { padding: 0 }));
  const identity = shortcut(b, prefix, input, out, stride);
  return b.relu(prefix, b.sum(`${prefix}.add`, x, identity));
}

function resnet(arch: string, kind: BlockKind, layers: readonly number[]) {
  return ({ numClasses, inputChannels }: Required<ArchitectureOptions>): Graph => {
    const b = new GraphBuilder(arch, inputChannels, numClasses);
    let x = b.conv('conv1', 'input', 64, 7, { stride: 2, padding: 3 });
    x = b.relu('relu', b.batchNorm('bn1', x));
    x = b.maxPool('maxpool', x, 3, { stride: 2, padding: 1 });
    const block = kind === 'basic' ? basicBlock : bottleneck;
    layers.forEach((blocks, stage) => {
      const planes = 64 * 2 ** stage;
      for (let i = 0; i < blocks; i++) {
        x = block(b, `layer${stage + 1}.${i}`, x, planes, i === 0 && stage > 0 ? 2 : 1);
      }
    });
    const featureMap = x;
    const logits = b.linear('fc', b.flatten('flatten', b.globalAvgPool('avgpool', featureMap)), numClasses);
    return b.build({ output: logits, featureMap, head: logits, defaultInputSize: 224, minInputSize: 1 });
  };
}

registerArchitecture({
  name: 'resnet18',
  family: 'resnet',
  origin: 'torchvision',
  description: 'ResNet-18: basic residual blocks, a robust baseline',
  create: resnet('resnet18', 'basic', [2, 2, 2, 2]),
});

registerArchitecture({
  name: 'resnet50',
  family: 'resnet',
  origin: 'torchvision',
  description: 'ResNet-50 (v1.5): bottleneck residual blocks',
  create: resnet('resnet50', 'bottleneck', [3, 4, 6, 3]),
});
