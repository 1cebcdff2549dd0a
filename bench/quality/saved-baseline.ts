// The plain recipe's runs from an earlier result file, for comparing a changed Osteon recipe without retraining a
// baseline that did not change. Taken only where that run matches today's setting exactly.
import fs from 'node:fs';
import type { BenchFile } from './dataset.js';
import type { SideRun } from './types.js';

export interface SavedResult {
  machine: string;
  date: string;
  baseline: string;
  values: { size: string; epochs: string; threads: string; 'minutes-per-run'?: string; 'limit-images'?: string };
  runs: Array<Omit<SideRun, 'testProbabilities'>>;
  testFiles: string[];
  testProbabilities: Array<{ side: string; arch: string; seed: number; p: number[] }>;
}

export interface SavedBaseline {
  run: SideRun;
  /** When and with what the run was trained, for the report. */
  date: string;
  versions: string;
}

/**
 * The plain run of `arch` and `seed` saved in `file`, refused with the reason when its setting (size, epochs, time
 * budget, subset) or its test files differ from this run's. One trained on another machine, or with other threads,
 * is taken for its quality and marked `trainedOn`: its speed says nothing about this machine's.
 */
export function savedBaseline(
  file: string,
  wanted: { arch: string; seed: number; size: number; epochs: number; threads: number; minutes?: number; limit?: number; machine: string },
  testFiles: BenchFile[],
): SavedBaseline {
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedResult;
  const setting = (v: SavedResult['values']) => [v.size, v.epochs, v['minutes-per-run'] ?? '-', v['limit-images'] ?? '-'].join('/');
  const mine = [wanted.size, wanted.epochs, wanted.minutes ?? '-', wanted.limit ?? '-'].join('/');
  if (setting(saved.values) !== mine) {
    throw new Error(`${file} was run at size/epochs/budget/subset ${setting(saved.values)}, this run at ${mine}.`);
  }
  // A time budget is only the same budget on the same machine and threads.
  const elsewhere = saved.machine !== wanted.machine || Number(saved.values.threads) !== wanted.threads;
  if (elsewhere && wanted.minutes !== undefined) throw new Error(`${file} was trained on ${saved.machine}, ${saved.values.threads} threads: its time budget is not this run's.`);
  if (saved.testFiles.join('\n') !== testFiles.map((f) => f.relative).join('\n')) throw new Error(`${file} scored other test files.`);
  const run = saved.runs.find((r) => r.side === 'plain' && r.arch === wanted.arch && r.seed === wanted.seed);
  const probabilities = saved.testProbabilities.find((p) => p.side === 'plain' && p.arch === wanted.arch && p.seed === wanted.seed);
  if (!run || !probabilities) throw new Error(`${file} holds no plain run of ${wanted.arch}, seed ${wanted.seed}.`);
  const { score: _score, ...rest } = run as SideRun & { score?: unknown };
  // Results saved before epoch times were recorded have none.
  return {
    run: {
      ...rest, epochSeconds: rest.epochSeconds ?? [], testProbabilities: probabilities.p,
      ...(elsewhere ? { trainedOn: rest.trainedOn ?? `${saved.machine}, ${saved.values.threads} threads` } : {}),
    },
    date: saved.date,
    versions: saved.baseline,
  };
}
