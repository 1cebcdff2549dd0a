// Inference throughput: Osteon's onnxruntime engine on the ONNX model Osteon exports, against plain
// onnxruntime-node on torchvision's own ONNX export of the same architecture (Debian PyTorch, written to a
// temporary folder, never committed), and against libtorch eval (the training engine's predict), all in one
// run, alternating, same threads, same batch, random weights and images.
// Usage: npx tsx bench/infer-throughput.ts [--arch mobilenet_v2] [--size 224] [--batches 1,32] [--rounds 3]
//        [--threads N] [--seconds 4]
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
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '4' },
    threads: { type: 'string', default: String(os.availableParallelism()) },
  },
});
const arch = values.arch!;
const size = Number(values.size);
const threads = Number(values.threads);
const batches = values.batches!.split(',').map(Number);
const rounds = Number(values.rounds);
const secondsPerMeasure = Number(values.seconds) / rounds;

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

/** Images per second of `run` (one call = `batch` images), measured for about `seconds` after one warm-up call. */
async function throughput(batch: number, seconds: number, run: () => Promise<unknown>): Promise<number> {
  await run();
  let calls = 0;
  const start = performance.now();
  while (calls < 3 || performance.now() - start < seconds * 1000) {
    await run();
    calls++;
  }
  return (calls * batch) / ((performance.now() - start) / 1000);
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
    `${rounds} alternating rounds of ~${secondsPerMeasure.toFixed(1)} s each (median)`,
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
  const samples = { osteon: [] as number[], plain: [] as number[], endToEnd: [] as number[], libtorch: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    samples.osteon.push(await throughput(batch, secondsPerMeasure, () => engine.predictPreprocessed(hwc)));
    samples.plain.push(await throughput(batch, secondsPerMeasure, () => plain.run(feeds)));
    samples.endToEnd.push(await throughput(batch, secondsPerMeasure, () => engine.predictImages(images)));
    samples.libtorch.push(await throughput(batch, secondsPerMeasure, () => torch.predict(torchBatch)));
  }
  await engine.release();
  const row = {
    batch,
    osteon: median(samples.osteon),
    plain: median(samples.plain),
    endToEnd: median(samples.endToEnd),
    libtorch: median(samples.libtorch),
  };
  rows.push(row);
  console.log(
    `| ${batch} | ${row.osteon.toFixed(1)} img/s | ${row.plain.toFixed(1)} img/s | ${(row.osteon / row.plain).toFixed(2)}x | ` +
      `${row.endToEnd.toFixed(1)} img/s | ${row.libtorch.toFixed(1)} img/s | ${(row.osteon / row.libtorch).toFixed(1)}x |`,
  );
}
await plain.release();
await torch.dispose();
fs.rmSync(tmp, { recursive: true, force: true });
fs.mkdirSync('bench/results', { recursive: true });
fs.writeFileSync('bench/results/infer-throughput.json', JSON.stringify({ machine: describeMachine(), values, rows }, null, 2));
