import type { ImageBatch } from '../nn/engine/index.js';
import type { PreprocessSpec } from '../imaging/types.js';

/** One batch for training or evaluation: images in channels-last layout plus what they are. */
export interface LabelledBatch {
  images: ImageBatch;
  /** Class index per image (project class order: 0 = fractured, 1 = normal by default). */
  labels: Int32Array;
  /** Store ids of the images, in batch order. */
  imageIds: number[];
}

/**
 * Settings of every augmentation, each with its own probability and range. Applied per epoch to training
 * images only; validation and test get the deterministic resize alone.
 */
export interface AugmentConfig {
  horizontalFlip: number; // probability, default 0.5
  verticalFlip: number; // probability, default 0
  rotation: { p: number; degrees: number };
  randomResizedCrop: { p: number; scale: [number, number]; ratio: [number, number] };
  brightness: { p: number; range: number }; // multiply by 1 ± range
  contrast: { p: number; range: number };
  gamma: { p: number; range: [number, number] };
  gaussianNoise: { p: number; std: number }; // in [0, 1] intensity units
  clahe: { p: number; clipLimit: number; tiles: number };
}

/** Yields the batches of one epoch; the same (seed, epoch) always gives the same batches. */
export interface BatchLoader {
  /** Number of images the loader serves per epoch. */
  readonly size: number;
  readonly batchSize: number;
  /** Class index of every image, in a stable order (for class weights, samplers and metrics). */
  readonly labels: Int32Array;
  epoch(index: number): AsyncIterable<LabelledBatch>;
  close(): Promise<void>;
  /** Store ids of the images the loader serves, in the same stable order as `labels`. */
  readonly imageIds: readonly number[];
  /** Class names in index order (the project's classes). */
  readonly classes: readonly string[];
  /** What preparing the loader did: the cache file, decodes, and images left out with the reason. */
  readonly report: LoaderReport;
}

export interface LoaderReport {
  cacheFile: string;
  /** Images decoded while refreshing the cache (0 when it was up to date). */
  decoded: number;
  /** Images of the project the cache already held. */
  reused: number;
  /** Images of this split left out because their original is missing or unreadable. */
  skipped: Array<{ imageId: number; file: string; reason: string }>;
}

export interface LoaderOptions {
  /** Workspace root (the tensor cache lives under `<workspace>/cache`). */
  workspace: string;
  projectId: number;
  split: 'train' | 'val' | 'test';
  spec: PreprocessSpec;
  batchSize: number;
  /** Training loaders shuffle and augment; evaluation loaders do neither and keep every image. */
  training: boolean;
  augment?: Partial<AugmentConfig>;
  seed: number;
  /** Drop the last incomplete batch (training only; batch norm dislikes a batch of 1). */
  dropLast?: boolean;
  /** Draw training images with probability inverse to their class frequency. */
  balancedSampling?: boolean;
  onProgress?: (message: string, done: number, total: number) => void;
  /** Threads that render batches beside training (default 1; 0 renders on the main thread between steps). */
  workers?: number;
  /** Batches prepared ahead of the one being consumed (default 2). */
  prefetch?: number;
  /** Images decoded at once while building the cache (default: the core count). */
  decodeConcurrency?: number;
}
