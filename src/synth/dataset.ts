import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OsteonError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { hashSeed, Stream } from './random.js';
import { DEFAULT_DIFFICULTY, DEFAULT_SIZE, generateRadiograph } from './generate.js';
import { encodeGreyPng } from './encode.js';
import type { RadiographTruth, SynthLabel } from './types.js';

export type SynthSplit = 'train' | 'val' | 'test';

export interface SyntheticDatasetOptions {
  /** Folder to create; must be new or empty. */
  out: string;
  n: number;
  size?: number;
  seed?: number;
  difficulty?: number;
  /** `split` (default): out/{train,val,test}/{fractured,normal}/; `flat`: out/{fractured,normal}/. */
  layout?: 'split' | 'flat';
  /** Fractions of images for validation and test (default 0.15 each); the rest is for training. */
  valFraction?: number;
  testFraction?: number;
  /** Images encoded and written at once (default: the core count). */
  concurrency?: number;
}

export interface SyntheticDatasetResult {
  dir: string;
  n: number;
  truthFile: string;
}

/** One entry of truth.json. */
export interface SyntheticImageRecord extends RadiographTruth {
  /** Path relative to the dataset folder, with forward slashes. */
  file: string;
  /** null in the flat layout. */
  split: SynthSplit | null;
}

export interface SyntheticTruthFile {
  generator: 'osteon-synth';
  version: 1;
  seed: number;
  n: number;
  size: number;
  difficulty: number;
  layout: 'split' | 'flat';
  classes: SynthLabel[];
  /** How `fracture.box` reads. */
  boxFormat: string;
  images: SyntheticImageRecord[];
}

export const TRUTH_FILE = 'truth.json';

export type SynthProgress = (done: number, total: number) => void;

/**
 * Generates `n` synthetic radiographs into an ImageFolder tree and writes `truth.json` beside it.
 * Same options, same bytes.
 */
export async function writeSyntheticDataset(
  options: SyntheticDatasetOptions,
  onProgress?: SynthProgress,
): Promise<SyntheticDatasetResult> {
  const n = options.n;
  const seed = options.seed ?? 1;
  const size = options.size ?? DEFAULT_SIZE;
  const difficulty = options.difficulty ?? DEFAULT_DIFFICULTY;
  const layout = options.layout ?? 'split';
  if (!Number.isInteger(n) || n < 1 || n > 10_000_000) {
    throw new OsteonError('SYNTH_BAD_COUNT', `Cannot generate ${n} images; give --n a whole number of at least 1.`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new OsteonError('SYNTH_BAD_SEED', `Seed ${seed} is not usable; give --seed a whole number of 0 or more.`);
  }
  const dir = path.resolve(options.out);
  prepareEmptyFolder(dir);

  const splits = layout === 'split' ? assignSplits(seed, n, options.valFraction ?? 0.15, options.testFraction ?? 0.15) : null;
  const digits = Math.max(4, String(n - 1).length);
  const records: SyntheticImageRecord[] = new Array(n);
  const concurrency = Math.max(1, options.concurrency ?? os.availableParallelism());
  const madeFolders = new Set<string>();
  let done = 0;
  const inFlight = new Set<Promise<void>>();

  for (let index = 0; index < n; index++) {
    const image = generateRadiograph(seed, index, { size, difficulty });
    const split = splits ? splits[index]! : null;
    const folder = split ? `${split}/${image.truth.label}` : image.truth.label;
    const file = `${folder}/${String(index).padStart(digits, '0')}.png`;
    records[index] = { file, split, ...image.truth };
    if (!madeFolders.has(folder)) {
      fs.mkdirSync(path.join(dir, folder), { recursive: true });
      madeFolders.add(folder);
    }
    const job = encodeGreyPng(image.pixels, image.width, image.height)
      .then((png) => fs.promises.writeFile(path.join(dir, file), png))
      .then(() => {
        done++;
        onProgress?.(done, n);
      });
    const tracked: Promise<void> = job.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);

  const truth: SyntheticTruthFile = {
    generator: 'osteon-synth',
    version: 1,
    seed,
    n,
    size,
    difficulty,
    layout,
    classes: ['fractured', 'normal'],
    boxFormat: '[x0, y0, x1, y1] in pixels; x0, y0 inclusive, x1, y1 exclusive',
    images: records,
  };
  const truthFile = path.join(dir, TRUTH_FILE);
  writeFileAtomic(truthFile, `${JSON.stringify(truth, null, 1)}\n`);
  return { dir, n, truthFile };
}

function prepareEmptyFolder(dir: string): void {
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) {
      throw new OsteonError('SYNTH_OUT_NOT_FOLDER', `${dir} is a file; give --out a new folder name.`);
    }
    if (fs.readdirSync(dir).length > 0) {
      throw new OsteonError('SYNTH_OUT_NOT_EMPTY', `${dir} is not empty; give --out a new or empty folder.`);
    }
  }
  fs.mkdirSync(dir, { recursive: true });
}

/**
 * Splits by pairs (one fractured, one normal image each), so every split is balanced: pairs are ordered by a
 * hash of (seed, pair) and cut at the requested fractions.
 */
export function assignSplits(seed: number, n: number, valFraction: number, testFraction: number): SynthSplit[] {
  if (!(valFraction >= 0 && testFraction >= 0 && valFraction + testFraction < 1)) {
    throw new OsteonError('SYNTH_BAD_SPLIT', 'Validation and test fractions must be at least 0 and sum to less than 1.');
  }
  const pairs = Math.ceil(n / 2);
  const order = Array.from({ length: pairs }, (_, k) => k).sort(
    (a, b) => hashSeed(seed, a, Stream.split) - hashSeed(seed, b, Stream.split) || a - b,
  );
  const testPairs = Math.round(pairs * testFraction);
  const valPairs = Math.round(pairs * valFraction);
  const pairSplit = new Array<SynthSplit>(pairs);
  order.forEach((pair, rank) => {
    pairSplit[pair] = rank < testPairs ? 'test' : rank < testPairs + valPairs ? 'val' : 'train';
  });
  return Array.from({ length: n }, (_, index) => pairSplit[Math.floor(index / 2)]!);
}
