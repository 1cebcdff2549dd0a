// Data pipeline throughput: (1) the batch loader alone, in images/s, at the training input size with the
// default augmentation; (2) MobileNetV2 training fed by the loader against training on one pre-made batch,
// alternating in one process, so the difference is what the loader costs the trainer.
// Usage: npx tsx bench/loader.ts [--data dev|synth] [--size 224] [--batch 32] [--steps 3] [--rounds 6]
//        [--workers 1] [--skip-train] [--workspace DIR (kept, and reused by later runs)]
// The process re-executes itself with the allocator and libuv settings of a training process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createProject, importPath, listProjects, openStore } from '../src/data/index.js';
import { IMAGENET_NORMALISATION, type PreprocessSpec } from '../src/imaging/index.js';
import { createTrainableModel } from '../src/nn/engine/index.js';
import { createModelGraph } from '../src/nn/registry.js';
import '../src/nn/zoo/index.js';
import { createBatchLoader, type BatchLoader } from '../src/pipeline/index.js';
import { writeSyntheticDataset } from '../src/synth/index.js';
import { describeMachine } from './machine.js';

const TRAINING_ENV = {
  GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.arena_max=1',
  UV_THREADPOOL_SIZE: '1',
};
if (Object.entries(TRAINING_ENV).some(([k, v]) => process.env[k] !== v)) {
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...TRAINING_ENV },
  });
  process.exit(child.status ?? 1);
}

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'dev' },
    size: { type: 'string', default: '224' },
    batch: { type: 'string', default: '32' },
    steps: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '6' },
    workers: { type: 'string', default: '1' },
    'loader-batches': { type: 'string', default: '20' },
    'skip-train': { type: 'boolean', default: false },
    workspace: { type: 'string' },
  },
});
const size = Number(values.size);
const batchSize = Number(values.batch);
const steps = Number(values.steps);
const spec: PreprocessSpec = { size, channels: 3, ...IMAGENET_NORMALISATION, mean: [...IMAGENET_NORMALISATION.mean], std: [...IMAGENET_NORMALISATION.std], resize: 'letterbox' };

console.log(`machine: ${describeMachine()}`);
console.log(`env: GLIBC_TUNABLES=${process.env.GLIBC_TUNABLES} UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE}`);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-bench-loader-'));
const workspace = values.workspace ? path.resolve(values.workspace) : path.join(root, 'ws');
const loadAverage = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`load average before: ${loadAverage()}`);
const results: Record<string, unknown> = { machine: describeMachine(), values };
try {
  const projectId = await prepareData();
  const started = performance.now();
  const options = { workspace, projectId, split: 'train' as const, spec, batchSize, training: true, seed: 1 };
  let lastPrint = 0;
  const first = await createBatchLoader({
    ...options,
    onProgress: (_m, done, total) => {
      if (performance.now() - lastPrint > 5000 || done === total) {
        lastPrint = performance.now();
        process.stderr.write(`cache: ${done}/${total}\n`);
      }
    },
  });
  const cacheSeconds = (performance.now() - started) / 1000;
  console.log(`tensor cache at ${size}px: ${first.report.decoded} images decoded in ${cacheSeconds.toFixed(1)} s ` +
    `(${(first.report.decoded / cacheSeconds).toFixed(1)} img/s), ${first.report.skipped.length} skipped; ` +
    `${(fs.statSync(first.report.cacheFile).size / 2 ** 20).toFixed(0)} MiB; ${first.size} training images`);
  await first.close();
  const reopen = performance.now();
  const again = await createBatchLoader(options);
  console.log(`reopening with an up-to-date cache: ${((performance.now() - reopen) / 1000).toFixed(2)} s`);
  await again.close();
  results.cache = { decoded: first.report.decoded, seconds: cacheSeconds, skipped: first.report.skipped.length };

  // 1. the loader alone
  const loaderRows = [];
  for (const workers of [0, 1, 2]) {
    const loader = await createBatchLoader({ ...options, workers });
    const rate = await loaderAlone(loader, Number(values['loader-batches']));
    await loader.close();
    loaderRows.push({ workers, imagesPerSecond: rate });
    console.log(`loader alone, ${workers} worker thread(s): ${rate.toFixed(1)} img/s (default augmentation, ${size}px, batch ${batchSize})`);
  }
  results.loader = loaderRows;

  // 2. training fed by the loader vs training on a pre-made batch
  if (!values['skip-train']) results.training = await trainingComparison(options);
  console.log(`load average after: ${loadAverage()}`);
  results.loadAverageAfter = os.loadavg();
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync('bench/results/loader.json', `${JSON.stringify(results, null, 2)}\n`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}

async function prepareData(): Promise<number> {
  const store = openStore(workspace);
  try {
    const existing = listProjects(store).find((p) => p.name === 'bench');
    if (existing) {
      console.log(`data: reusing ${workspace}`);
      return existing.id;
    }
    let source = path.resolve('../shared/datasets/bone-xray-dev');
    if (values.data === 'synth') {
      source = path.join(root, 'synth');
      await writeSyntheticDataset({ out: source, n: 600, size: 512, seed: 3 });
    }
    const project = createProject(store, 'bench');
    const started = performance.now();
    const report = await importPath(store, project, source);
    console.log(`data: ${values.data} (${source}), ${report.imported} imported, ${report.unreadable.length} unreadable, ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`);
    return project.id;
  } finally {
    store.close();
  }
}

/** Images per second when the consumer takes batches as fast as they come (first batch excluded: start-up). */
async function loaderAlone(loader: BatchLoader, batches: number): Promise<number> {
  let images = 0;
  let start = 0;
  let taken = 0;
  for (let epoch = 0; taken <= batches; epoch++) {
    for await (const batch of loader.epoch(epoch)) {
      if (taken === 0) start = performance.now();
      else images += batch.images.shape[0];
      if (++taken > batches) break;
    }
  }
  return images / ((performance.now() - start) / 1000);
}

async function trainingComparison(options: Parameters<typeof createBatchLoader>[0]) {
  const model = createTrainableModel(createModelGraph('mobilenet_v2', { inputChannels: 3 }), { isolation: 'inline', threads: 2, seed: 1 });
  const loader = await createBatchLoader({ ...options, workers: Number(values.workers) });
  try {
    await model.configureOptimizer({ type: 'adamw', lr: 1e-4 });
    const iterator = endless(loader);
    const premade = (await iterator.next()).value!;
    for (let i = 0; i < Number(values.warmup); i++) await model.trainStep(premade.images, premade.labels, 1e-4);
    const fixed: number[] = [];
    const fed: number[] = [];
    let waited = 0;
    let fedSeconds = 0;
    for (let round = 0; round < Number(values.rounds); round++) {
      let start = performance.now();
      for (let i = 0; i < steps; i++) await model.trainStep(premade.images, premade.labels, 1e-4);
      fixed.push((steps * batchSize) / ((performance.now() - start) / 1000));
      start = performance.now();
      for (let i = 0; i < steps; i++) {
        const asked = performance.now();
        const batch = (await iterator.next()).value!;
        waited += performance.now() - asked;
        await model.trainStep(batch.images, batch.labels, 1e-4);
      }
      fedSeconds += (performance.now() - start) / 1000;
      fed.push((steps * batchSize) / ((performance.now() - start) / 1000));
      console.log(`round ${round + 1}: pre-made ${fixed.at(-1)!.toFixed(2)} img/s, with loader ${fed.at(-1)!.toFixed(2)} img/s ` +
        `(load ${loadAverage()})`);
    }
    const median = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    };
    const row = {
      arch: 'mobilenet_v2',
      workers: Number(values.workers),
      premadeImagesPerSecond: median(fixed),
      loaderImagesPerSecond: median(fed),
      ratio: median(fed) / median(fixed),
      // Time the trainer stood waiting for a batch: zero means the loader never held training up.
      waitingFraction: waited / 1000 / fedSeconds,
      peakRssMB: Math.round(await model.peakRssMB()),
    };
    console.log(`| mobilenet_v2 ${size}px batch ${batchSize} | pre-made ${row.premadeImagesPerSecond.toFixed(2)} img/s | ` +
      `with loader ${row.loaderImagesPerSecond.toFixed(2)} img/s | ${row.ratio.toFixed(3)}x | waiting for batches ${(100 * row.waitingFraction).toFixed(2)}% | loader needs ${(3 * row.premadeImagesPerSecond).toFixed(1)} img/s for 3x |`);
    return row;
  } finally {
    await loader.close();
    await model.dispose();
  }
}

/** Batches from consecutive epochs without end (the loader keeps its prefetch queue full meanwhile). */
async function* endless(loader: BatchLoader) {
  for (let epoch = 0; ; epoch++) yield* loader.epoch(epoch);
}
