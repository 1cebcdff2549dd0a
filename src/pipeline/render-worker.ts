// A worker thread that renders batches from the tensor cache, so augmentation runs beside training.
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../util/worker-pool.js';
import { TensorCacheReader } from './cache/reader.js';
import { renderBatch, type SampleRequest } from './render.js';
import type { RenderWorkerData } from './render-pool.js';

const { cacheFile, spec, augment } = workerData as RenderWorkerData;
const cache = new TensorCacheReader(cacheFile);

serveRequests(
  (requests: SampleRequest[]) => renderBatch(cache, requests, spec, augment),
  (data) => [data.buffer as ArrayBuffer],
);
