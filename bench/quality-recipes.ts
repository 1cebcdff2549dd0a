// Two saved results of bench/quality.ts compared on one side, run against run, paired by architecture and seed: for
// instance Osteon's default under `precision auto` (bf16 on a CPU that has it) against the same recipe with
// `--set precision=fp32`. No training. For each pair: both test AUROCs with their group-bootstrap intervals, the
// paired interval of the difference (the same source radiographs drawn for both), and whether each AUROC lies
// inside the other's interval.
// Usage: npx tsx bench/quality-recipes.ts A.json B.json [--side osteon|plain] [--data ../shared/datasets/bone-xray-dev]
import { parseArgs } from 'node:util';
import { loadSavedRuns } from './quality/saved-runs.js';
import { pairedAurocDifference, scoreRun } from './quality/score.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    side: { type: 'string', default: 'osteon' },
    data: { type: 'string', default: '../shared/datasets/bone-xray-dev' },
  },
});
if (positionals.length !== 2) throw new Error('Name two result files of bench/quality.ts: A.json B.json.');
if (values.side !== 'osteon' && values.side !== 'plain') throw new Error(`--side is osteon or plain, not "${values.side}".`);
const [fileA, fileB] = positionals as [string, string];
const { test, runs } = loadSavedRuns([fileA, fileB], values.data!);
const of = (file: string) => runs.filter((r) => r.source === file && r.side === values.side);
const pairs = of(fileA).flatMap((a) => {
  const b = of(fileB).find((r) => r.arch === a.arch && r.seed === a.seed);
  return b ? [[a, b] as const] : [];
});
if (pairs.length === 0) throw new Error(`${fileA} and ${fileB} share no ${values.side} run of the same architecture and seed.`);

const f3 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const interval = (ci: [number, number] | null) => (ci ? `[${ci[0].toFixed(2)}, ${ci[1].toFixed(2)}]` : '[n/a]');
const inside = (x: number | null, ci: [number, number] | null) => (x === null || ci === null ? 'n/a' : x >= ci[0] && x <= ci[1] ? 'yes' : 'no');
const label = (run: (typeof runs)[number]) => `${run.precision ?? 'precision not recorded'}, ${run.epochsDone} epochs, ${(run.trainSeconds / 60).toFixed(1)} min`;

console.log(`A: ${fileA}\nB: ${fileB}\ntest: ${test.length} files, ${new Set(test.map((f) => f.group)).size} source groups; side: ${values.side}\n`);
console.log('| arch | seed | A: test AUROC [95% CI] | B: test AUROC [95% CI] | A - B [paired 95% CI] | A inside B\'s interval | B inside A\'s |');
console.log('|---|---|---|---|---|---|---|');
for (const [a, b] of pairs) {
  const scoreA = scoreRun(a, test);
  const scoreB = scoreRun(b, test);
  // Paired by seed: both runs share theirs.
  const difference = pairedAurocDifference([a], [b], test);
  console.log(`| ${a.arch} | ${a.seed} | ${f3(scoreA.auroc)} ${interval(scoreA.aurocCi)} (${label(a)}) | ${f3(scoreB.auroc)} ${interval(scoreB.aurocCi)} (${label(b)}) | ` +
    `${difference.mean === null ? 'n/a' : `${difference.mean >= 0 ? '+' : ''}${f3(difference.mean)}`} ${interval(difference.ci)} | ` +
    `${inside(scoreA.auroc, scoreB.aurocCi)} | ${inside(scoreB.auroc, scoreA.aurocCi)} |`);
}
