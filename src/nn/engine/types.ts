import type { Precision } from './precision.js';
import type { AveragingConfig, HostTensor, LoadReport, LossConfig, OptimizerConfig, StateDict, StepResult } from '../native.js';

/** A batch of preprocessed images in channels-last order: data.length = n * height * width * channels. */
export interface ImageBatch {
  data: Float32Array;
  shape: [n: number, height: number, width: number, channels: number];
}

/** Class indices (Int32Array, one per image) or class probabilities (Float32Array, n x classes; mixup). */
export type Targets = Int32Array | Float32Array;

export interface EngineOptions {
  /** `process` (default) runs libtorch in a child process so a native crash cannot take the caller down. */
  isolation?: 'process' | 'inline';
  device?: 'cpu' | 'cuda';
  /** Intra-op threads; default: the machine's core count. */
  threads?: number;
  channelsLast?: boolean;
  /** Seeds parameter initialisation. */
  seed?: number;
  /**
   * Arithmetic of training steps (default fp32). `bf16` is autocast: weights, optimizer state and the loss stay
   * float32, convolutions and matrix products run in bfloat16. Prediction is float32 either way.
   * See `resolvePrecision` for choosing one.
   */
  precision?: Precision;
}

/**
 * One trainable model, wherever it runs. Every call is asynchronous, so the in-process and the
 * child-process implementations are interchangeable (one conformance suite runs against both).
 */
export interface TrainableModel {
  trainStep(batch: ImageBatch, targets: Targets, lr: number): Promise<StepResult>;
  predict(batch: ImageBatch, options?: { features?: boolean; training?: boolean }): Promise<{
    logits: HostTensor;
    features?: HostTensor;
  }>;
  configureOptimizer(config: OptimizerConfig): Promise<void>;
  configureLoss(config: LossConfig): Promise<void>;
  stateDict(): Promise<StateDict>;
  loadStateDict(state: StateDict): Promise<LoadReport>;
  /** Weights as safetensors, written atomically. */
  saveWeights(file: string, metadata?: Record<string, string>): Promise<void>;
  saveOptimizer(file: string): Promise<void>;
  loadOptimizer(file: string): Promise<void>;
  /** Freezes (or unfreezes) every parameter whose name starts with one of the prefixes; returns how many. */
  setFrozen(prefixes: string[], frozen: boolean): Promise<number>;
  /** Starts (or, with decay 0, stops) averaging the weights step by step from their current values. */
  configureAveraging(config: AveragingConfig): Promise<void>;
  /**
   * Exchanges the live weights with the averaged ones (predict, stateDict and saveWeights then see the average);
   * a second call swaps them back. Returns how many steps the average holds. Fails when nothing is averaged.
   */
  swapAveraged(): Promise<number>;
  /**
   * Restarts the draws of dropout and stochastic depth from `seed` (a whole number, 0 to 2^53 - 1). They start from
   * the model's seed and are the model's own, whatever else runs in the process: a run that reseeds them each epoch
   * replays them exactly after a resume.
   */
  seedRandomDraws(seed: number): Promise<void>;
  gradCheck(
    batch: ImageBatch,
    options?: { training?: boolean; samples?: number; seed?: number },
  ): Promise<{ maxRelativeError: number; checked: number }>;
  /** Peak resident memory of the process that holds the model, in MiB. */
  peakRssMB(): Promise<number>;
  /** Frees the model (and ends its process). */
  dispose(): Promise<void>;
}
