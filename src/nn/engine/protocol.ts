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
 * The environment of an engine process, measured to matter for libtorch on CPU:
 * - large tensors stay mapped instead of being returned to the kernel after every step (without it, malloc alone
 *   cost ~40%);
 * - one malloc arena: native work runs on a libuv worker thread, whose own arena grows and shrinks in small
 *   mmap'd heaps, page-faulting every step and doubling resident memory;
 * - one libuv worker, so every call runs on the same thread and reuses one OpenMP team.
 */
export const ENGINE_PROCESS_ENV = {
  GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.arena_max=1',
  UV_THREADPOOL_SIZE: '1',
};
