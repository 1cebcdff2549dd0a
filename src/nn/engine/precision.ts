import fs from 'node:fs';
import { OsteonError } from '../../errors.js';

/** Arithmetic of a training step; `bf16` is autocast (see EngineOptions.precision). */
export type Precision = 'fp32' | 'bf16';
/** What a user asks for: `auto` takes bf16 only where it is known to pay off. */
export type PrecisionChoice = Precision | 'auto';

export const PRECISION_CHOICES: readonly PrecisionChoice[] = ['auto', 'fp32', 'bf16'];

/**
 * Architectures that train correctly in bf16: each takes bf16 steps with finite losses, its ops' gradients stay
 * close to fp32's, and all are batch-normalised convnets of the kind trained in bf16 at scale. `auto` keeps any
 * other architecture in fp32.
 */
export const BF16_VERIFIED_ARCHITECTURES: ReadonlySet<string> = new Set([
  'densenet121', 'efficientnet_b0', 'efficientnet_b1', 'googlenet', 'inception_v3', 'mobilenet_v2', 'resnet18',
  'resnet50', 'squeezenet1_1',
]);

/**
 * Verified architectures whose bf16 step is slower than their fp32 step even on a CPU with native bfloat16
 * (0.85-0.93x on an AVX512-BF16 CPU, where the others gained 1.46-3.58x; BENCHMARKS.md, Mixed precision), so
 * `auto` trains them in fp32. All three are built of depthwise and narrow 1x1 convolutions (in PyTorch's own
 * autocast EfficientNet loses too).
 */
export const BF16_SLOWER_ARCHITECTURES: ReadonlySet<string> = new Set(['efficientnet_b0', 'efficientnet_b1', 'mobilenet_v2']);

/**
 * Whether a CPU computes bfloat16 natively (AVX512-BF16 or AMX-BF16), from the text of /proc/cpuinfo. Without it
 * libtorch emulates bfloat16 through float32 and bf16 training is slower than fp32.
 */
export function cpuinfoHasNativeBf16(cpuinfo: string): boolean {
  return /^flags\s*:.*\b(avx512_bf16|amx_bf16)\b/m.test(cpuinfo);
}

let nativeBf16: boolean | undefined;

/** cpuinfoHasNativeBf16 of this machine, read once; false where /proc/cpuinfo does not exist. */
export function cpuHasNativeBf16(): boolean {
  if (nativeBf16 === undefined) {
    try {
      nativeBf16 = cpuinfoHasNativeBf16(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    } catch {
      nativeBf16 = false;
    }
  }
  return nativeBf16;
}

export interface ResolvedPrecision {
  precision: Precision;
  /** Why this precision, for logs and run records. */
  reason: string;
  /** Set when the choice works but will be slow here. */
  warning?: string;
}

export interface PrecisionContext {
  arch: string;
  device?: 'cpu' | 'cuda';
  /** Defaults to this machine's CPU (cpuHasNativeBf16). */
  nativeBf16?: boolean;
}

/** Turns a user's choice into the precision a run uses, saying why. */
export function resolvePrecision(choice: PrecisionChoice | undefined, context: PrecisionContext): ResolvedPrecision {
  const requested = choice ?? 'auto';
  if (!PRECISION_CHOICES.includes(requested)) {
    throw new OsteonError('BAD_OPTION', `Precision must be "auto", "fp32" or "bf16", got ${JSON.stringify(choice)}.`);
  }
  const device = context.device ?? 'cpu';
  const native = device === 'cpu' && (context.nativeBf16 ?? cpuHasNativeBf16());
  if (requested === 'fp32') return { precision: 'fp32', reason: 'fp32 asked for' };
  if (requested === 'bf16') {
    return {
      precision: 'bf16',
      reason: 'bf16 asked for',
      warning: device === 'cpu' && !native
        ? 'bf16 asked for, but this CPU has no native bfloat16 (AVX512-BF16 or AMX): training is correct but slower than fp32.'
        : undefined,
    };
  }
  if (device !== 'cpu') return { precision: 'fp32', reason: 'auto: bf16 is chosen automatically on CPUs only' };
  if (!native) return { precision: 'fp32', reason: 'auto: this CPU has no native bfloat16 (AVX512-BF16 or AMX)' };
  if (!BF16_VERIFIED_ARCHITECTURES.has(context.arch)) {
    return { precision: 'fp32', reason: `auto: ${context.arch} is not yet verified to train well in bf16` };
  }
  if (BF16_SLOWER_ARCHITECTURES.has(context.arch)) {
    return { precision: 'fp32', reason: `auto: ${context.arch} trains faster in fp32 than in bf16, even with native bfloat16` };
  }
  return { precision: 'bf16', reason: 'auto: this CPU has native bfloat16' };
}
