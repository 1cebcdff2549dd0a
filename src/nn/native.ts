import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OsteonError } from '../errors.js';
import type { Graph } from './ir.js';

/** A tensor as it crosses the addon boundary: logical shape and row-major data. */
export interface HostTensor {
  shape: number[];
  dtype: 'float32' | 'int64';
  data: Float32Array | BigInt64Array;
}

export type StateDict = Record<string, HostTensor>;

export interface LoadReport {
  missing: string[];
  unexpected: string[];
  mismatched: Array<{ name: string; expected: number[]; got: number[] }>;
}

export interface OptimizerConfig {
  type?: 'adamw' | 'sgd';
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  decayNormAndBias?: boolean;
}

export interface LossConfig {
  labelSmoothing?: number;
  classWeights?: number[];
}

export interface StepResult {
  loss: number;
  correct: number;
  count: number;
}

/**
 * An exponential moving average of the weights (and batch-norm statistics), updated after every step. `decay` in
 * [0, 1): the old average's weight per step (0 stops averaging); `steps`: updates the average already holds (when
 * resuming), below 1 / (1 - decay) of which the average is the plain mean of every step so far.
 */
export interface AveragingConfig {
  decay: number;
  steps?: number;
}

export interface NativeModel {
  trainStep(input: Float32Array, shape: number[], target: Int32Array | Float32Array, lr: number): Promise<StepResult>;
  predict(
    input: Float32Array,
    shape: number[],
    options?: { features?: boolean; training?: boolean },
  ): Promise<{ logits: HostTensor; features?: HostTensor }>;
  configureOptimizer(config: OptimizerConfig): void;
  configureLoss(config: LossConfig): void;
  stateDict(): StateDict;
  loadStateDict(state: StateDict): LoadReport;
  saveOptimizer(path: string): Promise<void>;
  loadOptimizer(path: string): Promise<void>;
  setFrozen(prefixes: string[], frozen: boolean): number;
  configureAveraging(config: AveragingConfig): void;
  swapAveraged(): number;
  seedRandomDraws(seed: number): void;
  gradCheck(
    input: Float32Array,
    shape: number[],
    options: { training?: boolean; samples?: number; seed?: number },
  ): Promise<{ maxRelativeError: number; checked: number }>;
}

export interface NativeAddon {
  Model: new (
    graph: Graph,
    options: { device?: 'cpu' | 'cuda'; channelsLast?: boolean; seed?: number; precision?: 'fp32' | 'bf16' },
  ) => NativeModel;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  cudaAvailable(): boolean;
  readTorchFile(path: string): Promise<StateDict>;
  writeTorchFile(path: string, state: StateDict): Promise<void>;
  torchVersion: string;
}

let addon: NativeAddon | undefined;

/** Loads the libtorch addon once; explains how to build it when it is missing. */
export function loadNative(): NativeAddon {
  if (addon) return addon;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  // OSTEON_NATIVE_ADDON picks another build, e.g. one linked against a CUDA libtorch (LIBTORCH_DIR).
  const file = process.env.OSTEON_NATIVE_ADDON ?? path.join(root, 'native', 'build', 'Release', 'osteon_native.node');
  try {
    addon = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new OsteonError(
      'NATIVE_ENGINE_MISSING',
      `The libtorch training engine could not be loaded (${reason}). Run scripts/setup.sh, which installs ` +
        'libtorch-dev and builds native/.',
    );
  }
  return addon;
}
