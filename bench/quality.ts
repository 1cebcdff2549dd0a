// Quality: Osteon's default recipe against a plain torchvision recipe (same architecture, data, input size, epoch
// budget and threads; Debian PyTorch) on bone-xray-dev: train for training, val for early stopping, the kept epoch
// (where a recipe keeps the best validation epoch) and the threshold, test untouched until scoring. Both sides are scored by the same src/eval functions, with intervals
// that resample whole source radiographs (groups.json).
// Usage: npx tsx bench/quality.ts [--archs mobilenet_v2,resnet18,...] [--size 224] [--epochs 20] [--seeds 1,2,3]
//        [--minutes-per-run M] [--limit-images K (smoke run)] [--skip-baseline] [--threads N] [--workers 1]
//        [--epoch-scores (every epoch of Osteon's runs scored on val and test: a diagnostic of the best-epoch choice)]
//        [--workspace DIR (kept; the import is reused)] [--out FILE]
//        [--set key=value ... (Osteon's recipe changed from the default, as `osteon train --set`)]
//        [--baseline-from FILE (the plain runs of an earlier result with the same setting, instead of training them)]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { listModels, listTorchvisionModels } from '../src/nn/registry.js';
import '../src/nn/zoo/index.js';
import { DEFAULT_RECIPE } from '../src/train/recipe.js';
import { describeMachine } from './machine.js';
import { prepareBenchData, type BenchFile } from './quality/dataset.js';
import { runOsteon } from './quality/osteon-side.js';
import { runPlain } from './quality/plain-side.js';
import { savedBaseline } from './quality/saved-baseline.js';
import { BOOTSTRAP, pairedAurocDifference, scoreRun, type PairedDifference, type RunScore } from './quality/score.js';
import type { SideRun } from './quality/types.js';

const { values } = parseArgs({
  options: {
    // Every architecture with a torchvision counterpart: the plain recipe is written with torchvision.
    archs: { type: 'string', default: listTorchvisionModels().join(',') },
    size: { type: 'string', default: String(DEFAULT_RECIPE.size) },
    epochs: { type: 'string', default: String(DEFAULT_RECIPE.epochs) },
    seeds: { type: 'string', default: '1,2,3' },
    'minutes-per-run': { type: 'string' },
    'limit-images': { type: 'string' },
    'skip-baseline': { type: 'boolean', default: false },
    'baseline-from': { type: 'string' },
    set: { type: 'string', multiple: true, default: [] },
    'epoch-scores': { type: 'boolean', default: false },
    threads: { type: 'string', default: String(os.availableParallelism()) },
    workers: { type: 'string', default: '1' },
    workspace: { type: 'string', default: 'bench/results/quality-workspace' },
    data: { type: 'string', default: '../shared/datasets/bone-xray-dev' },
    out: { type: 'string' },
  },
});

const REQUIRED_GAIN = 0.05;
const REQUIRED_SPEEDUP = 1.2;
const STRETCH = { auroc: 0.85, minutes: 60 };
const overrides = Object.fromEntries(values.set!.map((pair) => {
  const at = pair.indexOf('=');
  if (at <= 0) throw new Error(`--set wants key=value, got "${pair}".`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}));
const archs = values.archs!.split(',').map((a) => a.trim()).filter(Boolean);
const seeds = values.seeds!.split(',').map(Number);
const size = Number(values.size);
const epochs = Number(values.epochs);
const threads = Number(values.threads);
const minutes = values['minutes-per-run'] === undefined ? undefined : Number(values['minutes-per-run']);
const limit = values['limit-images'] === undefined ? undefined : Number(values['limit-images']);
const workspace = path.resolve(values.workspace!);
const out = values.out ?? `bench/results/quality${limit ? `-limit${limit}` : ''}.json`;
for (const [name, n] of [['size', size], ['epochs', epochs], ['threads', threads], ['minutes-per-run', minutes ?? 1], ['limit-images', limit ?? 1]] as const) {
  if (!(n > 0)) throw new Error(`--${name} must be a positive number.`);
}
if (seeds.some((s) => !Number.isInteger(s))) throw new Error('--seeds must be whole numbers, e.g. 1,2,3.');
// The plain recipe needs torchvision's model of the same name; without the baseline any architecture will do.
const comparable = values['skip-baseline'] ? listModels() : listTorchvisionModels();
for (const arch of archs) if (!comparable.includes(arch)) throw new Error(`Architecture ${arch} cannot run here; known: ${comparable.join(', ')}.`);

const loadAverage = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const f3 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const withCi = (x: number | null, ci: [number, number] | null) => `${f3(x)} [${ci ? `${ci[0].toFixed(2)}, ${ci[1].toFixed(2)}` : 'n/a'}]`;
const describeSplit = (files: BenchFile[]) => {
  const groups = (label: string) => new Set(files.filter((f) => f.label === label).map((f) => f.group)).size;
  const count = (label: string) => files.filter((f) => f.label === label).length;
  return `${files.length} images (${count('fractured')} fractured / ${count('normal')} normal; ` +
    `${groups('fractured')} / ${groups('normal')} source groups)`;
};

console.log(`machine: ${describeMachine()}`);
console.log(`load average before: ${loadAverage()}`);
const data = await prepareBenchData(workspace, path.resolve(values.data!), limit);
console.log(`data: ${values.data}${limit ? `, smoke subset of about ${limit} images` : ''} (project ${data.projectName} in ${workspace}` +
  `${data.importSeconds === null ? ', reused' : `, imported in ${data.importSeconds.toFixed(0)} s, ${data.unreadable} unreadable`})`);
for (const split of ['train', 'val', 'test'] as const) console.log(`  ${split}: ${describeSplit(data.files[split])}`);
console.log(`setting: ${size}px, ${epochs} epochs, seeds ${seeds.join(',')}, ${threads} threads` +
  `${values.set!.length ? `, Osteon's recipe with ${values.set!.join(' ')}` : ''}` +
  `${minutes ? `, at most ${minutes} min of training per run` : ''}; threshold by Youden's J on val; ` +
  `95% percentile intervals from ${BOOTSTRAP.resamples} bootstrap resamples of test source groups`);

interface Row { run: SideRun; score: RunScore }
const rows: Row[] = [];
const failures: Array<{ side: string; arch: string; seed: number; error: string }> = [];
const summaries: Array<{ arch: string; osteonMeanAuroc: number | null; plainMeanAuroc: number | null; difference: PairedDifference; meetsRequired: boolean | null }> = [];
let versions = '';

function save(): void {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({
    machine: describeMachine(), date: new Date().toISOString(), values, smoke: limit !== undefined, baseline: versions,
    data: { project: data.projectName, train: data.files.train.length, val: data.files.val.length, test: data.files.test.length },
    targets: { requiredGain: REQUIRED_GAIN, stretch: STRETCH },
    runs: rows.map(({ run, score }) => ({ ...run, testProbabilities: undefined, score })),
    testFiles: data.files.test.map((f) => f.relative),
    testProbabilities: rows.map(({ run }) => ({ side: run.side, arch: run.arch, seed: run.seed, p: run.testProbabilities })),
    summaries, failures,
  }, null, 1)}\n`);
}

function printRow({ run, score }: Row): void {
  console.log(`| ${run.arch} | ${run.seed} | ${run.side === 'osteon' ? 'Osteon default' : 'plain torchvision'}${run.precision === 'bf16' ? ' (bf16)' : ''} | ` +
    `${withCi(score.auroc, score.aurocCi)} | ${withCi(score.accuracy, score.accuracyCi)} | ` +
    `${withCi(score.sensitivity, score.sensitivityCi)} | ${withCi(score.specificity, score.specificityCi)} | ${score.threshold.toFixed(3)} | ` +
    `${run.bestEpoch === null ? '-' : run.bestEpoch + 1}/${run.epochsDone} (val ${f3(run.bestValAuroc)}) | ` +
    `${(run.trainSeconds / 60).toFixed(1)}${run.stoppedByBudget ? ' (budget)' : ''}${run.trainedOn ? ' (other machine)' : ''} | ` +
    `${run.trainedOn ? 'n/a' : throughput(run).overall.toFixed(1)} |`);
}

/**
 * End-to-end training images/s (augmentation, steps and per-epoch validation): over the whole run, and over the
 * median epoch, which a one-off stall (first-epoch warm-up, a busy moment) does not move. A saved run from before
 * epoch times were recorded has only the first (NaN for the median); one trained elsewhere has neither.
 */
function throughput(run: SideRun): { overall: number; medianEpoch: number } {
  const images = data.files.train.length;
  if (run.trainedOn) return { overall: Number.NaN, medianEpoch: Number.NaN };
  if (run.epochSeconds.length === 0) return { overall: (images * run.epochsDone) / run.trainSeconds, medianEpoch: Number.NaN };
  const sorted = [...run.epochSeconds].sort((a, b) => a - b);
  const median = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : Number.NaN;
  return { overall: (images * run.epochSeconds.length) / run.epochSeconds.reduce((a, b) => a + b, 0), medianEpoch: images / median };
}

const header = '| arch | seed | recipe | test AUROC [95% CI] | accuracy | sensitivity | specificity | threshold (val) | epoch kept / done (val AUROC) | train min | img/s |\n' +
  '|---|---|---|---|---|---|---|---|---|---|---|';
console.log(header);
for (const arch of archs) {
  for (const seed of seeds) {
    const common = { workspace, data, arch, seed, size, epochs, threads, minutes };
    const sides: Array<['osteon' | 'plain', () => Promise<SideRun>]> = [['osteon', () => runOsteon({ ...common, epochScores: values['epoch-scores'], overrides })]];
    if (values['baseline-from']) {
      sides.push(['plain', async () => {
        const saved = savedBaseline(values['baseline-from']!, { arch, seed, size, epochs, threads, minutes, limit, machine: describeMachine() }, data.files.test);
        versions = `${saved.versions}; plain runs trained ${saved.date.slice(0, 10)}${saved.run.trainedOn ? ` on ${saved.run.trainedOn}` : ''}, taken from ${values['baseline-from']}`;
        return saved.run;
      }]);
    } else if (!values['skip-baseline']) {
      sides.push(['plain', async () => {
        const run = await runPlain({ ...common, batchSize: DEFAULT_RECIPE.batchSize, workers: Number(values.workers) });
        versions = run.versions;
        return run;
      }]);
    }
    for (const [side, train] of sides) {
      try {
        const run = await train();
        const row = { run, score: scoreRun(run, data.files.test) };
        rows.push(row);
        printRow(row);
        if (run.withoutFlip) {
          const single = scoreRun({ ...run, ...run.withoutFlip }, data.files.test);
          console.log(`|  | the same model without test-time flip: test AUROC ${withCi(single.auroc, single.aurocCi)}, threshold ${single.threshold.toFixed(3)} |`);
        }
        if (run.epochScores) {
          console.log(`|  | epochs of that run, val / test AUROC: ${run.epochScores.map((e) => `${e.epoch + 1}: ${f3(e.valAuroc)} / ${f3(e.testAuroc)}`).join('; ')} |`);
          if (run.epochScores.some((e) => e.live)) {
            console.log(`|  | its live (not averaged) weights, val / test AUROC: ${run.epochScores.map((e) => `${e.epoch + 1}: ${f3(e.live?.valAuroc ?? null)} / ${f3(e.live?.testAuroc ?? null)}`).join('; ')} |`);
          }
        }
      } catch (error) {
        failures.push({ side, arch, seed, error: (error as Error).message });
        console.log(`| ${arch} | ${seed} | ${side} | failed: ${(error as Error).message} |`);
      }
      save();
    }
  }
  const of = (side: SideRun['side']) => rows.filter((r) => r.run.arch === arch && r.run.side === side);
  const meanAuroc = (rs: Row[]) => (rs.length && rs.every((r) => r.score.auroc !== null) ? rs.reduce((s, r) => s + r.score.auroc!, 0) / rs.length : null);
  const difference = pairedAurocDifference(of('osteon').map((r) => r.run), of('plain').map((r) => r.run), data.files.test);
  summaries.push({
    arch, osteonMeanAuroc: meanAuroc(of('osteon')), plainMeanAuroc: meanAuroc(of('plain')), difference,
    meetsRequired: difference.mean === null ? null : difference.mean >= REQUIRED_GAIN,
  });
  save();
}

console.log(`\nload average after: ${loadAverage()}`);
console.log(`baseline: ${versions || 'skipped'}`);
console.log('\n| arch | Osteon mean test AUROC | plain mean test AUROC | difference (mean over seeds) [95% CI] | per seed | required >= +0.05 |\n|---|---|---|---|---|---|');
for (const s of summaries) {
  const d = s.difference;
  console.log(`| ${s.arch} | ${f3(s.osteonMeanAuroc)} | ${f3(s.plainMeanAuroc)} | ${d.mean === null ? 'n/a' : `${d.mean >= 0 ? '+' : ''}${withCi(d.mean, d.ci)}`} | ` +
    `${d.perSeed.map((x) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`).join(', ') || '-'} | ` +
    `${s.meetsRequired === null ? 'n/a' : s.meetsRequired ? `met${d.ci && d.ci[0] > 0 ? ' (interval above 0)' : ' (interval includes 0)'}` : 'not met'} |`);
}
const osteonRows = rows.filter((r) => r.run.side === 'osteon');
const best = summaries.filter((s) => s.osteonMeanAuroc !== null).sort((a, b) => b.osteonMeanAuroc! - a.osteonMeanAuroc!)[0];
if (best) {
  const runs = osteonRows.filter((r) => r.run.arch === best.arch);
  const longest = Math.max(...runs.map((r) => r.run.trainSeconds / 60));
  const met = best.osteonMeanAuroc! >= STRETCH.auroc && longest <= STRETCH.minutes;
  console.log(`stretch (best architecture >= ${STRETCH.auroc} test AUROC within ${STRETCH.minutes} min): ${best.arch}, mean ` +
    `${f3(best.osteonMeanAuroc)} (runs ${runs.map((r) => withCi(r.score.auroc, r.score.aurocCi)).join('; ')}), ` +
    `longest run ${longest.toFixed(1)} min: ${met ? 'met' : 'not met'}`);
}
console.log(`\n| arch | Osteon img/s (run; median epoch) | plain img/s (run; median epoch) | ratio (run; median epoch) | required >= ${REQUIRED_SPEEDUP}x |\n|---|---|---|---|---|`);
for (const arch of archs) {
  const mean = (side: SideRun['side'], key: 'overall' | 'medianEpoch') => {
    const values = rows.filter((r) => r.run.arch === arch && r.run.side === side).map((r) => throughput(r.run)[key]).filter(Number.isFinite);
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  };
  const pair = (key: 'overall' | 'medianEpoch') => [mean('osteon', key), mean('plain', key)] as const;
  const [osteonRun, plainRun] = pair('overall');
  const [osteonEpoch, plainEpoch] = pair('medianEpoch');
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null ? a / b : null);
  const runRatio = ratio(osteonRun, plainRun);
  const epochRatio = ratio(osteonEpoch, plainEpoch);
  const f1 = (x: number | null, unit = '') => (x === null ? 'n/a' : `${x.toFixed(unit ? 2 : 1)}${unit}`);
  console.log(`| ${arch} | ${f1(osteonRun)}; ${f1(osteonEpoch)} | ${f1(plainRun)}; ${f1(plainEpoch)} | ${f1(runRatio, 'x')}; ${f1(epochRatio, 'x')} | ` +
    `${runRatio === null ? 'n/a' : runRatio >= REQUIRED_SPEEDUP ? 'met' : 'not met'} |`);
}
if (failures.length) console.log(`failed runs: ${failures.length} (see ${out})`);
console.log(`results: ${out}`);
