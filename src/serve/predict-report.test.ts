import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, expect, it } from 'vitest';
import { InlineModel } from '../nn/engine/inline.js';
import { exportOnnx } from '../nn/export.js';
import { tinyNet } from '../../test/helpers/tiny-graphs.js';
import { InferenceEngine } from './engine/index.js';
import { predictReport } from './predict-report.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-predict-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('reports every file in order, writes one overlay per classified file, and keeps going past bad ones', async () => {
  const graph = tinyNet();
  const state = await new InlineModel(graph, { seed: 2, threads: 1 }).stateDict();
  const spec = { size: 32, channels: 1 as const, mean: [0.5], std: [0.25], resize: 'letterbox' as const };
  const engine = await InferenceEngine.load(exportOnnx(graph, state, { spec, classes: ['fractured', 'normal'], threshold: 0.3, runId: 'r' }), {
    batchSize: 2,
  });
  const files: string[] = [];
  for (const sub of ['a', 'b']) {
    fs.mkdirSync(path.join(dir, sub));
    const file = path.join(dir, sub, 'wrist.png');
    const pixels = Uint8Array.from({ length: 50 * 40 }, (_, i) => (i * (sub === 'a' ? 7 : 13)) % 256);
    await sharp(pixels, { raw: { width: 50, height: 40, channels: 1 } }).png().toFile(file);
    files.push(file);
  }
  const text = path.join(dir, 'report.txt');
  fs.writeFileSync(text, 'not an image');
  const heatmaps = path.join(dir, 'heatmaps');
  const progress: number[] = [];
  const entries = await predictReport(engine, [files[0]!, text, files[1]!], { heatmapDir: heatmaps, onProgress: (n) => progress.push(n) });
  await engine.release();

  expect(entries.map((e) => e.file)).toEqual([files[0], text, files[1]]);
  expect(entries[1]).toMatchObject({ code: 'UNSUPPORTED_FORMAT', error: expect.stringMatching(/Not a supported image/) });
  const [first, , second] = entries as { heatmap: string; threshold: number; label: string; probabilities: Record<string, number> }[];
  expect(first!.threshold).toBe(0.3);
  expect(first!.label).toBe(first!.probabilities.fractured! >= 0.3 ? 'fractured' : 'normal');
  // Two files named wrist.png: two overlays, no overwrite.
  expect([path.basename(first!.heatmap), path.basename(second!.heatmap)]).toEqual(['wrist.heatmap.png', 'wrist-2.heatmap.png']);
  const meta = await sharp(fs.readFileSync(second!.heatmap)).metadata();
  expect([meta.width, meta.height, meta.channels]).toEqual([50, 40, 3]);
  expect(progress).toEqual([2, 3]);
});
