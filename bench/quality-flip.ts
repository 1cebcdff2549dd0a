// What test-time flip does to models already trained: each run's last-epoch weights (the model the default recipe
// keeps) scored on the quality workspace's val and test splits as they are, mirrored, and averaged with their
// mirror (testTimeFlip). No training; the runs come from earlier `bench/quality.ts` runs.
// Usage: npx tsx bench/quality-flip.ts [--workspace DIR] RUN_ID [RUN_ID ...]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getProject, listImages, openStore, readOriginal } from '../src/data/index.js';
import { auroc, scoreSample } from '../src/eval/index.js';
import { decodeImage, mirrorHorizontally, preprocess } from '../src/imaging/index.js';
import { usableImages } from '../src/pipeline/index.js';
import { InferenceEngine } from '../src/serve/engine/index.js';
import { exportRun } from '../src/train/export-run.js';
import { getRun } from '../src/train/runs.js';
import { describeMachine } from './machine.js';

const { values, positionals: runIds } = parseArgs({
  options: { workspace: { type: 'string', default: 'bench/results/quality-workspace' } },
  allowPositionals: true,
});
if (runIds.length === 0) throw new Error('Name the runs to score, e.g. npx tsx bench/quality-flip.ts resnet18-20261127-130737-a6a7');
const workspace = path.resolve(values.workspace!);
const store = openStore(workspace);
const f3 = (x: number) => x.toFixed(3);
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
console.log(`machine: ${describeMachine()}`);
console.log('| run | epochs | val: as is / mirrored / averaged | test: as is / mirrored / averaged | averaging gains (val, test) |\n|---|---|---|---|---|');
const inputsBySplit = new Map<string, { inputs: Float32Array[]; labels: number[] }>();
const gains: Array<[number, number]> = [];
try {
  for (const runId of runIds) {
    const run = getRun(store, runId);
    const project = getProject(store, run.projectId);
    const runDir = path.join(workspace, 'runs', runId);
    const state = JSON.parse(fs.readFileSync(path.join(runDir, 'state.json'), 'utf8')) as { weights: string; epochsDone: number };
    const engine = await InferenceEngine.load(exportRun(store, runId, { threshold: 0.5, weights: path.join(runDir, state.weights), testTimeFlip: false }));
    const { size, channels } = engine.model.spec;
    const cells: string[] = [];
    const gain: number[] = [];
    try {
      for (const split of ['val', 'test'] as const) {
        const key = `${split} ${JSON.stringify(engine.model.spec)}`;
        if (!inputsBySplit.has(key)) {
          const images = usableImages(listImages(store, project.id, { split }), project.classes);
          const inputs: Float32Array[] = [];
          for (const image of images) inputs.push(await preprocess(await decodeImage(new Uint8Array(readOriginal(store, image))), engine.model.spec));
          inputsBySplit.set(key, { inputs, labels: images.map((i) => (i.label === 'fractured' ? 0 : 1)) });
        }
        const { inputs, labels } = inputsBySplit.get(key)!;
        const fractured = async (batch: Float32Array[]) => (await engine.predictPreprocessed(batch)).map((p) => p.probabilities.fractured!);
        const asIs = await fractured(inputs);
        const mirrored = await fractured(inputs.map((x) => mirrorHorizontally(x, size, size, channels)));
        const score = (p: number[]) => auroc(scoreSample(p, labels, { positiveIndex: 0 })).value!;
        const [a, m, both] = [score(asIs), score(mirrored), score(asIs.map((p, i) => (p + mirrored[i]!) / 2))];
        cells.push(`${f3(a)} / ${f3(m)} / ${f3(both)}`);
        gain.push(both - a);
      }
    } finally {
      await engine.release();
    }
    gains.push([gain[0]!, gain[1]!]);
    console.log(`| ${runId} | ${state.epochsDone} | ${cells.join(' | ')} | ${signed(gain[0]!)}, ${signed(gain[1]!)} |`);
  }
} finally {
  store.close();
}
const mean = (k: 0 | 1) => gains.reduce((s, g) => s + g[k], 0) / gains.length;
const up = (k: 0 | 1) => gains.filter((g) => g[k] > 0).length;
console.log(`\naveraging with the mirror: val AUROC ${signed(mean(0))} on average (up in ${up(0)} of ${gains.length}), ` +
  `test AUROC ${signed(mean(1))} (up in ${up(1)} of ${gains.length})`);
