// Training throughput: Osteon (`osteon bench train`) against Debian's PyTorch on the same architecture, batch,
// threads, channels-last and allocator settings, run alternately so both see the same machine state.
// Usage: npx tsx bench/train-throughput.ts [--archs mobilenet_v2,resnet18] [--size 224] [--batch 32] [--steps 8]
//        [--rounds 2]      (needs scripts/setup.sh --bench for the PyTorch baseline)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { describeMachine } from './machine.js';

const { values } = parseArgs({
  options: {
    archs: { type: 'string', default: 'mobilenet_v2,resnet18' },
    size: { type: 'string', default: '224' },
    batch: { type: 'string', default: '32' },
    steps: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    threads: { type: 'string', default: String(os.availableParallelism()) },
  },
});

const PYTORCH_ENV = {
  ...process.env,
  // The allocator settings Osteon's engine process uses, so the comparison is of the engines alone.
  GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.arena_max=1',
};

function osteon(arch: string): { imagesPerSecond: number; peakRssMB: number } {
  const out = execFileSync(
    process.execPath,
    ['bin/osteon.js', 'bench', 'train', '--json', '--arch', arch, '--size', values.size!, '--batch', values.batch!,
      '--steps', values.steps!, '--warmup', values.warmup!, '--threads', values.threads!],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return JSON.parse(out);
}

function pytorch(arch: string): { imagesPerSecond: number; peakRssMB: number } {
  const out = execFileSync(
    '/usr/bin/python3',
    ['bench/baselines/pytorch_train_throughput.py', arch, values.size!, values.batch!, values.steps!, values.warmup!, values.threads!],
    { encoding: 'utf8', env: PYTORCH_ENV, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`machine: ${describeMachine()}`);
console.log(`setting: ${values.size}px, batch ${values.batch}, ${values.threads} threads, channels-last, fp32, ` +
  `${values.warmup} warm-up + ${values.steps} timed steps, ${values.rounds} alternating rounds (median)`);
const rows = [];
for (const arch of values.archs!.split(',')) {
  const ours: number[] = [];
  const theirs: number[] = [];
  let rss = { osteon: 0, pytorch: 0 };
  for (let round = 0; round < Number(values.rounds); round++) {
    const a = osteon(arch);
    const b = pytorch(arch);
    ours.push(a.imagesPerSecond);
    theirs.push(b.imagesPerSecond);
    rss = { osteon: Math.max(rss.osteon, a.peakRssMB), pytorch: Math.max(rss.pytorch, b.peakRssMB) };
  }
  const row = { arch, osteon: median(ours), pytorch: median(theirs), ratio: median(ours) / median(theirs), rss };
  rows.push(row);
  console.log(`| ${arch} | ${row.osteon.toFixed(1)} img/s | ${row.pytorch.toFixed(1)} img/s | ${row.ratio.toFixed(2)}x | ` +
    `${rss.osteon} MB | ${rss.pytorch} MB |`);
}
fs.mkdirSync('bench/results', { recursive: true });
fs.writeFileSync('bench/results/train-throughput.json', JSON.stringify({ machine: describeMachine(), values, rows }, null, 2));
