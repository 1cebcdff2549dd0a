/**
 * Building blocks that several torchvision architectures share, written so that node names equal
 * torchvision's module paths.
 *
 * Naming convention of the whole zoo: a node that is a torchvision module takes that module's path
 * (`features.0.0`); the final value of a block (a residual sum, a concatenation, the last ReLU of a
 * ResNet block) takes the block's path (`layer1.0`, `Mixed_5b`); other functional steps inside a block
 * take `<block>.<step>` (`layer1.0.add`, `Mixed_5b.avg_pool`).
 */
import type { GraphBuilder, ConvOptions } from '../builder.js';

export type Activation = 'relu' | 'relu6' | 'silu' | 'none';

export function activate(b: GraphBuilder, name: string, input: string, activation: Activation): string {
  switch (activation) {
    case 'relu':
      return b.relu(name, input);
    case 'relu6':
      return b.relu6(name, input);
    case 'silu':
      return b.silu(name, input);
    case 'none':
      return input;
  }
}

/**
 * torchvision's `Conv2dNormActivation`: `<prefix>.0` conv (no bias, padding (k-1)/2), `<prefix>.1`
 * BatchNorm2d (eps 1e-5, momentum 0.1), `<prefix>.2` activation.
 */
export function convNormActivation(
  b: GraphBuilder,
  prefix: string,
  input: string,
  outChannels: number,
  kernel: number,
  activation: Activation,
  options: Pick<ConvOptions, 'stride' | 'groups'> = {},
): string {
  const conv = b.conv(`${prefix}.0`, input, outChannels, kernel, {
    ...options,
    padding: Math.floor((kernel - 1) / 2),
  });
  const bn = b.batchNorm(`${prefix}.1`, conv);
  return activate(b, `${prefix}.2`, bn, activation);
}

/** The `BasicConv2d` of GoogLeNet and Inception v3: conv (no bias), BatchNorm2d with eps 1e-3, ReLU. */
export function basicConv2d(
  b: GraphBuilder,
  prefix: string,
  input: string,
  outChannels: number,
  kernel: number | [number, number],
  options: Pick<ConvOptions, 'stride' | 'padding'> = {},
): string {
  const conv = b.conv(`${prefix}.conv`, input, outChannels, kernel, { stride: options.stride, padding: options.padding ?? 0 });
  const bn = b.batchNorm(`${prefix}.bn`, conv, { eps: 0.001 });
  return b.relu(`${prefix}.relu`, bn);
}

/** torchvision's `_make_divisible`: rounds channels to a multiple of `divisor`, never more than 10% down. */
export function makeDivisible(value: number, divisor: number, minValue = divisor): number {
  const rounded = Math.max(minValue, Math.floor((value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}
