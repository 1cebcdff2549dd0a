// Training throughput: Osteon (`osteon bench train`) in fp32 and in bf16 autocast, against Debian's PyTorch in the
// same precisions, on the same architecture, batch, threads, channels-last and allocator settings, run alternately
// so all of them see the same machine state.
// Usage: npx tsx bench/train-throughput.ts [--archs all|mobilenet_v2,resnet18] [--precisions fp32,bf16] [--size 224]
//        [--batch 32] [--steps 8] [--rounds 2] [--no-pytorch] [--out bench/results/train-throughput.json]
//        (the PyTorch baseline needs scripts/setup.sh --bench; an architecture's minimum input size overrides --size)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cpuHasNativeBf16 } from '../src/nn/engine/precision.js';
import { createModelGraph, listModels, listTorchvisionModels } from '../src/nn/registry.js';
import '../src/nn/zoo/index.js';
import { describeMachine } from './machine.js';

const { values } = parseArgs({
  options: {
    archs: { type: 'string', default: 'all' },
    precisions: { type: 'string', default: 'fp32,bf16' },
    size: { type: 'string', default: '224' },
    batch: { type: 'string', default: '32' },
    steps: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    threads: { type: 'string', default: String(os.availableParallelism()) },
    'no-pytorch': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results/train-throughput.json' },
  },
});

const PYTORCH_ENV = {
  ...process.env,
  // The allocator settings Osteon's engine process uses, so the comparison is of the engines alone.
  GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.arena_max=1',
};

interface Measurement {
  imagesPerSecond: number;
  peakRssMB: number;
}

/** --size, or the architecture's minimum input size where that is larger (Inception v3: 75 px). */
const sizeOf = (arch: string) => String(Math.max(Number(values.size), createModelGraph(arch).minInputSize));

function osteon(arch: string, precision: string): Measurement {
  const out = execFileSync(
    process.execPath,
    ['bin/osteon.js', 'bench', 'train', '--json', '--arch', arch, '--size', sizeOf(arch), '--batch', values.batch!,
      '--steps', values.steps!, '--warmup', values.warmup!, '--threads', values.threads!, '--precision', precision],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return JSON.parse(out);
}

/** PyTorch in one precision; where it cannot train in it (1.13 has no bf16 backward for ReLU6), the reason. */
function pytorch(arch: string, precision: string): Measurement | { error: string } {
  try {
    const out = execFileSync(
      '/usr/bin/python3',
      ['bench/baselines/pytorch_train_throughput.py', arch, sizeOf(arch), values.batch!, values.steps!, values.warmup!, values.threads!, precision],
      { encoding: 'utf8', env: PYTORCH_ENV, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return JSON.parse(out);
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim().split('\n');
    return { error: stderr[stderr.length - 1] || (error as Error).message };
  }
}

function pytorchAvailable(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch, torchvision'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const speed = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(1)} img/s`);
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? 'n/a' : `${(a / b).toFixed(2)}x`);

const archs = values.archs === 'all' ? listModels() : values.archs!.split(',');
const precisions = values.precisions!.split(',');
const withPytorch = !values['no-pytorch'] && pytorchAvailable();
const nativeBf16 = cpuHasNativeBf16();

console.log(`machine: ${describeMachine()}`);
console.log(`native bfloat16 (AVX512-BF16 or AMX): ${nativeBf16 ? 'yes' : 'NO: bf16 is emulated here, so its figures say nothing about the target'}`);
console.log(`setting: ${values.size}px, batch ${values.batch}, ${values.threads} threads, channels-last, ` +
  `${values.warmup} warm-up + ${values.steps} timed steps, ${values.rounds} alternating rounds (median)` +
  (withPytorch ? '' : '; PyTorch baseline not installed (scripts/setup.sh --bench) or switched off'));
const columns = [...precisions.map((p) => `Osteon ${p}`), 'Osteon bf16 / fp32', ...(withPytorch ? precisions.map((p) => `PyTorch ${p}`) : []),
  ...(withPytorch ? precisions.map((p) => `Osteon / PyTorch ${p}`) : [])];
console.log(`| architecture | ${columns.join(' | ')} |`);
console.log(`|---|${columns.map(() => '---|').join('')}`);
const rows = [];
for (const arch of archs) {
  const ours: Record<string, number[]> = Object.fromEntries(precisions.map((p) => [p, []]));
  const theirs: Record<string, number[]> = Object.fromEntries(precisions.map((p) => [p, []]));
  const pytorchErrors: Record<string, string> = {};
  const rss: Record<string, number> = {};
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const precision of precisions) {
      const m = osteon(arch, precision);
      ours[precision]!.push(m.imagesPerSecond);
      rss[precision] = Math.max(rss[precision] ?? 0, m.peakRssMB);
    }
    for (const precision of withPytorch && listTorchvisionModels().includes(arch) ? precisions : []) {
      if (pytorchErrors[precision]) continue;
      const m = pytorch(arch, precision);
      if ('error' in m) {
        pytorchErrors[precision] = m.error;
        continue;
      }
      theirs[precision]!.push(m.imagesPerSecond);
      rss[`pytorch ${precision}`] = Math.max(rss[`pytorch ${precision}`] ?? 0, m.peakRssMB);
    }
  }
  const osteonSpeed = Object.fromEntries(precisions.map((p) => [p, median(ours[p]!)]));
  const pytorchSpeed = Object.fromEntries(precisions.filter((p) => theirs[p]!.length).map((p) => [p, median(theirs[p]!)]));
  const row = { arch, size: Number(sizeOf(arch)), osteon: osteonSpeed, pytorch: withPytorch ? pytorchSpeed : undefined, pytorchErrors, rss };
  rows.push(row);
  // An architecture of Osteon's own (no torchvision model of that name) has no PyTorch figures: n/a.
  const pytorchCell = (p: string) => (pytorchErrors[p] ? `failed: ${pytorchErrors[p]}` : speed(pytorchSpeed[p]));
  const cells = [...precisions.map((p) => speed(osteonSpeed[p])), ratio(osteonSpeed.bf16, osteonSpeed.fp32),
    ...(withPytorch ? precisions.map(pytorchCell) : []), ...(withPytorch ? precisions.map((p) => ratio(osteonSpeed[p], pytorchSpeed[p])) : [])];
  console.log(`| ${arch}${sizeOf(arch) === values.size ? '' : ` (${sizeOf(arch)} px)`} | ${cells.join(' | ')} |`);
  // Written after every architecture, so a long run stopped part-way keeps what it measured.
  fs.mkdirSync(path.dirname(values.out!), { recursive: true });
  fs.writeFileSync(values.out!,
    JSON.stringify({ machine: describeMachine(), nativeBf16, values, pytorch: withPytorch, rows }, null, 2));
}
