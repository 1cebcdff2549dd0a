// The plain recipe's runs trained on another machine (one with a GPU, say), for `bench/quality.ts --baseline-from`:
// its quality is compared, its speed is not. Two steps:
//   npx tsx bench/quality-plain-elsewhere.ts prepare --archs densenet121,resnet50 [--seeds 1] [--size 128] [--epochs 10]
//       [--device cuda] [--threads 16] [--workers 8] [--dir plain-elsewhere]
//     writes DIR/data (each bench file as the script first sees it: resized, lossless, a few KB, so the folder
//     travels where the full-size data set does not) and DIR/specs (one per run); then, on the other machine, from
//     the same folder: for s in DIR/specs/*.json; do python3 bench/baselines/torchvision_quality.py $s > OUT/$(basename $s); done
//   npx tsx bench/quality-plain-elsewhere.ts collect --outputs OUT [--dir plain-elsewhere] --out bench/results/quality-plain-elsewhere.json
//     turns the script's outputs into a result file of the bench's format (thresholds chosen here, as for a local run).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_RECIPE } from '../src/train/recipe.js';
import { prepareBenchData, type BenchFile } from './quality/dataset.js';
import { PYTHON, plainSideRun, plainSpec, plainVersions, type PlainOutput } from './quality/plain-side.js';
import type { SavedResult } from './quality/saved-baseline.js';
import { scoreRun } from './quality/score.js';

const [step, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    archs: { type: 'string' },
    seeds: { type: 'string', default: '1' },
    size: { type: 'string', default: '128' },
    epochs: { type: 'string', default: '10' },
    device: { type: 'string', default: 'cuda' },
    threads: { type: 'string', default: '16' },
    workers: { type: 'string', default: '8' },
    dir: { type: 'string', default: 'plain-elsewhere' },
    outputs: { type: 'string' },
    out: { type: 'string', default: 'bench/results/quality-plain-elsewhere.json' },
    workspace: { type: 'string', default: 'bench/results/quality-workspace' },
    data: { type: 'string', default: '../shared/datasets/bone-xray-dev' },
  },
});

const dir = values.dir!;
const size = Number(values.size);
const data = await prepareBenchData(path.resolve(values.workspace!), path.resolve(values.data!));
// Relative to the folder both machines run from, as the spec names it and the script's output repeats it.
const carried = (f: BenchFile) => path.posix.join(dir, 'data', `${size}px`, `${f.relative}.png`);
const allFiles = [...data.files.train, ...data.files.val, ...data.files.test];

if (step === 'prepare') {
  if (!values.archs) throw new Error('prepare wants --archs, e.g. --archs densenet121,resnet50.');
  const missing = allFiles.filter((f) => !fs.existsSync(carried(f)));
  if (missing.length) {
    const list = path.join(dir, `resize-${size}px.json`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(list, JSON.stringify({ size, items: missing.map((f) => ({ source: f.file, target: carried(f) })) }));
    console.log(`resizing ${missing.length} files to ${size}px ...`);
    const resized = spawnSync(PYTHON, ['bench/baselines/pre_resize.py', list], { stdio: 'inherit' });
    if (resized.status !== 0) throw new Error(`bench/baselines/pre_resize.py exited with code ${resized.status}.`);
  }
  fs.mkdirSync(path.join(dir, 'specs'), { recursive: true });
  for (const arch of values.archs.split(',')) {
    for (const seed of values.seeds!.split(',').map(Number)) {
      const spec = plainSpec({
        arch, seed, size, epochs: Number(values.epochs), threads: Number(values.threads), batchSize: DEFAULT_RECIPE.batchSize,
        workers: Number(values.workers), device: values.device,
      }, data.files, carried);
      fs.writeFileSync(path.join(dir, 'specs', `${arch}-${size}px-seed${seed}.json`), JSON.stringify(spec));
    }
  }
  const bytes = allFiles.reduce((sum, f) => sum + fs.statSync(carried(f)).size, 0);
  console.log(`${dir}: ${allFiles.length} files (${(bytes / 2 ** 20).toFixed(1)} MiB) and specs ${fs.readdirSync(path.join(dir, 'specs')).join(', ')}`);
} else if (step === 'collect') {
  if (!values.outputs) throw new Error('collect wants --outputs DIR (the script\'s outputs, one JSON file per run).');
  const outputs = fs.readdirSync(values.outputs).filter((name) => name.endsWith('.json')).sort();
  if (!outputs.length) throw new Error(`${values.outputs} holds no .json outputs.`);
  const runs = outputs.map((name) => {
    const out = JSON.parse(fs.readFileSync(path.join(values.outputs!, name), 'utf8')) as PlainOutput;
    const spec = JSON.parse(fs.readFileSync(path.join(dir, 'specs', name), 'utf8')) as { size: number; epochs: number; threads: number };
    if (!out.device) throw new Error(`${name}: the output names no device; was it made by an older script?`);
    return { out, spec, run: plainSideRun(out, data.files, out.trainSeconds, carried) };
  });
  const settings = new Set(runs.map(({ spec, out }) => `${spec.size}/${spec.epochs}/${spec.threads}/${out.device}`));
  if (settings.size !== 1) throw new Error(`The outputs mix settings or machines (${[...settings].join('; ')}): collect them into separate files.`);
  const { spec, out } = runs[0]!;
  const result: SavedResult = {
    machine: out.device!,
    date: new Date().toISOString(),
    baseline: plainVersions(out),
    values: { size: String(spec.size), epochs: String(spec.epochs), threads: String(spec.threads) },
    runs: runs.map(({ run }) => ({ ...run, testProbabilities: undefined })),
    testFiles: data.files.test.map((f) => f.relative),
    testProbabilities: runs.map(({ run }) => ({ side: 'plain', arch: run.arch, seed: run.seed, p: run.testProbabilities })),
  };
  fs.mkdirSync(path.dirname(values.out!), { recursive: true });
  fs.writeFileSync(values.out!, `${JSON.stringify(result, null, 1)}\n`);
  for (const { run } of runs) {
    const score = scoreRun(run, data.files.test);
    const ci = score.aurocCi ? ` [${score.aurocCi.map((x) => x.toFixed(2)).join(', ')}]` : '';
    console.log(`${run.arch} seed ${run.seed}: test AUROC ${score.auroc?.toFixed(3) ?? 'n/a'}${ci}, threshold ${run.threshold.toFixed(3)}, epoch kept ${run.bestEpoch === null ? '-' : run.bestEpoch + 1}/${run.epochsDone} (val ${run.bestValAuroc?.toFixed(3) ?? 'n/a'})`);
  }
  console.log(`results: ${values.out} (trained on ${out.device})`);
} else {
  throw new Error('Usage: quality-plain-elsewhere.ts prepare|collect [options] (see the head of this file).');
}
