// Serving throughput: `osteon serve`'s HTTP API (keys on, raw JPEG bodies, loopback) driven by autocannon at
// several concurrencies, against the raw engine doing the same work per image (decode, preprocess, inference
// in batches of the engine's batch size) in the same process and run; then a soak of many requests with the
// resident memory at its start and end. Untrained MobileNetV2 (accuracy is irrelevant to speed).
// Usage: npx tsx bench/serve.ts [--arch mobilenet_v2] [--size 224] [--concurrency 1,8,32] [--seconds 10]
//        [--soak 10000] [--threads N] [--batch 16]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { describeMachine } from './machine.js';
import '../src/nn/zoo/index.js';
import { openStore } from '../src/data/store.js';
import { decodeImage } from '../src/imaging/decode.js';
import { IMAGENET_NORMALISATION } from '../src/imaging/preprocess.js';
import { createTrainableModel } from '../src/nn/engine/index.js';
import { exportOnnx } from '../src/nn/export.js';
import { createModelGraph } from '../src/nn/registry.js';
import { InferenceEngine } from '../src/serve/engine/index.js';
import { ModelRegistry } from '../src/serve/registry/index.js';
import { ApiKeyStore, buildServer } from '../src/server/index.js';

const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: 'mobilenet_v2' },
    size: { type: 'string', default: '224' },
    concurrency: { type: 'string', default: '1,8,32' },
    seconds: { type: 'string', default: '10' },
    soak: { type: 'string', default: '10000' },
    threads: { type: 'string', default: String(os.availableParallelism()) },
    batch: { type: 'string', default: '16' },
  },
});
const arch = values.arch!;
const size = Number(values.size);
const seconds = Number(values.seconds);
const threads = Number(values.threads);
const batchSize = Number(values.batch);
const concurrencies = values.concurrency!.split(',').map(Number);
const soakRequests = Number(values.soak);
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-serve-bench-'));
const workspace = path.join(tmp, 'workspace');

// The model: the architecture's initial weights, exported as Osteon exports a run.
const graph = createModelGraph(arch, { inputChannels: 3, numClasses: 2 });
const torch = createTrainableModel(graph, { threads, seed: 1 });
const spec = { size, channels: 3 as const, mean: [...IMAGENET_NORMALISATION.mean], std: [...IMAGENET_NORMALISATION.std], resize: 'letterbox' as const };
const onnx = exportOnnx(graph, await torch.stateDict(), { spec, classes: ['fractured', 'normal'], threshold: 0.5, runId: 'bench' });
await torch.dispose();
const registry = ModelRegistry.open(workspace);
registry.promote(registry.register(onnx).version);

// A radiograph-like grey JPEG of the model's input size.
const pixels = Buffer.alloc(size * size);
for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) pixels[y * size + x] = (Math.sin(x / 9) * 60 + Math.cos(y / 13) * 50 + 128 + ((x * y) % 17)) | 0;
const jpeg = await sharp(pixels, { raw: { width: size, height: size, channels: 1 } }).jpeg({ quality: 90 }).toBuffer();

/** Images per second of the engine doing a request's work (decode, preprocess, inference), `batch` at a time. */
async function rawThroughput(batch: number, forSeconds: number): Promise<number> {
  const engine = await InferenceEngine.load(onnx, { threads, batchSize: batch });
  const once = async () => engine.predictImages(await Promise.all(Array.from({ length: batch }, () => decodeImage(jpeg))));
  await once();
  let images = 0;
  const start = performance.now();
  while (performance.now() - start < forSeconds * 1000) {
    await once();
    images += batch;
  }
  const rate = images / ((performance.now() - start) / 1000);
  await engine.release();
  return rate;
}

const store = openStore(workspace);
const key = new ApiKeyStore(store.db).create({ scope: 'predict', name: 'bench' }).key;
const { app } = await buildServer({ catalog: registry, keys: new ApiKeyStore(store.db), engine: { threads, batchSize } });
const url = await app.listen({ host: '127.0.0.1', port: 0 });

type LoadResult = Awaited<ReturnType<typeof autocannon>>;

function load(options: { connections: number; duration?: number; amount?: number }): Promise<LoadResult> {
  return autocannon({
    url: `${url}/v1/predict`,
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'image/jpeg' },
    body: jpeg,
    // Queues on a loaded 2-core machine can exceed autocannon's 10 s default; count only real failures.
    timeout: 120,
    ...options,
  });
}

console.log(`machine: ${describeMachine()}`);
console.log(
  `setting: ${arch} ${size}px (untrained), ${threads} onnxruntime threads, engine batch ${batchSize}, one ${(jpeg.length / 1024).toFixed(1)} KiB ` +
    `grey JPEG per request (raw body, API key checked), autocannon on loopback in the same process, ${seconds} s per point`,
);
const rawBefore = await rawThroughput(batchSize, seconds);
const rawSingle = await rawThroughput(1, seconds);
await load({ connections: 8, duration: 2 }); // warm-up
const rows = [];
for (const connections of concurrencies) {
  const result = await load({ connections, duration: seconds });
  rows.push({
    concurrency: connections,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
    timeouts: result.timeouts,
  });
}
const rawAfter = await rawThroughput(batchSize, seconds);
const raw = (rawBefore + rawAfter) / 2;
console.log(`raw engine (decode + preprocess + inference): batch ${batchSize}: ${rawBefore.toFixed(1)} img/s before, ${rawAfter.toFixed(1)} after the HTTP runs; batch 1: ${rawSingle.toFixed(1)} img/s`);
// One request at a time cannot be batched: it is compared with the engine at batch 1, the others at full batch.
const rawFor = (concurrency: number) => (concurrency === 1 ? rawSingle : raw);
console.log(`| concurrency | HTTP req/s | p50 ms | p99 ms | errors | HTTP / raw engine (batch 1 at concurrency 1, else ${batchSize}) |`);
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.concurrency} | ${r.requestsPerSecond.toFixed(1)} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors} | ${((100 * r.requestsPerSecond) / rawFor(r.concurrency)).toFixed(0)}% |`);
}

// Soak: many requests in a row; the resident set should settle, not grow with the count.
const rssStart = process.memoryUsage().rss;
const soakStart = performance.now();
const soak = await load({ connections: 16, amount: soakRequests });
const soakSeconds = (performance.now() - soakStart) / 1000;
const rssEnd = process.memoryUsage().rss;
console.log(
  `soak: ${soak.requests.total} requests at concurrency 16 in ${soakSeconds.toFixed(0)} s (${(soak.requests.total / soakSeconds).toFixed(1)} req/s), ` +
    `${soak.errors + soak.non2xx} errors, p99 ${soak.latency.p99} ms; resident memory ${mb(rssStart)} MiB at start, ${mb(rssEnd)} MiB at end`,
);

await app.close();
store.close();
fs.rmSync(tmp, { recursive: true, force: true });
fs.mkdirSync('bench/results', { recursive: true });
fs.writeFileSync(
  'bench/results/serve.json',
  JSON.stringify(
    {
      machine: describeMachine(),
      values,
      raw: { batch: batchSize, before: rawBefore, after: rawAfter, batch1: rawSingle },
      rows: rows.map((r) => ({ ...r, ratioToRaw: r.requestsPerSecond / rawFor(r.concurrency) })),
      soak: { requests: soak.requests.total, seconds: soakSeconds, errors: soak.errors + soak.non2xx, p99Ms: soak.latency.p99, rssStartMiB: mb(rssStart), rssEndMiB: mb(rssEnd) },
    },
    null,
    2,
  ),
);
