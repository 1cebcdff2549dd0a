// The runs of one or more saved results of bench/quality.ts, rebuilt for scoring without training: each run with
// its per-file test probabilities, and the test files as the bench scored them (label and source group).
import fs from 'node:fs';
import { readGroups, type BenchFile } from './dataset.js';
import type { SavedResult } from './saved-baseline.js';
import type { SideRun } from './types.js';

export interface SavedRuns {
  test: BenchFile[];
  /** Every run of every file, in file order; `source` names the file it came from. */
  runs: Array<SideRun & { source: string }>;
}

/** Refuses files that scored different test files: their probabilities could not be paired. */
export function loadSavedRuns(files: string[], datasetRoot: string): SavedRuns {
  if (files.length === 0) throw new Error('Name one or more result files of bench/quality.ts.');
  const groups = readGroups(datasetRoot);
  let testFiles: string[] | undefined;
  const runs: SavedRuns['runs'] = [];
  for (const file of files) {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedResult;
    testFiles ??= saved.testFiles;
    if (saved.testFiles.join('\n') !== testFiles.join('\n')) throw new Error(`${file} scored other test files than ${files[0]}.`);
    for (const probabilities of saved.testProbabilities) {
      const run = saved.runs.find((r) => r.side === probabilities.side && r.arch === probabilities.arch && r.seed === probabilities.seed);
      if (!run) throw new Error(`${file} holds probabilities of ${probabilities.side} ${probabilities.arch} seed ${probabilities.seed} but no such run.`);
      runs.push({ ...run, epochSeconds: run.epochSeconds ?? [], testProbabilities: probabilities.p, source: file });
    }
  }
  const test = testFiles!.map((relative, i): BenchFile => {
    const group = groups.get(relative);
    if (group === undefined) throw new Error(`${relative} is not in groups.json: were the results made from another data set?`);
    return { imageId: i, file: relative, relative, label: relative.split('/')[1]!, group: `source:${group}` };
  });
  return { test, runs };
}
