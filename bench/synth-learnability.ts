/**
 * How learnable the synthetic radiographs are at the default difficulty: the setting of
 * test/synth/learnability.test.ts (2,000 images at 64 px, small_cnn, 12 epochs of the short-training recipe)
 * over several seeds, each seeding both the data and the training. The test's bounds come from this table.
 * Run: npx tsx bench/synth-learnability.ts [--seeds 1,2,3] [--difficulty D]
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DIFFICULTY } from '../src/synth/index.js';
import { LEARNABILITY, measureLearnability } from '../test/helpers/learnability.js';
import { describeMachine } from './machine.js';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '1,2,3' }, difficulty: { type: 'string', default: String(DEFAULT_DIFFICULTY) } } });
const rows = [];
for (const seed of values.seeds!.split(',').map(Number)) {
  const { evaluation, meanScore, seconds } = await measureLearnability(seed, Number(values.difficulty));
  const r = evaluation.report;
  const row = {
    seed,
    testAuroc: Number(r.auroc!.toFixed(3)),
    auroc95: r.ci.auroc?.map((x) => Number(x.toFixed(3))),
    accuracy: Number(r.accuracy!.toFixed(3)),
    meanScoreHairline: Number(meanScore.hairline.toFixed(3)),
    meanScoreOtherBreaks: Number(meanScore.other.toFixed(3)),
    hairlines: meanScore.hairlineCount,
    seconds: Number(seconds.toFixed(0)),
  };
  console.error(JSON.stringify(row));
  rows.push(row);
}
console.log(JSON.stringify({ setting: { ...LEARNABILITY, difficulty: Number(values.difficulty) }, machine: describeMachine(), rows }, null, 2));
