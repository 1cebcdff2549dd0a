// Ensembles from the quality benchmark's saved runs, no training: each side's runs averaged (mean probability of
// `fractured` per test file), against the single run a user would pick (best validation AUROC), with a paired
// bootstrap over test source groups. AUROC only: an ensemble's threshold would need its val probabilities, which
// the result files do not keep.
// Usage: npx tsx bench/quality-ensemble.ts RESULT.json [RESULT.json ...] [--data ../shared/datasets/bone-xray-dev]
import { parseArgs } from 'node:util';
import { loadSavedRuns } from './quality/saved-runs.js';
import { pairedAurocDifference, scoreRun } from './quality/score.js';
import type { SideRun } from './quality/types.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { data: { type: 'string', default: '../shared/datasets/bone-xray-dev' } },
});

const { test, runs } = loadSavedRuns(positionals, values.data!);

const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const interval = (ci: [number, number] | null) => (ci ? `[${ci[0].toFixed(2)}, ${ci[1].toFixed(2)}]` : '');
/** A run made of others: the mean of their probabilities, scored as one run. */
const average = (side: SideRun['side'], members: SideRun[]): SideRun => ({
  ...members[0]!, arch: 'ensemble', seed: 0,
  testProbabilities: members[0]!.testProbabilities.map((_, i) => members.reduce((s, m) => s + m.testProbabilities[i]!, 0) / members.length),
  side,
});

console.log(`test: ${test.length} files, ${new Set(test.map((f) => f.group)).size} source groups; runs from ${positionals.join(', ')}\n`);
console.log('| side | runs | member test AUROCs | ensemble test AUROC [95% CI] | best-by-val single run | ensemble - single [95% CI] |');
console.log('|---|---|---|---|---|---|');
for (const side of ['osteon', 'plain'] as const) {
  const members = runs.filter((r) => r.side === side);
  if (members.length < 2) continue;
  const ensemble = average(side, members);
  const score = scoreRun(ensemble, test);
  const single = members.reduce((a, b) => ((b.bestValAuroc ?? -1) > (a.bestValAuroc ?? -1) ? b : a));
  // The paired bootstrap pairs runs by seed: both are given seed 0 here.
  const gain = pairedAurocDifference([ensemble], [{ ...single, seed: 0 }], test);
  const names = members.map((m) => `${m.arch} s${m.seed} ${fmt(scoreRun(m, test).auroc)}`).join(', ');
  console.log(`| ${side} | ${members.length} | ${names} | ${fmt(score.auroc)} ${interval(score.aurocCi)} | ` +
    `${single.arch} s${single.seed} (val ${fmt(single.bestValAuroc)}): ${fmt(scoreRun(single, test).auroc)} | ${fmt(gain.mean)} ${interval(gain.ci)} |`);
}
