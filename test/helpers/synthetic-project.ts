import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProject, importPath, openStore, splitFromFolders } from '../../src/data/index.js';
import { writeSyntheticDataset } from '../../src/synth/index.js';

/**
 * A temporary workspace holding one project of generated radiographs, imported and split as the synthetic
 * generator laid them out (70/15/15).
 */
export async function syntheticProject(options: { n: number; size: number; seed?: number; difficulty?: number; name?: string }) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-project-'));
  const images = path.join(root, 'images');
  await writeSyntheticDataset({ out: images, n: options.n, size: options.size, seed: options.seed ?? 1, difficulty: options.difficulty ?? 0.2 });
  const workspace = path.join(root, 'workspace');
  const store = openStore(workspace);
  try {
    const project = createProject(store, options.name ?? 'synthetic');
    const report = await importPath(store, project, images);
    const split = splitFromFolders(store, project.id);
    return { workspace, project, images, report, split };
  } finally {
    store.close();
  }
}
