import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PreprocessSpec } from '../imaging/types.js';
import { TensorCacheReader } from './cache/reader.js';
import { renderBatch, type SampleRequest } from './render.js';
import type { AugmentConfig } from './types.js';

export interface RenderWorkerData {
  cacheFile: string;
  spec: PreprocessSpec;
  augment: AugmentConfig;
}

export interface RenderJob {
  job: number;
  requests: SampleRequest[];
}

interface Waiter {
  resolve: (data: Float32Array) => void;
  reject: (error: Error) => void;
}

export type RenderReply = { job: number; data: Float32Array } | { job: number; error: string };

/** Renders batches of samples; `close` frees its threads. */
export interface Renderer {
  render(requests: SampleRequest[]): Promise<Float32Array>;
  close(): Promise<void>;
}

/**
 * The compiled worker when running from dist/; from source, a bootstrap that registers tsx inside the
 * thread first (Node 20 does not apply `--import` hooks to a worker's entry module).
 */
function startWorker(data: RenderWorkerData): Worker {
  const compiled = fileURLToPath(new URL('./render-worker.js', import.meta.url));
  if (fs.existsSync(compiled)) return new Worker(compiled, { workerData: data });
  const source = new URL('./render-worker.ts', import.meta.url).href;
  // require.resolve finds the CommonJS build; its ES module sibling is the one that registers ESM hooks.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: data });
}

/**
 * Worker threads that render batches off the main thread; each takes its jobs in order, and jobs go to the
 * worker with the fewest pending. Pixels come back as transferred buffers (no copy).
 */
export class WorkerRenderer implements Renderer {
  private readonly workers: Array<{ worker: Worker; pending: Map<number, Waiter>; failure: Error | null }>;
  private nextJob = 0;
  private closed = false;

  constructor(count: number, data: RenderWorkerData) {
    this.workers = Array.from({ length: count }, () => {
      const worker = startWorker(data);
      const pending = new Map<number, Waiter>();
      const slot = { worker, pending, failure: null as Error | null };
      worker.on('message', (reply: RenderReply) => {
        const waiter = pending.get(reply.job);
        pending.delete(reply.job);
        if (!waiter) return;
        if ('error' in reply) waiter.reject(new Error(reply.error));
        else waiter.resolve(reply.data);
      });
      const failAll = (error: Error) => {
        slot.failure ??= error;
        for (const waiter of pending.values()) waiter.reject(error);
        pending.clear();
      };
      worker.on('error', failAll);
      worker.on('exit', (code) => {
        if (!this.closed) failAll(new Error(`the batch rendering thread stopped (exit code ${code})`));
      });
      return slot;
    });
  }

  render(requests: SampleRequest[]): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new Error('the batch loader is closed'));
    const target = this.workers.reduce((best, w) => (w.pending.size < best.pending.size ? w : best));
    if (target.failure) return Promise.reject(target.failure);
    const job = this.nextJob++;
    return new Promise((resolve, reject) => {
      target.pending.set(job, { resolve, reject });
      target.worker.postMessage({ job, requests } satisfies RenderJob);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.workers) {
      for (const waiter of w.pending.values()) waiter.reject(new Error('the batch loader is closed'));
      w.pending.clear();
    }
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
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
