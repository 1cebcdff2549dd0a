// The plain recipe's runs from an earlier result file, for comparing a changed Osteon recipe without retraining a
// baseline that did not change. Taken only where that run matches today's setting exactly.
import fs from 'node:fs';
import type { BenchFile } from './dataset.js';
import type { SideRun } from './types.js';

interface SavedResult {
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
 * The plain run of `arch` and `seed` saved in `file`, refused with the reason when its setting (size, epochs,
 * threads, time budget, subset) or its test files differ from this run's.
 */
export function savedBaseline(
  file: string,
  wanted: { arch: string; seed: number; size: number; epochs: number; threads: number; minutes?: number; limit?: number },
  testFiles: BenchFile[],
): SavedBaseline {
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedResult;
  const setting = (v: SavedResult['values']) => [v.size, v.epochs, v.threads, v['minutes-per-run'] ?? '-', v['limit-images'] ?? '-'].join('/');
  const mine = [wanted.size, wanted.epochs, wanted.threads, wanted.minutes ?? '-', wanted.limit ?? '-'].join('/');
  if (setting(saved.values) !== mine) {
    throw new Error(`${file} was run at size/epochs/threads/budget/subset ${setting(saved.values)}, this run at ${mine}.`);
  }
  if (saved.testFiles.join('\n') !== testFiles.map((f) => f.relative).join('\n')) throw new Error(`${file} scored other test files.`);
  const run = saved.runs.find((r) => r.side === 'plain' && r.arch === wanted.arch && r.seed === wanted.seed);
  const probabilities = saved.testProbabilities.find((p) => p.side === 'plain' && p.arch === wanted.arch && p.seed === wanted.seed);
  if (!run || !probabilities) throw new Error(`${file} holds no plain run of ${wanted.arch}, seed ${wanted.seed}.`);
  const { score: _score, ...rest } = run as SideRun & { score?: unknown };
  // Results saved before epoch times were recorded have none.
  return { run: { ...rest, epochSeconds: rest.epochSeconds ?? [], testProbabilities: probabilities.p }, date: saved.date, versions: saved.baseline };
}
