// A worker thread that renders batches from the tensor cache, so augmentation runs beside training.
import { parentPort, workerData } from 'node:worker_threads';
import { TensorCacheReader } from './cache/reader.js';
import { renderBatch } from './render.js';
import type { RenderJob, RenderReply, RenderWorkerData } from './render-pool.js';

const { cacheFile, spec, augment } = workerData as RenderWorkerData;
const cache = new TensorCacheReader(cacheFile);

parentPort!.on('message', (job: RenderJob) => {
  let reply: RenderReply;
  try {
    const data = renderBatch(cache, job.requests, spec, augment);
    reply = { job: job.job, data };
    parentPort!.postMessage(reply, [data.buffer as ArrayBuffer]);
  } catch (error) {
    reply = { job: job.job, error: error instanceof Error ? error.message : String(error) };
    parentPort!.postMessage(reply);
  }
});
