import { describe, expect, it } from 'vitest';
import { listModels } from '../registry.js';
import '../zoo/index.js';
import { BF16_SLOWER_ARCHITECTURES, BF16_VERIFIED_ARCHITECTURES, cpuHasNativeBf16, cpuinfoHasNativeBf16, resolvePrecision } from './precision.js';

const AVX2 = 'processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma\n';
const SAPPHIRE_RAPIDS = 'processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512bw avx512_bf16 amx_bf16 amx_tile\n';
const COOPER_LAKE = 'processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_bf16\n';

describe('native bfloat16 detection', () => {
  it('reads AVX512-BF16 and AMX-BF16 from the flags line', () => {
    expect(cpuinfoHasNativeBf16(AVX2)).toBe(false);
    expect(cpuinfoHasNativeBf16(SAPPHIRE_RAPIDS)).toBe(true);
    expect(cpuinfoHasNativeBf16(COOPER_LAKE)).toBe(true);
    expect(cpuinfoHasNativeBf16('model name\t: avx512_bf16 lookalike\nflags\t\t: avx2\n')).toBe(false);
  });

  it('answers for this machine the same way each time', () => {
    expect(cpuHasNativeBf16()).toBe(cpuHasNativeBf16());
  });
});

describe('resolvePrecision', () => {
  it('auto takes bf16 only with native bfloat16, on a CPU, for a verified architecture that is faster in it', () => {
    expect(resolvePrecision('auto', { arch: 'resnet18', nativeBf16: true }).precision).toBe('bf16');
    expect(resolvePrecision(undefined, { arch: 'densenet121', nativeBf16: true }).precision).toBe('bf16');
    expect(resolvePrecision(undefined, { arch: 'mobilenet_v2', nativeBf16: true })).toMatchObject({ precision: 'fp32', reason: expect.stringMatching(/faster in fp32/) });
    expect(resolvePrecision('bf16', { arch: 'mobilenet_v2', nativeBf16: true }).precision).toBe('bf16');
    expect(resolvePrecision('auto', { arch: 'resnet18', nativeBf16: false })).toMatchObject({ precision: 'fp32', reason: expect.stringMatching(/no native bfloat16/) });
    expect(resolvePrecision('auto', { arch: 'vit_b_16', nativeBf16: true })).toMatchObject({ precision: 'fp32', reason: expect.stringMatching(/not yet verified/) });
    expect(resolvePrecision('auto', { arch: 'resnet18', device: 'cuda', nativeBf16: true }).precision).toBe('fp32');
  });

  it('honours an explicit choice, warning when bf16 will be slow', () => {
    expect(resolvePrecision('fp32', { arch: 'resnet18', nativeBf16: true })).toEqual({ precision: 'fp32', reason: 'fp32 asked for' });
    expect(resolvePrecision('bf16', { arch: 'resnet18', nativeBf16: true }).warning).toBeUndefined();
    expect(resolvePrecision('bf16', { arch: 'vit_b_16', nativeBf16: false })).toMatchObject({
      precision: 'bf16', warning: expect.stringMatching(/no native bfloat16 .*slower than fp32/),
    });
  });

  it('rejects anything else with the accepted values', () => {
    expect(() => resolvePrecision('fp16' as 'fp32', { arch: 'resnet18' })).toThrow(/"auto", "fp32" or "bf16"/);
  });

  it('verifies only architectures the zoo has, and calls slower only verified ones', () => {
    expect([...BF16_VERIFIED_ARCHITECTURES].filter((arch) => !listModels().includes(arch))).toEqual([]);
    expect([...BF16_SLOWER_ARCHITECTURES].filter((arch) => !BF16_VERIFIED_ARCHITECTURES.has(arch))).toEqual([]);
  });
});
