// The baseline: bench/baselines/torchvision_quality.py (plain torchvision recipe, Debian PyTorch) on the exact
// files Osteon used; its threshold is chosen here on its val probabilities by the same rule as Osteon's.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chooseThreshold, scoreSample } from '../../src/eval/index.js';
import type { BenchData, BenchFile } from './dataset.js';
import type { SideRun } from './types.js';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = 'bench/baselines/torchvision_quality.py';
// The allocator settings of Osteon's engine process, so training times compare the engines alone.
const ALLOCATOR_ENV = {
  GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.arena_max=1',
};

export interface PlainSideOptions {
  workspace: string;
  data: BenchData;
  arch: string;
  seed: number;
  size: number;
  epochs: number;
  threads: number;
  batchSize: number;
  /** DataLoader worker processes (Osteon renders batches on one worker thread). */
  workers: number;
  minutes?: number;
}

/** What the script prints: its run and the per-file probabilities of `fractured`. */
export interface PlainOutput {
  arch: string;
  seed: number;
  epochsDone: number;
  bestEpoch: number | null;
  bestValAuroc: number | null;
  trainSeconds: number;
  stoppedByBudget: boolean;
  history: Array<{ seconds: number }>;
  val: Array<{ file: string; fractured: number }>;
  test: Array<{ file: string; fractured: number }>;
  torch: string;
  torchvision: string;
  /** Where it trained (absent in outputs from before the script said). */
  device?: string;
}

function runPython(specFile: string): Promise<PlainOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, specFile], { env: { ...process.env, ...ALLOCATOR_ENV }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${SCRIPT} exited with code ${code} (its messages are above).`));
      else resolve(JSON.parse(stdout) as PlainOutput);
    });
  });
}

/** The probabilities in `files` order, checking the script answered for exactly those files. */
function aligned(files: BenchFile[], answered: Array<{ file: string; fractured: number }>, file: (f: BenchFile) => string): number[] {
  if (answered.length !== files.length || answered.some((a, i) => a.file !== file(files[i]!))) {
    throw new Error(`${SCRIPT} answered for other files than it was given.`);
  }
  return answered.map((a) => a.fractured);
}

/** The spec the script reads: the run's setting and the exact files of each split, as `file(f)` names them. */
export function plainSpec(
  options: Omit<PlainSideOptions, 'workspace' | 'data'> & { device?: string },
  files: BenchData['files'],
  file: (f: BenchFile) => string = (f) => f.file,
): object {
  const list = (split: BenchFile[]) => split.map((f) => ({ file: file(f), label: f.label }));
  return {
    arch: options.arch, size: options.size, epochs: options.epochs, seed: options.seed, threads: options.threads,
    batchSize: options.batchSize, workers: options.workers, minutes: options.minutes ?? null, device: options.device ?? 'cpu',
    train: list(files.train), val: list(files.val), test: list(files.test),
  };
}

/**
 * The script's output as a side of the comparison, its threshold chosen on its val probabilities by the same rule
 * as Osteon's. `file(f)` is how the spec named each file.
 */
export function plainSideRun(
  out: PlainOutput,
  files: BenchData['files'],
  wallSeconds: number,
  file: (f: BenchFile) => string = (f) => f.file,
): SideRun {
  const val = aligned(files.val, out.val, file);
  const sample = scoreSample(val, files.val.map((f) => (f.label === 'fractured' ? 0 : 1)), { positiveIndex: 0 });
  return {
    side: 'plain',
    arch: out.arch,
    seed: out.seed,
    epochsDone: out.epochsDone,
    bestEpoch: out.bestEpoch,
    bestValAuroc: out.bestValAuroc,
    trainSeconds: out.trainSeconds,
    epochSeconds: out.history.map((epoch) => epoch.seconds),
    wallSeconds,
    stoppedByBudget: out.stoppedByBudget,
    precision: 'fp32',
    threshold: chooseThreshold(sample, { kind: 'youden' }).threshold,
    testProbabilities: aligned(files.test, out.test, file),
  };
}

export const plainVersions = (out: PlainOutput) => `torch ${out.torch}, torchvision ${out.torchvision}`;

export async function runPlain(options: PlainSideOptions): Promise<SideRun & { versions: string }> {
  const { data } = options;
  const dir = path.join(options.workspace, 'plain');
  fs.mkdirSync(dir, { recursive: true });
  const specFile = path.join(dir, `${data.projectName}-${options.arch}-${options.size}px-seed${options.seed}.json`);
  fs.writeFileSync(specFile, JSON.stringify(plainSpec(options, data.files)));
  const started = performance.now();
  const out = await runPython(specFile);
  return { ...plainSideRun(out, data.files, (performance.now() - started) / 1000), versions: plainVersions(out) };
}
