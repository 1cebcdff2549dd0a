import type { TrainableModel } from './types.js';

export type EngineMethod = Exclude<keyof TrainableModel, 'dispose'> | 'create';

export interface EngineRequest {
  id: number;
  method: EngineMethod;
  args: unknown[];
}

export interface EngineResponse {
  id: number;
  result?: unknown;
  error?: { code: string; message: string };
}

/**
 * The allocator settings measured to matter for libtorch on CPU (without them malloc alone cost ~40%):
 * large tensors are kept mapped instead of being returned to the kernel after every step.
 */
export const TRAINING_ALLOCATOR_ENV = {
  GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296',
};
