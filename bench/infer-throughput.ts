// Inference throughput: Osteon's onnxruntime engine on the ONNX model Osteon exports, against plain
// onnxruntime-node on torchvision's own ONNX export of the same architecture (Debian PyTorch, written to a
// temporary folder, never committed), and against libtorch eval (the training engine's predict), all in one
// run, same threads, same batch, random weights and images. Calls are interleaved one by one (A, B, C, D,
// then B, C, D, A, ...) and each engine's median call time is reported, so load from other processes that
// comes and goes falls on all engines alike.
// Usage: npx tsx bench/infer-throughput.ts [--arch mobilenet_v2] [--size 224] [--batches 1,32] [--calls 15]
//        [--threads N]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { describeMachine } from './machine.js';
import '../src/nn/zoo/index.js';
import { createModelGraph } from '../src/nn/registry.js';
import { createTrainableModel } from '../src/nn/engine/index.js';
import { exportOnnx } from '../src/nn/export.js';
import { IMAGENET_NORMALISATION } from '../src/imaging/preprocess.js';
import type { DecodedImage } from '../src/imaging/types.js';
import { InferenceEngine } from '../src/serve/engine/index.js';

const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: 'mobilenet_v2' },
    size: { type: 'string', default: '224' },
    batches: { type: 'string', default: '1,32' },
    calls: { type: 'string', default: '15' },
    threads: { type: 'string', default: String(os.availableParallelism()) },
  },
});
const arch = values.arch!;
const size = Number(values.size);
const threads = Number(values.threads);
const batches = values.batches!.split(',').map(Number);
const calls = Number(values.calls);

/** torchvision's ONNX export of the architecture (2 classes, dynamic batch), by Debian's PyTorch. */
function exportTorchvision(file: string): void {
  const script = `
import sys, torch, torchvision
model = getattr(torchvision.models, sys.argv[1])(weights=None, num_classes=2).eval()
x = torch.randn(1, 3, int(sys.argv[2]), int(sys.argv[2]))
torch.onnx.export(model, x, sys.argv[3], input_names=['input'], output_names=['logits'],
                  dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}}, opset_version=17, do_constant_folding=True)
print(torch.__version__, torchvision.__version__)
`;
  const versions = execFileSync('/usr/bin/python3', ['-c', script, arch, String(size), file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  console.log(`torchvision export: PyTorch ${versions.trim().replace(' ', ', torchvision ')}`);
}

function randomFloats(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/**
 * Images per second of each engine at its median and at its fastest call: one warm-up call each, then `calls`
 * rounds of one call per engine, the order rotated every round. On a shared machine the fastest call is the
 * engine's speed with the least interference; the median is what a user sees.
 */
async function interleavedThroughput(
  batch: number,
  engines: Record<string, () => Promise<unknown>>,
): Promise<Record<string, { median: number; best: number }>> {
  const names = Object.keys(engines);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await engines[name]!();
  for (let round = 0; round < calls; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length]!;
      const start = performance.now();
      await engines[name]!();
      times[name]!.push(performance.now() - start);
    }
  }
  return Object.fromEntries(
    names.map((n) => [n, { median: batch / (median(times[n]!) / 1000), best: batch / (Math.min(...times[n]!) / 1000) }]),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-infer-bench-'));
const torchvisionFile = path.join(tmp, `${arch}-torchvision.onnx`);
exportTorchvision(torchvisionFile);

const graph = createModelGraph(arch, { inputChannels: 3, numClasses: 2 });
const torch = createTrainableModel(graph, { threads, seed: 1 });
const spec = { size, channels: 3 as const, mean: [...IMAGENET_NORMALISATION.mean], std: [...IMAGENET_NORMALISATION.std], resize: 'letterbox' as const };
const osteonBytes = exportOnnx(graph, await torch.stateDict(), { spec, classes: ['fractured', 'normal'], threshold: 0.5, runId: 'bench' });
const plain = await ort.InferenceSession.create(torchvisionFile, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});

console.log(`machine: ${describeMachine()}`);
console.log(
  `setting: ${arch}, ${size}px, ${threads} threads, fp32, random weights and inputs, ` +
    `${calls} interleaved calls per engine after one warm-up; img/s at the median call (at the fastest call)`,
);
console.log('| batch | Osteon engine | plain onnxruntime (torchvision ONNX) | ratio | Osteon engine incl. preprocessing | libtorch eval | speed-up over libtorch |');
console.log('|---|---|---|---|---|---|---|');
const rows = [];
for (const batch of batches) {
  const engine = await InferenceEngine.load(osteonBytes, { threads, batchSize: batch });
  const perImage = size * size * 3;
  const hwc = Array.from({ length: batch }, (_, i) => randomFloats(perImage, i + 1));
  const nchw = randomFloats(batch * perImage, 99);
  const feeds = { input: new ort.Tensor('float32', nchw, [batch, 3, size, size]) };
  const torchBatch = { data: randomFloats(batch * perImage, 7), shape: [batch, size, size, 3] as [number, number, number, number] };
  // Decoded radiographs of a typical phone-photo size, for the end-to-end column (preprocessing included).
  const images: DecodedImage[] = Array.from({ length: batch }, (_, i) => ({
    width: 640,
    height: 512,
    bitsStored: 8,
    pixels: Uint8Array.from(randomFloats(640 * 512, i + 50), (v) => Math.round((v + 1) * 127)),
    format: 'raw',
    metadata: {},
    warnings: [],
  }));
  const measured = await interleavedThroughput(batch, {
    osteon: () => engine.predictPreprocessed(hwc),
    plain: () => plain.run(feeds),
    endToEnd: () => engine.predictImages(images),
    libtorch: () => torch.predict(torchBatch),
  });
  await engine.release();
  const row = { batch, ...measured };
  rows.push(row);
  const cell = (m: { median: number; best: number }) => `${m.median.toFixed(1)} (${m.best.toFixed(1)}) img/s`;
  const ratio = (a: { median: number; best: number }, b: { median: number; best: number }, digits: number) =>
    `${(a.median / b.median).toFixed(digits)}x (${(a.best / b.best).toFixed(digits)}x)`;
  const { osteon, plain: baseline, endToEnd, libtorch } = measured as Record<string, { median: number; best: number }>;
  console.log(
    `| ${batch} | ${cell(osteon!)} | ${cell(baseline!)} | ${ratio(osteon!, baseline!, 2)} | ${cell(endToEnd!)} | ` +
      `${cell(libtorch!)} | ${ratio(osteon!, libtorch!, 1)} |`,
  );
}
await plain.release();
await torch.dispose();
fs.rmSync(tmp, { recursive: true, force: true });
fs.mkdirSync('bench/results', { recursive: true });
fs.writeFileSync('bench/results/infer-throughput.json', JSON.stringify({ machine: describeMachine(), values, rows }, null, 2));
