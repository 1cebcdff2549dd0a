import type { PreprocessSpec } from '../imaging/types.js';
import { WorkerPool } from '../util/worker-pool.js';
import { TensorCacheReader } from './cache/reader.js';
import { renderBatch, type SampleRequest } from './render.js';
import type { AugmentConfig } from './types.js';

export interface RenderWorkerData {
  cacheFile: string;
  spec: PreprocessSpec;
  augment: AugmentConfig;
}

/** Renders batches of samples; `close` frees its threads. */
export interface Renderer {
  render(requests: SampleRequest[]): Promise<Float32Array>;
  close(): Promise<void>;
}

/**
 * Worker threads that render batches off the main thread; each takes its jobs in order, and jobs go to the
 * worker with the fewest pending. Pixels come back as transferred buffers (no copy).
 */
export class WorkerRenderer implements Renderer {
  private readonly pool: WorkerPool<SampleRequest[], Float32Array>;

  constructor(count: number, data: RenderWorkerData) {
    this.pool = new WorkerPool(new URL('./render-worker.js', import.meta.url), count, 'the batch rendering thread', data);
  }

  render(requests: SampleRequest[]): Promise<Float32Array> {
    return this.pool.run(requests);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * Renders on the main thread, one batch per macrotask: still overlaps with training, whose math runs on a
 * libuv thread, but blocks the event loop while it works.
 */
export class InlineRenderer implements Renderer {
  private readonly cache: TensorCacheReader;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly data: RenderWorkerData) {
    this.cache = new TensorCacheReader(data.cacheFile);
  }

  render(requests: SampleRequest[]): Promise<Float32Array> {
    const result = this.queue.then(
      () => new Promise<Float32Array>((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(renderBatch(this.cache, requests, this.data.spec, this.data.augment));
          } catch (error) {
            reject(error as Error);
          }
        }),
      ),
    );
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    this.cache.close();
  }
}
