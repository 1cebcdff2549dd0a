import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticProject } from '../../test/helpers/synthetic-project.js';
import { cpuHasNativeBf16 } from '../nn/engine/index.js';
import { runFiles } from './checkpoint.js';
import { trainRun, type TrainEvent } from './train-run.js';

describe('a training run records its precision', () => {
  it('resolves the recipe choice, records it, warns where bf16 is slow, and keeps it on resume', async () => {
    const { workspace } = await syntheticProject({ n: 40, size: 32, seed: 3 });
    const logs: string[] = [];
    const onEvent = (e: TrainEvent) => {
      if (e.type === 'log') logs.push(e.message);
    };
    const recipe = { arch: 'mobilenet_v2', size: 32, epochs: 1, batchSize: 8, threads: 2, patience: 0, precision: 'bf16' as const };
    const result = await trainRun({ workspace, project: 'synthetic', recipe, onEvent });
    expect(result).toMatchObject({ status: 'completed', precision: 'bf16' });
    const recipeFile = runFiles(path.join(workspace, 'runs', result.id)).recipe;
    const recorded = JSON.parse(fs.readFileSync(recipeFile, 'utf8'));
    expect(recorded).toMatchObject({ precision: 'bf16', precisionUsed: 'bf16', precisionReason: 'bf16 asked for' });
    expect(logs).toContain('precision: bf16 (bf16 asked for)');
    expect(logs.some((m) => /^warning: .*no native bfloat16/.test(m))).toBe(!cpuHasNativeBf16());

    // A resumed run trains in the precision it recorded, whatever its recipe says.
    fs.writeFileSync(recipeFile, JSON.stringify({ ...recorded, precisionUsed: 'fp32' }));
    const resumed = await trainRun({ workspace, project: 'synthetic', resume: result.id });
    expect(resumed.precision).toBe('fp32');
  }, 90_000);
});
