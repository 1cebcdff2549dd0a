// The whole training path (store -> tensor cache -> augmenting loader -> engine) must carry labels correctly:
// on images whose class is plain to see, a run reaches a near-perfect validation AUROC within a few epochs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { createProject, importPath, openStore, splitProject } from '../../src/data/index.js';
import { trainRun } from '../../src/train/train-run.js';
import { prng } from '../helpers/tiny-graphs.js';

let workspace: string;

beforeAll(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-learns-'));
  const random = prng(3);
  // Fractured: a bright bar across the image at a random height; normal: noise only. Sizes and positions vary.
  for (const label of ['fractured', 'normal']) {
    fs.mkdirSync(path.join(root, 'images', label), { recursive: true });
    for (let i = 0; i < 40; i++) {
      const size = 56 + Math.floor(random() * 24);
      const pixels = Buffer.alloc(size * size);
      const bar = Math.floor(random() * (size - 12));
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const onBar = label === 'fractured' && y >= bar && y < bar + 6;
          pixels[y * size + x] = Math.min(255, Math.floor(60 + random() * 60 + (onBar ? 120 : 0)));
        }
      }
      await sharp(pixels, { raw: { width: size, height: size, channels: 1 } }).png().toFile(path.join(root, 'images', label, `${i}.png`));
    }
  }
  workspace = path.join(root, 'workspace');
  const store = openStore(workspace);
  const project = createProject(store, 'bars');
  await importPath(store, project, path.join(root, 'images'));
  splitProject(store, project.id, { val: 0.25, test: 0.1, seed: 1 });
  store.close();
}, 120_000);

it('learns a visible class with labels intact through cache, augmentation and loader', async () => {
  const result = await trainRun({
    workspace, project: 'bars',
    // The question is whether labels arrive intact, so the best epoch's validation AUROC is what counts here.
    recipe: { arch: 'resnet18', size: 48, epochs: 4, batchSize: 8, threads: 2, patience: 0, lr: 2e-3, selection: 'best-val' },
  });
  expect(result.best.valAuroc).toBeGreaterThan(0.95);
}, 300_000);
